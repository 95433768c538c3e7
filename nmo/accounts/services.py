"""State changes of accounts: registration, roles, tokens, staff accounts."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from nmo.accounts.exceptions import InvalidCredentials, RegistrationInvalid
from nmo.accounts.login_throttle import admit_login
from nmo.accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
    hash_token,
)
from nmo.accounts.rules import normalise_email, normalise_snils, snils_error
from nmo.accounts.selectors import is_admin
from nmo.accounts.types import IssuedToken
from nmo.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from nmo.core.services import record_audit

NAME_MAX = 150


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    last_name: str
    first_name: str
    middle_name: str
    snils: str
    personal_data_consent: bool


def _registration_errors(data: Registration) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    email = normalise_email(data.email)
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Укажите действующий адрес электронной почты."]
    else:
        if User.objects.filter(email=email).exists():
            errors["email"] = ["Пользователь с таким адресом уже зарегистрирован."]
    for field, label in (("last_name", "фамилию"), ("first_name", "имя")):
        value = getattr(data, field).strip()
        if not value:
            errors[field] = [f"Укажите {label}."]
        elif len(value) > NAME_MAX:
            errors[field] = [f"Не более {NAME_MAX} символов."]
    if len(data.middle_name.strip()) > NAME_MAX:
        errors["middle_name"] = [f"Не более {NAME_MAX} символов."]
    problem = snils_error(data.snils)
    if problem:
        errors["snils"] = [problem]
    elif User.objects.filter(snils=normalise_snils(data.snils)).exists():
        errors["snils"] = ["Пользователь с таким СНИЛС уже зарегистрирован."]
    if not data.personal_data_consent:
        errors["personal_data_consent"] = [
            "Без согласия на обработку персональных данных регистрация невозможна (152-ФЗ)."
        ]
    probe = User(
        email=email,
        last_name=data.last_name,
        first_name=data.first_name,
        middle_name=data.middle_name,
    )
    try:
        validate_password(data.password, user=probe)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    return errors


@transaction.atomic
def register_specialist(*, data: Registration) -> User:
    """Create a specialist's account with the personal-data consent (npc-1.2)."""
    errors = _registration_errors(data)
    if errors:
        raise RegistrationInvalid(errors=errors)
    user = User(
        email=normalise_email(data.email),
        last_name=data.last_name.strip(),
        first_name=data.first_name.strip(),
        middle_name=data.middle_name.strip(),
        snils=normalise_snils(data.snils),
        personal_data_consent_at=timezone.now(),
        personal_data_consent_version=settings.PERSONAL_DATA_CONSENT_VERSION,
    )
    user.set_password(data.password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration took the e-mail or SNILS
        raise RegistrationInvalid(
            errors={"email": ["Пользователь с таким адресом или СНИЛС уже зарегистрирован."]}
        ) from exc
    Membership.objects.create(user=user, role=Role.SPECIALIST)
    record_audit(
        actor=user,
        action="account.register",
        target=user,
        changes={"consent_version": user.personal_data_consent_version},
    )
    return user


ORGANISATION_KIND_FOR_ROLE = {
    Role.PROVIDER: OrganisationKind.PROVIDER,
    Role.ACCREDITATION_EXPERT: OrganisationKind.ACCREDITATION_COMMISSION,
    Role.ORGANISATION_STAFF: OrganisationKind.EDUCATIONAL,
}


@transaction.atomic
@transaction.atomic
def add_organisation(*, name: str, kind: str, actor: User | None = None) -> Organisation:
    """Return the organisation of that name, creating it of `kind` when it does not exist
    (directories and demo data; administrators otherwise add organisations in the admin).
    Audited as "organisation.create" when created."""
    if actor is not None and not is_admin(actor):
        raise PermissionDenied()
    organisation, created = Organisation.objects.get_or_create(
        name=name.strip(), defaults={"kind": kind}
    )
    if created:
        record_audit(
            actor=actor,
            action="organisation.create",
            target=organisation,
            changes={"name": organisation.name, "kind": kind},
        )
    return organisation


def add_user(
    *,
    email: str,
    password: str | None,
    role: str,
    organisation_name: str | None = None,
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
    snils: str = "",
    actor: User | None = None,
) -> User:
    """Create a staff or demo account, or add a role to an existing one; the organisation
    is created when it does not exist. Used by `manage.py add_user` and by administrators."""
    if role not in Role.values:
        raise ValidationFailed(
            errors={"role": [f"Неизвестная роль «{role}». Допустимо: {', '.join(Role.values)}."]}
        )
    if actor is not None and not is_admin(actor):
        raise PermissionDenied()
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationFailed(errors={"email": ["Некорректный адрес электронной почты."]}) from exc
    if snils:
        problem = snils_error(snils)
        if problem:
            raise ValidationFailed(errors={"snils": [problem]})
    organisation = None
    if organisation_name:
        organisation, _ = Organisation.objects.get_or_create(
            name=organisation_name.strip(),
            defaults={
                "kind": ORGANISATION_KIND_FOR_ROLE.get(Role(role), OrganisationKind.EDUCATIONAL)
            },
        )
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        if not password:
            raise ValidationFailed(errors={"password": ["Для нового пользователя нужен пароль."]})
        user = User(
            email=email,
            last_name=last_name or email.split("@")[0],
            first_name=first_name or "—",
            middle_name=middle_name,
            snils=normalise_snils(snils) or None,
        )
        user.set_password(password)
        user.save()
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, role=role, organisation=organisation)
    if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        # Administrators maintain directories and the calendar in Django admin.
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    record_audit(
        actor=actor,
        action="account.create" if created else "account.grant_role",
        target=user,
        changes={"role": role, "organisation": organisation.name if organisation else None},
    )
    return user


