from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from nmo.accounts import services
from nmo.accounts.access import SignedInRequest, require_admin, require_login, signed_in
from nmo.accounts.forms import (
    GrantRoleForm,
    LoginForm,
    RegistrationForm,
    ResetForm,
    StaffUserForm,
    TokenCreateForm,
    UserSearchForm,
)
from nmo.accounts.models import Membership, User
from nmo.accounts.selectors import list_tokens, search_users
from nmo.core.exceptions import Conflict, ValidationFailed
from nmo.core.forms import show_refusal


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_specialist(data=services.Registration(**form.cleaned_data))
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Регистрация завершена. Добро пожаловать!")
            return redirect("accounts:profile")
    return render(
        request, "accounts/register.html", {"form": form}, status=422 if form.errors else 200
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@signed_in
def profile(request: SignedInRequest) -> HttpResponse:
    require_login(request.user)
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "tokens": list_tokens(request.user),
            "token_form": TokenCreateForm(),
            "new_token": request.session.pop("new_token", None),
        },
    )


@require_POST
@signed_in
def token_create(request: SignedInRequest) -> HttpResponse:
    """Issue a token for the signed-in user; it is shown once on the profile page."""
    require_login(request.user)
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        issued = services.issue_token_for_user(
            actor=request.user,
            name=form.cleaned_data["name"],
        )
        request.session["new_token"] = issued.raw
        messages.success(request, "Токен создан. Скопируйте его сейчас: позже он не будет показан.")
    return redirect("accounts:profile")


@require_POST
@signed_in
def token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    require_login(request.user)
    services.revoke_token(actor=request.user, token_id=token_id)
    messages.success(request, "Токен отозван.")
    return redirect("accounts:profile")


def user_list(request: HttpRequest) -> HttpResponse:
    """Administrators find users and open one to manage roles."""
    require_admin(request.user)
    form = UserSearchForm(request.GET or None)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    page = Paginator(search_users(text=text), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/user_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@signed_in
def user_create(request: SignedInRequest) -> HttpResponse:
    require_admin(request.user)
    form = StaffUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"]
        try:
            user = services.add_user(
                actor=request.user,
                email=data["email"],
                password=data["password"],
                role=data["role"],
                organisation_name=organisation.name if organisation else None,
                last_name=data["last_name"],
                first_name=data["first_name"],
                middle_name=data["middle_name"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Учётная запись {user.email} создана.")
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(
        request, "accounts/user_create.html", {"form": form}, status=422 if form.errors else 200
    )


@signed_in
def user_detail(request: SignedInRequest, user_id: int) -> HttpResponse:
    require_admin(request.user)
    person = get_object_or_404(User, pk=user_id)
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_role(
                actor=request.user,
                user=person,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Роль назначена.")
            return redirect("accounts:user_detail", user_id=person.pk)
    memberships = Membership.objects.filter(user=person).select_related("organisation")
    return render(
        request,
        "accounts/user_detail.html",
        {"person": person, "memberships": memberships, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@signed_in
def role_revoke(request: SignedInRequest, user_id: int, membership_id: int) -> HttpResponse:
    require_admin(request.user)
    try:
        services.revoke_role(actor=request.user, membership_id=membership_id)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Роль снята.")
    return redirect("accounts:user_detail", user_id=user_id)
