"""State changes of accounts: registration, roles, tokens, staff accounts."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, ProtectedError, Q, RestrictedError, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from nmo.accounts.enumeration_throttle import (
    REGISTRATION_REFUSED,
    admit_registration,
    admit_reset_request,
    owner_notice_due,
    registration_refused,
)
from nmo.accounts.exceptions import InvalidCredentials, InvitationInvalid, RegistrationInvalid
from nmo.accounts.login_throttle import (
    RESET_SCOPE,
    LoginAttempt,
    admit_login,
    clear_account_at_address,
)
from nmo.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    Sex,
    Unit,
    UnitKind,
    User,
    hash_token,
)
from nmo.accounts.rules import (
    INVITATION_VALID_DAYS,
    birth_date_error,
    leaves_no_administrator,
    normalise_email,
    normalise_snils,
    person_sex,
    roles_assignable_in,
    sex_error,
    snils_error,
)
from nmo.accounts.selectors import (
    administrator_count,
    get_invitation,
    has_role,
    invitation_for_token,
    invitation_token,
    is_admin,
    person_in,
    user_for_email,
)
from nmo.accounts.types import IssuedToken, LoginDoor
from nmo.core.exceptions import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from nmo.core.links import absolute_url
from nmo.core.services import enqueue_after_commit, record_audit, send_email_after_commit

NAME_MAX = 150
UNIT_NAME_MAX = 300


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    last_name: str
    first_name: str
    middle_name: str
    snils: str
    personal_data_consent: bool
    sex: str = ""
    birth_date: date | None = None


def _registration_errors(data: Registration) -> dict[str, list[str]]:
    """What is wrong with the form itself; whether its e-mail or SNILS is taken is asked
    only of a registration with nothing else wrong (`_taken_by`), so that a probe with a
    deliberate mistake learns nothing about anyone (ADR 0022)."""
    errors: dict[str, list[str]] = {}
    email = normalise_email(data.email)
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Укажите действующий адрес электронной почты."]
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
    problem = sex_error(data.sex)
    if problem:
        errors["sex"] = [problem]
    problem = birth_date_error(data.birth_date, timezone.localdate())
    if problem:
        errors["birth_date"] = [problem]
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


def _taken_by(email: str, snils: str) -> list[int]:
    """The accounts that already hold this e-mail or this SNILS (none, one or two)."""
    return list(
        User.objects.filter(Q(email=email) | Q(snils=snils))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class _DataTaken(Exception):
    def __init__(self, owner_ids: list[int]) -> None:
        super().__init__()
        self.owner_ids = owner_ids


@transaction.atomic
def _create_specialist(data: Registration) -> User:
    email = normalise_email(data.email)
    snils = normalise_snils(data.snils)
    owners = _taken_by(email, snils)
    if owners:
        raise _DataTaken(owners)
    sex, sex_inferred = person_sex(
        data.sex, data.last_name.strip(), data.first_name.strip(), data.middle_name.strip()
    )
    user = User(
        email=email,
        last_name=data.last_name.strip(),
        first_name=data.first_name.strip(),
        middle_name=data.middle_name.strip(),
        sex=sex,
        sex_inferred=sex_inferred,
        birth_date=data.birth_date,
        snils=snils,
        personal_data_consent_at=timezone.now(),
        personal_data_consent_version=settings.PERSONAL_DATA_CONSENT_VERSION,
    )
    user.set_password(data.password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration took the e-mail or SNILS
        raise _DataTaken(_taken_by(email, snils)) from exc
    Membership.objects.create(user=user, role=Role.SPECIALIST)
    record_audit(
        actor=user,
        action="account.register",
        target=user,
        changes={"consent_version": user.personal_data_consent_version},
    )
    return user


@transaction.atomic
def update_personal_details(*, actor: User, sex: str, birth_date: date | None) -> User:
    """The person's own sex and date of birth, from the profile page. A sex given here is
    the person's word, no longer an inference (ADR 0028)."""
    errors: dict[str, list[str]] = {}
    problem = sex_error(sex)
    if problem:
        errors["sex"] = [problem]
    problem = birth_date_error(birth_date, timezone.localdate())
    if problem:
        errors["birth_date"] = [problem]
    if errors:
        raise ValidationFailed(errors=errors)
    user = User.objects.select_for_update().get(pk=actor.pk)
    changes: dict[str, list[str]] = {}
    if sex != user.sex or (sex and user.sex_inferred):
        changes["sex"] = [user.get_sex_display(), dict(Sex.choices).get(sex, "")]
    if birth_date != user.birth_date:
        changes["birth_date"] = [
            f"{user.birth_date:%d.%m.%Y}" if user.birth_date else "",
            f"{birth_date:%d.%m.%Y}" if birth_date else "",
        ]
    user.sex = sex
    user.sex_inferred = False
    user.birth_date = birth_date
    user.save(update_fields=["sex", "sex_inferred", "birth_date"])
    if changes:
        record_audit(actor=user, action="account.personal_details", target=user, changes=changes)
    return user


