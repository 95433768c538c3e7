from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from nmo.accounts import services
from nmo.accounts.access import (
    SignedInRequest,
    access_administered_organisation,
    require_admin,
    require_login,
    require_role,
    signed_in,
)
from nmo.accounts.exceptions import InvitationInvalid
from nmo.accounts.forms import (
    AcceptInvitationForm,
    AssignRoleForm,
    GrantRoleForm,
    InvitationForm,
    LoginForm,
    NewPasswordForm,
    OrganisationAdminInviteForm,
    OrganisationSetUpForm,
    PersonDetailsForm,
    RegistrationForm,
    ResetForm,
    StaffUserForm,
    TokenCreateForm,
    UnitForm,
    UnitRenameForm,
    UserSearchForm,
    role_choices,
)
from nmo.accounts.models import Membership, Organisation, Role, User
from nmo.accounts.selectors import (
    administered_organisations,
    invitation_for_token,
    list_tokens,
    memberships_in,
    pending_invitations,
    search_users,
    units_for_organisation,
    user_for_email,
)
from nmo.core.exceptions import Conflict, RateLimited, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.core.links import current_site_url
from nmo.core.middleware import client_ip
from nmo.core.paging import CappedPaginator
from nmo.core.russian import count


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = RegistrationForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_specialist(
                data=services.Registration(**form.cleaned_data), ip=client_ip(request)
            )
        except RateLimited as exc:
            form.add_error(None, exc.message)
            retry_after = exc.retry_after
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Регистрация завершена. Добро пожаловать!")
            return redirect("accounts:profile")
    return _form_page(request, "accounts/register.html", {"form": form}, retry_after)


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], retry_after: int | None
) -> HttpResponse:
    """A form page: 200, 422 with the form's errors, or 429 with Retry-After when a
    throttle refused it (ADR 0022)."""
    form = context["form"]
    status = 429 if retry_after is not None else 422 if form.errors else 200
    response = render(request, template, context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


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

    def form_valid(self, form: ResetForm) -> HttpResponse:
        """The same steps for a known and an unknown address (ADR 0022): count the request
        (per e-mail and per address) and queue the letter's task, which looks the account
        up and builds the letter in the worker. The link's address is SITE_URL when set,
        never a Host header alone (a forged one must not lead a victim elsewhere)."""
        try:
            services.request_password_reset(
                email=form.cleaned_data["email"],
                ip=client_ip(self.request),
                site_url=current_site_url(),
            )
        except RateLimited as exc:
            form.add_error(None, exc.message)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from the reset link: the link is throttled as passwords
    are (`services.admit_reset_link`, ADR 0021), before it is checked."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    form_class = NewPasswordForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        uidb64 = str(kwargs.get("uidb64", ""))
        try:
            attempt = services.admit_reset_link(
                user=self.get_user(uidb64), uidb64=uidb64, ip=client_ip(request)
            )
        except RateLimited as exc:
            context = {"validlink": False, "refusal": exc.message}
            response = render(request, self.template_name, context, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        response = super().dispatch(request, *args, **kwargs)
        # A valid link redirects to the form (or shows it); an invalid one is refused.
        if self.validlink or response.status_code == 302:
            attempt.succeeded()
        else:
            attempt.failed()
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.forget_failed_logins_here(user=self.user, ip=client_ip(self.request))
        return response


@signed_in
def profile(request: SignedInRequest) -> HttpResponse:
    require_login(request.user)
    user = request.user
    details_form = PersonDetailsForm(
        request.POST if request.method == "POST" else None,
        initial={"sex": user.sex, "birth_date": user.birth_date},
    )
    if request.method == "POST" and details_form.is_valid():
        try:
            services.update_personal_details(
                actor=user,
                sex=details_form.cleaned_data["sex"],
                birth_date=details_form.cleaned_data["birth_date"],
            )
        except ValidationFailed as exc:
            show_refusal(details_form, exc)
        else:
            messages.success(request, "Личные сведения сохранены.")
            return redirect("accounts:profile")
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "tokens": list_tokens(request.user),
            "token_form": TokenCreateForm(),
            "new_token": request.session.pop("new_token", None),
            "details_form": details_form,
            "idle_days": count(int(settings.API_TOKEN_IDLE_DAYS), ("день", "дня", "дней")),
        },
        status=422 if details_form.errors else 200,
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
    page = CappedPaginator(search_users(text=text), 50).get_page(request.GET.get("page"))
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


# --- an organisation sets itself up (ADR 0015) --------------------------------------------


@signed_in
def organisation_admin(request: SignedInRequest) -> HttpResponse:
    """The organisation administrator's start page: their organisation, or a choice of
    the organisations they administer."""
    require_role(request.user, Role.ORGANISATION_ADMIN)
    organisations = list(administered_organisations(request.user))
    if len(organisations) == 1:
        return redirect("accounts:organisation_home", organisation_id=organisations[0].pk)
    return render(request, "accounts/organisation_choose.html", {"organisations": organisations})


def _people(organisation: Organisation) -> list[dict[str, Any]]:
    people: dict[int, dict[str, Any]] = {}
    for membership in memberships_in(organisation):
        entry = people.setdefault(
            membership.user_id, {"person": membership.user, "memberships": []}
        )
        entry["memberships"].append(membership)
    return list(people.values())


def _organisation_page(
    request: SignedInRequest,
    organisation: Organisation,
    *,
    unit_form: UnitForm | None = None,
    invitation_form: InvitationForm | None = None,
) -> HttpResponse:
    unit_form = unit_form or UnitForm(prefix="unit")
    invitation_form = invitation_form or InvitationForm(prefix="invite", kind=organisation.kind)
    refused = bool(unit_form.errors or invitation_form.errors)
    context = {
        "organisation": organisation,
        "units": units_for_organisation(organisation),
        "people": _people(organisation),
        "invitations": pending_invitations(organisation),
        "unit_form": unit_form,
        "invitation_form": invitation_form,
        "role_choices": role_choices(organisation.kind),
        "now": timezone.now(),
    }
    return render(
        request, "accounts/organisation_home.html", context, status=422 if refused else 200
    )


@signed_in
def organisation_home(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    """Departments, people and their roles, invitations of one organisation."""
    organisation = access_administered_organisation(request.user, organisation_id)
    return _organisation_page(request, organisation)


def _back(organisation: Organisation, anchor: str) -> HttpResponse:
    return redirect(
        reverse("accounts:organisation_home", kwargs={"organisation_id": organisation.pk}) + anchor
    )


@require_POST
@signed_in
def unit_create(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    form = UnitForm(request.POST, prefix="unit")
    if form.is_valid():
        try:
            unit = services.create_unit(
                actor=request.user,
                organisation=organisation,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Подразделение «{unit.name}» добавлено.")
            return _back(organisation, "#units")
    return _organisation_page(request, organisation, unit_form=form)


@require_POST
@signed_in
def unit_rename(request: SignedInRequest, organisation_id: int, unit_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    form = UnitRenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите новое наименование подразделения (до 300 символов).")
        return _back(organisation, "#units")
    try:
        unit = services.rename_unit(
            actor=request.user,
            organisation=organisation,
            unit_id=unit_id,
            name=form.cleaned_data["name"],
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
    else:
        messages.success(request, f"Подразделение переименовано: «{unit.name}».")
    return _back(organisation, "#units")


@require_POST
@signed_in
def unit_remove(request: SignedInRequest, organisation_id: int, unit_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    try:
        services.remove_unit(actor=request.user, organisation=organisation, unit_id=unit_id)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Подразделение удалено.")
    return _back(organisation, "#units")


@require_POST
@signed_in
def invitation_create(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    form = InvitationForm(request.POST, prefix="invite", kind=organisation.kind)
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invite_to_organisation(
                actor=request.user,
                organisation=organisation,
                email=data["email"],
                role=data["role"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                middle_name=data["middle_name"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                f"Приглашение отправлено на {invitation.email} "
                f"(роль «{invitation.get_role_display()}»).",
            )
            return _back(organisation, "#invitations")
    return _organisation_page(request, organisation, invitation_form=form)


@require_POST
@signed_in
def invitation_resend(
    request: SignedInRequest, organisation_id: int, invitation_id: int
) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    try:
        invitation = services.resend_invitation(
            actor=request.user, organisation=organisation, invitation_id=invitation_id
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Приглашение отправлено повторно на {invitation.email}; прежняя ссылка больше "
            "не действует.",
        )
    return _back(organisation, "#invitations")


@require_POST
@signed_in
def invitation_cancel(
    request: SignedInRequest, organisation_id: int, invitation_id: int
) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    try:
        invitation = services.cancel_invitation(
            actor=request.user, organisation=organisation, invitation_id=invitation_id
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Приглашение для {invitation.email} отменено.")
    return _back(organisation, "#invitations")


@require_POST
@signed_in
def member_role_add(request: SignedInRequest, organisation_id: int, user_id: int) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    form = AssignRoleForm(request.POST, kind=organisation.kind)
    if not form.is_valid():
        messages.error(request, "Выберите роль из списка.")
        return _back(organisation, "#people")
    membership = services.assign_role_in_organisation(
        actor=request.user,
        organisation=organisation,
        user_id=user_id,
        role=form.cleaned_data["role"],
    )
    messages.success(
        request, f"{membership.user.full_name}: назначена роль «{membership.get_role_display()}»."
    )
    return _back(organisation, "#people")


@require_POST
@signed_in
def member_role_remove(
    request: SignedInRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    organisation = access_administered_organisation(request.user, organisation_id)
    try:
        services.remove_role_in_organisation(
            actor=request.user, organisation=organisation, membership_id=membership_id
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Роль снята.")
    return _back(organisation, "#people")


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: a new account sets its name and password, an existing one just
    accepts; a link that cannot be used is told why, in Russian."""
    try:
        invitation = invitation_for_token(token)
    except InvitationInvalid as exc:
        return render(
            request, "accounts/invitation_invalid.html", {"message": exc.message}, status=410
        )
    existing = user_for_email(invitation.email)
    form = None
    if existing is None:
        form = AcceptInvitationForm(
            request.POST or None,
            initial={
                "last_name": invitation.last_name,
                "first_name": invitation.first_name,
                "middle_name": invitation.middle_name,
            },
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        data = services.Acceptance()
        if form is not None:
            fields = form.cleaned_data
            data = services.Acceptance(
                password=fields["password"],
                last_name=fields["last_name"],
                first_name=fields["first_name"],
                middle_name=fields["middle_name"],
            )
        try:
            user = services.accept_invitation(token=token, data=data)
        except InvitationInvalid as exc:
            return render(
                request, "accounts/invitation_invalid.html", {"message": exc.message}, status=410
            )
        except ValidationFailed as exc:
            if form is None:
                raise
            show_refusal(form, exc)
        else:
            role = Role(invitation.role).label
            if existing is None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    f"Учётная запись создана: вы — {role.lower()} в «{invitation.organisation}».",
                )
                return redirect(settings.LOGIN_REDIRECT_URL)
            messages.success(
                request, f"Приглашение принято: роль «{role}» в «{invitation.organisation}»."
            )
            if request.user.is_authenticated and request.user.pk == user.pk:
                return redirect(settings.LOGIN_REDIRECT_URL)
            return redirect("accounts:login")
    context = {"invitation": invitation, "existing": existing, "form": form}
    status = 422 if form is not None and form.errors else 200
    return render(request, "accounts/invitation_accept.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def organisation_set_up(request: SignedInRequest) -> HttpResponse:
    """The platform administrator creates an organisation and invites its first
    administrator, or invites an administrator for an existing organisation."""
    require_admin(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    new_form = OrganisationSetUpForm(request.POST if action == "new" else None, prefix="new")
    invite_form = OrganisationAdminInviteForm(
        request.POST if action == "existing" else None, prefix="existing"
    )
    if action == "new" and new_form.is_valid():
        data = new_form.cleaned_data
        try:
            invitation = services.set_up_organisation(actor=request.user, **data)
        except ValidationFailed as exc:
            show_refusal(new_form, exc, {"email": "admin_email"})
        else:
            messages.success(
                request,
                f"Организация «{invitation.organisation}» создана; приглашение администратору "
                f"отправлено на {invitation.email}.",
            )
            return redirect("accounts:organisation_set_up")
    if action == "existing" and invite_form.is_valid():
        try:
            invitation = services.invite_to_organisation(
                actor=request.user,
                organisation=invite_form.cleaned_data["organisation"],
                email=invite_form.cleaned_data["email"],
                role=Role.ORGANISATION_ADMIN,
            )
        except ValidationFailed as exc:
            show_refusal(invite_form, exc)
        else:
            messages.success(
                request,
                f"Приглашение администратору «{invitation.organisation}» отправлено на "
                f"{invitation.email}.",
            )
            return redirect("accounts:organisation_set_up")
    status = 422 if new_form.errors or invite_form.errors else 200
    return render(
        request,
        "accounts/organisation_set_up.html",
        {"new_form": new_form, "invite_form": invite_form},
        status=status,
    )
