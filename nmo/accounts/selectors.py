"""Reads about users, roles and organisations."""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import F, QuerySet
from django.utils import timezone

from nmo.accounts.exceptions import InvitationInvalid
from nmo.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Organisation,
    Role,
    Unit,
    UnitKind,
    User,
    hash_token,
)
from nmo.accounts.rules import normalise_email, normalise_snils


def roles_of(user: User | AnonymousUser) -> set[str]:
    """The role codes a user holds in any organisation."""
    if not user.is_authenticated:
        return set()
    cached: set[str] | None = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        user._role_cache = cached
    return cached


def has_role(
    user: User | AnonymousUser, role: str, organisation: Organisation | None = None
) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if organisation is None:
        return role in roles_of(user)
    return Membership.objects.filter(user=user, role=role, organisation=organisation).exists()


def is_admin(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.ADMIN)


def organisations_for(user: User, role: str) -> QuerySet[Organisation]:
    """Organisations in which the user holds the role."""
    return Organisation.objects.filter(memberships__user=user, memberships__role=role).distinct()


TOKEN_TOUCH_SECONDS = 60 * 60
"""A token's last use is written at most this often (not on every request); its idle
time is measured from that, so it is exact to this much (ADR 0022)."""


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown, revoked or
    expired one (unused API_TOKEN_IDLE_DAYS days, ADR 0022).

    One query reads the user, the token's issue and last use and the user's roles (one
    row per role): every API request needs the roles for its access check, and a second
    round trip per request is what the hot endpoints cannot afford (ADR 0203)."""
    if not raw or len(raw) > 200:
        return None
    rows = list(
        User.objects.filter(
            api_tokens__key_hash=hash_token(raw),
            api_tokens__revoked_at__isnull=True,
            is_active=True,
        )
        .annotate(
            token_id=F("api_tokens__id"),
            token_used_at=F("api_tokens__last_used_at"),
            token_issued_at=F("api_tokens__created_at"),
            held_role=F("memberships__role"),
        )
        .order_by()
    )
    if not rows:
        return None
    user = rows[0]
    now = timezone.now()
    used_at = user.token_used_at
    idle = timedelta(days=int(settings.API_TOKEN_IDLE_DAYS))
    if (used_at or user.token_issued_at) + idle <= now:
        return None
    user._role_cache = {row.held_role for row in rows if row.held_role}
    # Touch at most once an hour so hot API clients do not write on every request.
    if used_at is None or (now - used_at).total_seconds() > TOKEN_TOUCH_SECONDS:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


def user_for_email(raw: str) -> User | None:
    """The user whose e-mail is `raw` once normalised as e-mails are stored, or None."""
    return User.objects.filter(email=normalise_email(raw)).first()


def list_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def search_users(*, text: str = "") -> QuerySet[User]:
    """Users by name, e-mail or SNILS digits, with their roles prefetched."""
    from django.db.models import Q

    from nmo.accounts.rules import normalise_snils

    qs = User.objects.prefetch_related("memberships__organisation").order_by(
        "last_name", "first_name", "id"
    )
    text = text.strip()
    if text:
        match = Q(email__icontains=text) | Q(last_name__icontains=text)
        digits = normalise_snils(text)
        if len(digits) >= 3:
            match |= Q(snils__contains=digits)
        qs = qs.filter(match)
    return qs


def get_organisation(organisation_id: int, *, lock: bool = False) -> Organisation:
    """The organisation with this id, locked for update if asked; raises DoesNotExist."""
    organisations = Organisation.objects.select_for_update() if lock else Organisation.objects
    return organisations.get(pk=organisation_id)


def list_organisations(
    *, kind: str | None = None, within: Iterable[int] | QuerySet[Organisation] | None = None
) -> QuerySet[Organisation]:
    """Organisations by name, optionally of one kind and only those among `within`."""
    organisations = Organisation.objects.all()
    if kind is not None:
        organisations = organisations.filter(kind=kind)
    if within is not None:
        organisations = organisations.filter(pk__in=within)  # type: ignore[misc]  # a subquery
    return organisations.order_by("name")


def get_unit(unit_id: int, organisation_id: int) -> Unit | None:
    """The organisation's unit with this id, or None."""
    return Unit.objects.filter(pk=unit_id, organisation_id=organisation_id).first()


def list_units() -> QuerySet[Unit]:
    """Every unit, by organisation and name."""
    return Unit.objects.all()


def units_for_organisation(organisation: Organisation) -> QuerySet[Unit]:
    """The organisation's units by name."""
    return Unit.objects.filter(organisation=organisation).order_by("name")