def _registration_attempt_email(owner: User) -> None:
    link = absolute_url(reverse("accounts:password_reset"))
    body = (
        f"Здравствуйте, {owner.first_name}!\n\n"
        "Кто-то (возможно, вы) пытался зарегистрироваться на платформе НМО с вашим адресом "
        "электронной почты или вашим СНИЛС. Вторая учётная запись с этими данными не "
        "создана.\n\n"
        "Если это были вы и вы не помните пароль, восстановите его:\n"
        f"{link}\n\n"
        "Если нет — ничего делать не нужно: ваша учётная запись в безопасности.\n"
    )
    send_email_after_commit(
        to=[owner.email], subject="Попытка регистрации с вашими данными — НМО", body=body
    )


@transaction.atomic
def _tell_owners(owner_ids: list[int]) -> None:
    """Audit the attempt against each account whose data were used, and tell its owner by
    e-mail (at most once per registration window, `owner_notice_due`)."""
    for owner in User.objects.filter(pk__in=owner_ids):
        record_audit(actor=None, action="account.register_attempt", target=owner)
        if owner.is_active and owner_notice_due(user_id=owner.pk):
            _registration_attempt_email(owner)


def register_specialist(*, data: Registration, ip: str | None = None) -> User:
    """Create a specialist's account with the personal-data consent (npc-1.2).

    Against enumeration (ADR 0022): an address that has had
    THROTTLE_REGISTRATION_FAILURES registrations refused for taken data in the window
    waits (RateLimited); a taken e-mail or SNILS is refused with one message that names
    neither, counts against the address, is audited against the existing account, and its
    owner is told by e-mail."""
    admit_registration(ip=ip)
    errors = _registration_errors(data)
    if errors:
        raise RegistrationInvalid(errors=errors)
    try:
        return _create_specialist(data)
    except _DataTaken as taken:
        registration_refused(ip=ip)
        _tell_owners(taken.owner_ids)
        raise RegistrationInvalid(
            REGISTRATION_REFUSED, errors={"__all__": [REGISTRATION_REFUSED]}
        ) from None


def request_password_reset(*, email: str, ip: str | None, site_url: str) -> None:
    """Count a reset request (per e-mail and per address; RateLimited at a limit) and queue
    the letter's task. Nothing here asks whether an account has the address: a known and
    an unknown one take the same steps and the same time; the task looks the account up
    and builds the letter in the worker (ADR 0022)."""
    from nmo.accounts.tasks import send_password_reset

    email = normalise_email(email)
    admit_reset_request(email=email, ip=ip)
    enqueue_after_commit(send_password_reset, email=email, site_url=site_url, ip=ip)


