"""Reads about users, roles and organisations."""

from django.db.models import QuerySet
from django.utils import timezone

from nmo.accounts.models import ApiToken, Membership, Organisation, Role, User, hash_token


def roles_of(user: User) -> set[str]:
    """The role codes a user holds in any organisation."""
    if not user.is_authenticated:
        return set()
    cached: set[str] | None = getattr(user, "_role_cache", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        user._role_cache = cached  # type: ignore[attr-defined]
    return cached


def has_role(user: User, role: str, organisation: Organisation | None = None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if organisation is None:
        return role in roles_of(user)
    return Membership.objects.filter(user=user, role=role, organisation=organisation).exists()


def is_admin(user: User) -> bool:
    return has_role(user, Role.ADMIN)


def organisations_for(user: User, role: str) -> QuerySet[Organisation]:
    """Organisations in which the user holds the role."""
    return Organisation.objects.filter(memberships__user=user, memberships__role=role).distinct()


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or revoked one."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute so hot API clients do not write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


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
