"""Reads about users, roles and organisations."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet
from django.utils import timezone

from nmo.accounts.models import ApiToken, Membership, Organisation, Role, User, hash_token
from nmo.accounts.rules import normalise_email


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


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or revoked one.

    One query reads the user, the token's last use and the user's roles (one row per
    role): every API request needs the roles for its access check, and a second
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
            held_role=F("memberships__role"),
        )
        .order_by()
    )
    if not rows:
        return None
    user = rows[0]
    user._role_cache = {row.held_role for row in rows if row.held_role}
    now = timezone.now()
    used_at = user.token_used_at
    # Touch at most once a minute so hot API clients do not write on every request.
    if used_at is None or (now - used_at).total_seconds() > 60:
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