def _password_set(user: User, *, actor: User | None, reset: bool) -> None:
    """Audit a new password (from a reset link or set by an administrator) and the API
    tokens its save revoked (`User.save`)."""
    record_audit(
        actor=actor,
        action="account.password_reset" if reset else "account.password_change",
        target=user,
        changes={"tokens_revoked": user.tokens_revoked},
    )
    if user.tokens_revoked:
        record_audit(
            actor=actor,
            action="token.revoke_all",
            target=user,
            changes={"tokens_revoked": user.tokens_revoked},
        )


@transaction.atomic
def complete_password_reset(*, user: User, password: str) -> User:
    """Set the new password from a reset link (the form has validated it): every API
    token of the account is revoked; audited as "account.password_reset" (and
    "token.revoke_all" when there were tokens)."""
    user.set_password(password)
    user.save()
    _password_set(user, actor=user, reset=True)
    return user


ORGANISATION_KIND_FOR_ROLE = {
    Role.PROVIDER: OrganisationKind.PROVIDER,
    Role.ACCREDITATION_EXPERT: OrganisationKind.ACCREDITATION_COMMISSION,
    Role.ORGANISATION_STAFF: OrganisationKind.EDUCATIONAL,
    Role.ORGANISATION_ADMIN: OrganisationKind.EDUCATIONAL,
    Role.COMMISSION_MEMBER: OrganisationKind.EDUCATIONAL,
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


@transaction.atomic
def add_unit(
    *, organisation: Organisation, name: str, kind: str, actor: User | None = None
) -> Unit:
    """Return the organisation's unit of that name, creating it of `kind` (a study
    department, a department, another unit) when it does not exist: the platform's own
    idempotent path (demo data, directories); an organisation's administrator adds units
    with `create_unit`. Audited as "unit.create" when created."""
    if actor is not None and not is_admin(actor):
        raise PermissionDenied()
    if kind not in UnitKind.values:
        raise ValidationFailed(errors={"kind": ["Выберите вид подразделения из списка."]})
    name = " ".join(name.split())
    if not name or len(name) > UNIT_NAME_MAX:
        raise ValidationFailed(
            errors={"name": [f"Укажите наименование подразделения (до {UNIT_NAME_MAX} символов)."]}
        )
    unit, created = Unit.objects.get_or_create(
        organisation=organisation, name=name, defaults={"kind": kind}
    )
    if created:
        record_audit(
            actor=actor,
            action="unit.create",
            target=unit,
            changes={"organisation": organisation.name, "name": name, "kind": kind},
        )
    return unit


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
        sex, sex_inferred = person_sex("", last_name, first_name, middle_name)
        user = User(
            email=email,
            last_name=last_name or email.split("@")[0],
            first_name=first_name or "—",
            middle_name=middle_name,
            snils=normalise_snils(snils) or None,
            sex=sex,
            sex_inferred=sex_inferred,
        )
        user.set_password(password)
        user.save()
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
        _password_set(user, actor=actor, reset=False)
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


def _login_subject(email: str) -> dict[str, Any]:
    """What a line about an attempt to sign in is about: the account when the e-mail
    names one, else the e-mail as a keyed hash (never in clear; equal e-mails give
    equal hashes, so repeated tries at one unknown address can be told apart)."""
    account = user_for_email(email) if email else None
    if account is not None:
        return {"target": account}
    digest = salted_hmac("nmo.accounts.login", email).hexdigest()[:16]
    return {
        "object_type": "accounts.user",
        "object_repr": f"неизвестная учётная запись (ключ {digest})",
    }


def sign_in(
    *, email: str, password: str, ip: str | None, door: str, request: HttpRequest | None = None
) -> User:
    """Check an e-mail and a password at one of the doors (`LoginDoor`): the login form,
    the token endpoint, Django admin's login. The same throttle for all (ADR 0014, ADR
    0021): the attempt is counted before the password is checked, so an account at its
    limit is refused everywhere, the right password included. Every outcome is in the
    audit log: a success (an administrator's at the admin door as an admin login), a
    wrong password (never the password itself) and a refusal by the throttle.

    Raises RateLimited (refused, with the seconds to wait), InvalidCredentials (wrong
    e-mail or password, or an account that is not an administrator at the admin door),
    ServiceUnavailable (the counters' store does not answer: nothing was checked).
    """
    email = normalise_email(email)
    try:
        attempt = admit_login(email=email, ip=ip)
    except RateLimited as exc:
        record_audit(
            actor=None,
            action="account.login_throttled",
            changes={"door": door, "retry_after": exc.retry_after},
            **_login_subject(email),
        )
        raise
    user = authenticate(request, username=email, password=password)
    reason = "password"
    if user is not None and door == LoginDoor.ADMIN and not is_admin(user):
        user, reason = None, "not_admin"
    if user is None:
        attempt.failed()
        record_audit(
            actor=None,
            action="account.login_failed",
            changes={"door": door, "reason": reason},
            **_login_subject(email),
        )
        raise InvalidCredentials()
    attempt.succeeded()
    if door == LoginDoor.ADMIN:
        record_audit(actor=user, action="account.admin_login", target=user, changes={"door": door})
    else:
        record_audit(actor=user, action="account.login", target=user, changes={"door": door})
    return user


def admit_reset_link(*, user: User | None, uidb64: str, ip: str | None) -> LoginAttempt:
    """Count the opening of a password-reset link (or the sending of its form) before the
    link is checked, per account at this address, per account and per address, as
    passwords are (ADR 0021); report the outcome on the attempt: `failed()` for a link
    that does not check, `succeeded()` for one that does. A refusal is audited and
    raised as RateLimited."""
    subject = user.email if user is not None else f"uid:{uidb64[:64]}"
    try:
        return admit_login(email=subject, ip=ip, scope=RESET_SCOPE)
    except RateLimited as exc:
        record_audit(
            actor=None,
            action="account.reset_link_throttled",
            changes={"door": LoginDoor.RESET, "retry_after": exc.retry_after},
            **_login_subject(user.email if user is not None else ""),
        )
        raise


def forget_failed_logins_here(*, user: User, ip: str | None) -> None:
    """The owner has set a new password from the reset link: their own wrong passwords
    at this address no longer keep them out (the account's and the address's counts
    stay)."""
    clear_account_at_address(email=user.email, ip=ip)


def issue_token(*, email: str, password: str, ip: str | None, name: str = "") -> IssuedToken:
    """Exchange e-mail and password for a bearer token; throttled and audited as at the
    login form (`sign_in`). The check and its audit line stand apart from the token's
    transaction, so a refusal is recorded even though no token is made."""
    user = sign_in(email=email, password=password, ip=ip, door=LoginDoor.API)
    return _issue_token(user=user, name=name)


@transaction.atomic
def _issue_token(*, user: User, name: str) -> IssuedToken:
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


def fill_person_details(*, user_id: int, sex: str = "", birth_date: date | None = None) -> int:
    """Give the account the sex and date of birth a roster states where it has none (an
    inferred sex counts as none: the roster is a person's word); the rows changed. Never
    overwrites what the person gave. Runs in the caller's transaction; the caller audits."""
    changed = 0
    if sex in ("male", "female"):
        changed += (
            User.objects.filter(pk=user_id)
            .filter(Q(sex="") | Q(sex_inferred=True))
            .update(sex=sex, sex_inferred=False)
        )
    if birth_date is not None:
        changed += User.objects.filter(pk=user_id, birth_date__isnull=True).update(
            birth_date=birth_date
        )
    return changed


def create_learner_account(
    *,
    email: str,
    last_name: str,
    first_name: str,
    middle_name: str,
    snils: str,
    phone: str,
    sex: str = "",
    birth_date: date | None = None,
) -> User:
    """Create a learner's account enrolled by an organisation: no roles and no usable
    password (the person sets one by "forgot password" with this e-mail). It runs in the
    caller's transaction, which audits the enrolment; a concurrent registration of the
    same e-mail or SNILS raises IntegrityError there. A sex not given is inferred from
    the patronymic, as a default the person can change (ADR 0028)."""
    sex, sex_inferred = person_sex(sex, last_name, first_name, middle_name)
    user = User(
        email=email,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        snils=snils or None,
        phone=phone,
        sex=sex,
        sex_inferred=sex_inferred,
        birth_date=birth_date,
    )
    user.set_unusable_password()
    user.save()
    return user


# --- an organisation sets itself up (ADR 0015) --------------------------------------------

UNIT_NAME_MAX = 300
ORGANISATION_NAME_MAX = 500


def _require_organisation_admin(actor: User, organisation: Organisation) -> None:
    """403 without the organisation administrator's role; 404 for another organisation."""
    if not has_role(actor, Role.ORGANISATION_ADMIN):
        raise PermissionDenied()
    if not has_role(actor, Role.ORGANISATION_ADMIN, organisation):
        raise NotFound()


def _unit_name(name: str) -> str:
    value = " ".join(name.split())
    if not value:
        raise ValidationFailed(errors={"name": ["Укажите наименование подразделения."]})
    if len(value) > UNIT_NAME_MAX:
        raise ValidationFailed(errors={"name": [f"Не более {UNIT_NAME_MAX} символов."]})
    return value


def _check_unit_name_free(organisation: Organisation, name: str, *, except_id: int = 0) -> None:
    # Compared in Python: SQLite folds the case of Latin letters only.
    names = Unit.objects.filter(organisation=organisation).exclude(pk=except_id)
    if name.casefold() in {n.casefold() for n in names.values_list("name", flat=True)}:
        raise ValidationFailed(
            errors={"name": ["Подразделение с таким наименованием в организации уже есть."]}
        )


def _unit_of(organisation: Organisation, unit_id: int) -> Unit:
    unit = Unit.objects.select_for_update().filter(pk=unit_id, organisation=organisation).first()
    if unit is None:
        raise NotFound()
    return unit


@transaction.atomic
def create_unit(*, actor: User, organisation: Organisation, name: str, kind: str) -> Unit:
    """Add a department (study department, кафедра or other unit) to the organisation; its
    administrator only. Audited as "unit.create"."""
    _require_organisation_admin(actor, organisation)
    name = _unit_name(name)
    if kind not in UnitKind.values:
        raise ValidationFailed(errors={"kind": ["Выберите вид подразделения из списка."]})
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    _check_unit_name_free(organisation, name)
    unit = Unit.objects.create(organisation=organisation, name=name, kind=kind)
    record_audit(
        actor=actor,
        action="unit.create",
        target=unit,
        changes={"name": name, "kind": kind, "organisation": organisation.name},
    )
    return unit


@transaction.atomic
def rename_unit(*, actor: User, organisation: Organisation, unit_id: int, name: str) -> Unit:
    """Rename one of the organisation's departments; its administrator only. Audited as
    "unit.rename" with the name before and after."""
    _require_organisation_admin(actor, organisation)
    name = _unit_name(name)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    unit = _unit_of(organisation, unit_id)
    if unit.name == name:
        return unit
    _check_unit_name_free(organisation, name, except_id=unit.pk)
    before = unit.name
    unit.name = name
    unit.save(update_fields=["name", "updated_at"])
    record_audit(
        actor=actor,
        action="unit.rename",
        target=unit,
        changes={"name": {"before": before, "after": name}},
    )
    return unit


@transaction.atomic
def remove_unit(*, actor: User, organisation: Organisation, unit_id: int) -> None:
    """Remove a department nothing refers to (no programme, cohort or commission); one in
    use is refused with Conflict. Its administrator only. Audited as "unit.remove"."""
    _require_organisation_admin(actor, organisation)
    unit = _unit_of(organisation, unit_id)
    name = unit.name
    record_audit(
        actor=actor,
        action="unit.remove",
        target=unit,
        changes={"name": name, "organisation": organisation.name},
    )
    try:
        with transaction.atomic():
            unit.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise Conflict(
            f"Подразделение «{name}» нельзя удалить: к нему относятся программы, группы "
            "или комиссии. Его можно переименовать.",
            code="unit_in_use",
        ) from exc


def _invitation_email(invitation: Invitation) -> None:
    link = absolute_url(
        reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation)})
    )
    inviter = invitation.invited_by.full_name if invitation.invited_by else "Администратор"
    until = timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y")
    organisation = invitation.organisation
    body = (
        "Здравствуйте!\n\n"
        f"{inviter} приглашает вас в организацию «{organisation}» "
        f"на платформе НМО с ролью «{invitation.get_role_display()}».\n\n"
        "Чтобы принять приглашение, откройте ссылку (для новой учётной записи там же "
        f"задаётся пароль):\n{link}\n\n"
        f"Ссылка действует до {until} включительно и только из этого письма.\n"
        "Если вы не ждали приглашения, просто удалите письмо.\n"
    )
    send_email_after_commit(
        to=[invitation.email],
        subject=f"Приглашение в «{organisation}» — НМО",
        body=body,
    )