def units_for_organisations(
    organisations: QuerySet[Organisation], *, with_organisation: bool = False
) -> QuerySet[Unit]:
    """The units of these organisations by name, or by organisation and name with the
    organisation joined in when `with_organisation`."""
    units = Unit.objects.filter(organisation__in=organisations)
    if with_organisation:
        return units.select_related("organisation").order_by("organisation__name", "name")
    return units.order_by("name")


def study_department_for(organisation: Organisation) -> Unit | None:
    """The organisation's study department (the first by name), or None."""
    return (
        Unit.objects.filter(organisation=organisation, kind=UnitKind.STUDY_DEPARTMENT)
        .order_by("name")
        .first()
    )


def list_users(
    *,
    ids: Iterable[int] | None = None,
    snils: Iterable[str] | None = None,
    emails: Iterable[str] | None = None,
) -> QuerySet[User]:
    """Users among the given ids, SNILS numbers and e-mails (as stored), each filter if given."""
    users = User.objects.all()
    if ids is not None:
        users = users.filter(pk__in=ids)
    if snils is not None:
        users = users.filter(snils__in=snils)
    if emails is not None:
        users = users.filter(email__in=emails)
    return users


def user_for_snils(raw: str) -> User | None:
    """The user whose SNILS is `raw` once normalised as SNILS numbers are stored, or None."""
    return User.objects.filter(snils=normalise_snils(raw)).first()


def lock_user(user_id: int) -> User | None:
    """Lock the user's row for the rest of the transaction; the user, or None if missing."""
    return User.objects.select_for_update().filter(pk=user_id).first()


def staff_emails_for(organisation: Organisation, role: str) -> list[str]:
    """The sorted distinct e-mails of the organisation's active holders of the role."""
    return sorted(
        set(
            User.objects.filter(
                memberships__organisation=organisation,
                memberships__role=role,
                is_active=True,
            ).values_list("email", flat=True)
        )
    )


# --- an organisation sets itself up (ADR 0015) --------------------------------------------


def administered_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations the user administers (holds "organisation_admin" in), by name."""
    return organisations_for(user, Role.ORGANISATION_ADMIN).order_by("name")


def memberships_in(organisation: Organisation) -> QuerySet[Membership]:
    """The roles held in the organisation, by person, with the person joined in."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__middle_name", "user_id", "role")
    )


def person_in(organisation: Organisation, user_id: int) -> User | None:
    """The user with this id if they hold a role in the organisation, or None."""
    return User.objects.filter(pk=user_id, memberships__organisation=organisation).first()


def administrator_count(organisation: Organisation) -> int:
    """How many people administer the organisation."""
    return Membership.objects.filter(
        organisation=organisation, role=Role.ORGANISATION_ADMIN
    ).count()


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    """The organisation's invitations neither accepted nor cancelled, newest first."""
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, cancelled_at__isnull=True
    ).select_related("invited_by")


def get_invitation(invitation_id: int, organisation: Organisation) -> Invitation | None:
    """The organisation's invitation with this id, or None."""
    return Invitation.objects.filter(pk=invitation_id, organisation=organisation).first()


INVITATION_SALT = "nmo.accounts.invitation"


def invitation_token(invitation: Invitation) -> str:
    """The signed token of the invitation's link: its id and its current nonce."""
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The pending invitation a link's token names (locked if asked); InvitationInvalid
    with a Russian message saying why a link cannot be used."""
    try:
        data = signing.loads(token[:500], salt=INVITATION_SALT)
        invitation_id, nonce = int(data["i"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvitationInvalid(
            "Ссылка приглашения повреждена или неполна. Скопируйте её из письма целиком "
            "или попросите администратора организации отправить приглашение ещё раз."
        ) from exc
    invitations = Invitation.objects.select_related("organisation")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise InvitationInvalid("Приглашение не найдено: возможно, оно было отменено.")
    if invitation.accepted_at is not None:
        raise InvitationInvalid(
            "Приглашение уже принято. Войдите, указав адрес электронной почты и пароль."
        )
    if invitation.cancelled_at is not None:
        raise InvitationInvalid("Приглашение отменено администратором организации.")
    if invitation.nonce != nonce:
        raise InvitationInvalid(
            "Эта ссылка больше не действует: приглашение отправлено повторно. "
            "Откройте ссылку из последнего письма."
        )
    if invitation.expires_at <= timezone.now():
        expired = timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y %H:%M")
        raise InvitationInvalid(
            f"Срок действия приглашения истёк {expired}. Попросите администратора "
            "организации отправить его ещё раз."
        )
    return invitation
