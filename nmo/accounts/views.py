from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from nmo.accounts import services
from nmo.accounts.access import require_login
from nmo.accounts.forms import LoginForm, RegistrationForm, ResetForm, TokenCreateForm
from nmo.accounts.models import Membership
from nmo.accounts.selectors import list_tokens
from nmo.core.exceptions import ValidationFailed


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_specialist(data=services.Registration(**form.cleaned_data))
        except ValidationFailed as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
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


def profile(request: HttpRequest) -> HttpResponse:
    require_login(request.user)
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "tokens": list_tokens(request.user),  # type: ignore[arg-type]
            "token_form": TokenCreateForm(),
            "new_token": request.session.pop("new_token", None),
        },
    )


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Issue a token for the signed-in user; it is shown once on the profile page."""
    require_login(request.user)
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        issued = services.issue_token_for_user(
            actor=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
        )
        request.session["new_token"] = issued.raw
        messages.success(request, "Токен создан. Скопируйте его сейчас: позже он не будет показан.")
    return redirect("accounts:profile")


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    require_login(request.user)
    services.revoke_token(actor=request.user, token_id=token_id)  # type: ignore[arg-type]
    messages.success(request, "Токен отозван.")
    return redirect("accounts:profile")