def _may_invite(actor: User, organisation: Organisation, role: str) -> None:
    """The organisation's administrator invites; the platform administrator may invite an
    organisation's administrator (the first one above all)."""
    if role == Role.ORGANISATION_ADMIN and is_admin(actor):
        return
    _require_organisation_admin(actor, organisation)


@transaction.atomic
def invite_to_organisation(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str,
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
) -> Invitation:
    """Invite a person by e-mail to hold a role in the organisation: a letter with a signed
    link valid INVITATION_VALID_DAYS days goes out after commit. Only roles the
    organisation's kind gives its people; not a role the person already holds there, nor a
    second pending invitation for it. Audited as "invitation.send"."""
    _may_invite(actor, organisation, role)
    errors: dict[str, list[str]] = {}
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Укажите действующий адрес электронной почты."]
    if role not in roles_assignable_in(organisation.kind):
        errors["role"] = ["Эту роль в организации назначить нельзя: выберите роль из списка."]
    names = {"last_name": last_name, "first_name": first_name, "middle_name": middle_name}
    for field, value in names.items():
        names[field] = " ".join(value.split())
        if len(names[field]) > NAME_MAX:
            errors[field] = [f"Не более {NAME_MAX} символов."]
    if errors:
        raise ValidationFailed(errors=errors)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if Membership.objects.filter(user__email=email, role=role, organisation=organisation).exists():
        raise ValidationFailed(
            errors={"email": ["У этого человека уже есть эта роль в организации."]}
        )
    pending = Invitation.objects.filter(
        organisation=organisation,
        email=email,
        role=role,
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
    ).exists()
    if pending:
        raise ValidationFailed(
            errors={
                "email": [
                    "Приглашение на этот адрес с этой ролью уже отправлено: "
                    "его можно отправить повторно из списка приглашений."
                ]
            }
        )
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=actor,
        nonce=secrets.token_hex(16),
        sent_at=now,
        expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
        **names,
    )
    record_audit(
        actor=actor,
        action="invitation.send",
        target=invitation,
        changes={"email": email, "role": role, "organisation": organisation.name},
    )
    _invitation_email(invitation)
    return invitation