@transaction.atomic
def issue_token(*, email: str, password: str, ip: str | None, name: str = "") -> IssuedToken:
    """Exchange e-mail and password for a bearer token; wrong passwords are throttled as
    at the login form (`login_throttle`, ADR 0014)."""
    email = normalise_email(email)
    attempt = admit_login(email=email, ip=ip)
    user = authenticate(username=email, password=password)
    if user is None:
        attempt.failed()
        raise InvalidCredentials()
    attempt.succeeded()
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:8], key_hash=hash_token(raw)
    )
    record_audit(actor=user, action="token.issue", target=token)
    return IssuedToken(id=token.pk, raw=raw, prefix=token.prefix)


@transaction.atomic
def revoke_token(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's tokens; someone else's token is not found."""
    token = ApiToken.objects.filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record_audit(actor=actor, action="token.revoke", target=token)
    return token


def revoke_token_by_raw(*, actor: User, raw: str) -> None:
    token = ApiToken.objects.filter(key_hash=hash_token(raw), user=actor).first()
    if token is None:
        raise NotFound()
    revoke_token(actor=actor, token_id=token.pk)


@transaction.atomic
def issue_token_for_user(*, actor: User, name: str = "") -> IssuedToken:
    """Issue a token for a signed-in user from the profile page."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:100], prefix=raw[:8], key_hash=hash_token(raw)
    )
    record_audit(actor=actor, action="token.issue", target=token)
    return IssuedToken(id=token.pk, raw=raw, prefix=token.prefix)


@transaction.atomic
def grant_role(
    *, actor: User, user: User, role: str, organisation: Organisation | None
) -> Membership:
    """Give a user a role (in an organisation when the role is organisational); admins only."""
    if not is_admin(actor):
        raise PermissionDenied()
    if role not in Role.values:
        raise ValidationFailed(errors={"role": ["Неизвестная роль."]})
    needs_organisation = role in ORGANISATION_KIND_FOR_ROLE
    if needs_organisation and organisation is None:
        raise ValidationFailed(errors={"organisation": ["Для этой роли укажите организацию."]})
    if not needs_organisation:
        organisation = None
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, organisation=organisation
    )
    if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if created:
        record_audit(
            actor=actor,
            action="account.grant_role",
            target=user,
            changes={"role": role, "organisation": organisation.name if organisation else None},
        )
    return membership


@transaction.atomic
def revoke_role(*, actor: User, membership_id: int) -> None:
    """Take a role away; admins only. The last administrator cannot lose the role."""
    if not is_admin(actor):
        raise PermissionDenied()
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is None:
        raise NotFound()
    if membership.role == Role.ADMIN and Membership.objects.filter(role=Role.ADMIN).count() == 1:
        raise Conflict("Нельзя снять роль с последнего администратора.", code="last_admin")
    user = membership.user
    record_audit(
        actor=actor,
        action="account.revoke_role",
        target=user,
        changes={
            "role": membership.role,
            "organisation": membership.organisation.name if membership.organisation else None,
        },
    )
    membership.delete()
    if membership.role == Role.ADMIN and not user.memberships.filter(role=Role.ADMIN).exists():
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])


def fill_snils(*, user_id: int, snils: str) -> int:
    """Give the account this SNILS if it has none yet; the rows changed (0 or 1). It runs in
    the caller's transaction, and the caller audits it."""
    return User.objects.filter(pk=user_id, snils__isnull=True).update(snils=snils)


def create_learner_account(
    *, email: str, last_name: str, first_name: str, middle_name: str, snils: str, phone: str
) -> User:
    """Create a learner's account enrolled by an organisation: no roles and no usable
    password (the person sets one by "forgot password" with this e-mail). It runs in the
    caller's transaction, which audits the enrolment; a concurrent registration of the
    same e-mail or SNILS raises IntegrityError there."""
    user = User(
        email=email,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        snils=snils or None,
        phone=phone,
    )
    user.set_unusable_password()
    user.save()
    return user