def _pending_invitation(organisation: Organisation, invitation_id: int) -> Invitation:
    invitation = get_invitation(invitation_id, organisation)
    if invitation is None:
        raise NotFound()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise Conflict("Приглашение уже принято или отменено.", code="invitation_closed")
    return invitation


@transaction.atomic
def resend_invitation(*, actor: User, organisation: Organisation, invitation_id: int) -> Invitation:
    """Send a pending invitation again with a new link valid INVITATION_VALID_DAYS days from
    now; the earlier letter's link stops working. Audited as "invitation.resend"."""
    _require_organisation_admin(actor, organisation)
    invitation = _pending_invitation(organisation, invitation_id)
    now = timezone.now()
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_VALID_DAYS)
    invitation.save(update_fields=["nonce", "sent_at", "expires_at", "updated_at"])
    record_audit(
        actor=actor,
        action="invitation.resend",
        target=invitation,
        changes={"email": invitation.email, "role": invitation.role},
    )
    _invitation_email(invitation)
    return invitation


@transaction.atomic
def cancel_invitation(*, actor: User, organisation: Organisation, invitation_id: int) -> Invitation:
    """Cancel a pending invitation: its link stops working. Audited as "invitation.cancel"."""
    _require_organisation_admin(actor, organisation)
    invitation = _pending_invitation(organisation, invitation_id)
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at", "updated_at"])
    record_audit(
        actor=actor,
        action="invitation.cancel",
        target=invitation,
        changes={"email": invitation.email, "role": invitation.role},
    )
    return invitation


@dataclass(frozen=True)
class Acceptance:
    """What the invitee types on the invitation's page; a new account needs a name and a
    password, an existing one nothing."""

    password: str = ""
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""


def _new_account_errors(email: str, data: Acceptance) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, label in (("last_name", "фамилию"), ("first_name", "имя")):
        value = getattr(data, field).strip()
        if not value:
            errors[field] = [f"Укажите {label}."]
        elif len(value) > NAME_MAX:
            errors[field] = [f"Не более {NAME_MAX} символов."]
    if len(data.middle_name.strip()) > NAME_MAX:
        errors["middle_name"] = [f"Не более {NAME_MAX} символов."]
    probe = User(
        email=email,
        last_name=data.last_name,
        first_name=data.first_name,
        middle_name=data.middle_name,
    )
    if not data.password:
        errors["password"] = ["Задайте пароль."]
    else:
        try:
            validate_password(data.password, user=probe)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    return errors


@transaction.atomic
def accept_invitation(*, token: str, data: Acceptance) -> User:
    """Accept an invitation from its link: a new account is created with the password and
    name given (Django's password validators), an existing account of that e-mail just
    gets the role; either way the person holds the invited role in the organisation.
    InvitationInvalid for a link that is malformed, expired, superseded, cancelled or used.
    Audited as "invitation.accept" and "account.create" or "account.grant_role"."""
    invitation = invitation_for_token(token, lock=True)
    organisation = invitation.organisation
    user = User.objects.select_for_update().filter(email=invitation.email).first()
    created = user is None
    if user is None:
        errors = _new_account_errors(invitation.email, data)
        if errors:
            raise RegistrationInvalid(
                "Учётная запись не создана: проверьте поля формы.", errors=errors
            )
        sex, sex_inferred = person_sex(
            "", data.last_name.strip(), data.first_name.strip(), data.middle_name.strip()
        )
        user = User(
            email=invitation.email,
            last_name=data.last_name.strip(),
            first_name=data.first_name.strip(),
            middle_name=data.middle_name.strip(),
            sex=sex,
            sex_inferred=sex_inferred,
        )
        user.set_password(data.password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # the same e-mail registered a moment ago
            raise InvitationInvalid(
                "Учётная запись с этим адресом только что создана. Откройте ссылку ещё раз."
            ) from exc
    Membership.objects.get_or_create(user=user, role=invitation.role, organisation=organisation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    record_audit(
        actor=user,
        action="account.create" if created else "account.grant_role",
        target=user,
        changes={"role": invitation.role, "organisation": organisation.name},
    )
    record_audit(
        actor=user,
        action="invitation.accept",
        target=invitation,
        changes={"email": invitation.email, "role": invitation.role},
    )
    return user


@transaction.atomic
def assign_role_in_organisation(
    *, actor: User, organisation: Organisation, user_id: int, role: str
) -> Membership:
    """Give one of the organisation's people another of its roles; its administrator only.
    A person outside the organisation is not found (invite them instead). Audited as
    "account.grant_role"."""
    _require_organisation_admin(actor, organisation)
    person = person_in(organisation, user_id)
    if person is None:
        raise NotFound()
    if role not in roles_assignable_in(organisation.kind):
        raise ValidationFailed(errors={"role": ["Выберите роль из списка."]})
    membership, created = Membership.objects.get_or_create(
        user=person, role=role, organisation=organisation
    )
    if created:
        record_audit(
            actor=actor,
            action="account.grant_role",
            target=person,
            changes={"role": role, "organisation": organisation.name},
        )
    return membership


@transaction.atomic
def remove_role_in_organisation(
    *, actor: User, organisation: Organisation, membership_id: int
) -> None:
    """Take one of the organisation's roles away from a person; its administrator only.
    The organisation's last administrator keeps the role (Conflict). Audited as
    "account.revoke_role"."""
    _require_organisation_admin(actor, organisation)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    membership = (
        Membership.objects.select_related("user")
        .filter(pk=membership_id, organisation=organisation)
        .first()
    )
    if membership is None:
        raise NotFound()
    if leaves_no_administrator(
        administrators=administrator_count(organisation),
        removing_administrator=membership.role == Role.ORGANISATION_ADMIN,
    ):
        raise Conflict(
            "Нельзя снять роль с последнего администратора организации: сначала назначьте другого.",
            code="last_organisation_admin",
        )
    record_audit(
        actor=actor,
        action="account.revoke_role",
        target=membership.user,
        changes={"role": membership.role, "organisation": organisation.name},
    )
    membership.delete()


@transaction.atomic
def set_up_organisation(
    *,
    actor: User,
    name: str,
    short_name: str,
    kind: str,
    admin_email: str,
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
) -> Invitation:
    """The platform administrator creates an organisation and invites its first
    administrator, who then sets the organisation up without Django admin. Audited as
    "organisation.create" and "invitation.send"."""
    if not is_admin(actor):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    short_name = " ".join(short_name.split())
    if not name:
        errors["name"] = ["Укажите полное наименование организации."]
    elif len(name) > ORGANISATION_NAME_MAX:
        errors["name"] = [f"Не более {ORGANISATION_NAME_MAX} символов."]
    elif name.casefold() in {
        n.casefold() for n in Organisation.objects.values_list("name", flat=True)
    }:
        errors["name"] = ["Организация с таким наименованием уже есть."]
    if len(short_name) > 200:
        errors["short_name"] = ["Не более 200 символов."]
    if kind not in OrganisationKind.values:
        errors["kind"] = ["Выберите вид организации из списка."]
    if errors:
        raise ValidationFailed(errors=errors)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(name=name, short_name=short_name, kind=kind)
    except IntegrityError as exc:
        raise ValidationFailed(
            errors={"name": ["Организация с таким наименованием уже есть."]}
        ) from exc
    record_audit(
        actor=actor,
        action="organisation.create",
        target=organisation,
        changes={"name": name, "kind": kind},
    )
    return invite_to_organisation(
        actor=actor,
        organisation=organisation,
        email=admin_email,
        role=Role.ORGANISATION_ADMIN,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
    )


def mark_failed_activation(user: User) -> None:
    """Leave the time of a failed code activation on the account, committed with the
    caller's transaction (in a request: at once), and only ever moving forward — a slower
    request's older time never replaces a newer one. The activation reads the throttle's
    counters only while this time is within their window (ADR 0612)."""
    now = timezone.now()
    moment = Value(now, output_field=DateTimeField())
    User.objects.filter(pk=user.pk).update(
        failed_activation_at=Greatest(Coalesce("failed_activation_at", moment), moment)
    )
    user.failed_activation_at = max(now, user.failed_activation_at or now)
