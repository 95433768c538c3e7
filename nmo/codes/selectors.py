"""Reads of confirmation codes, participants and support requests."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from nmo.accounts.models import Role, User
from nmo.accounts.selectors import is_admin, organisations_for
from nmo.catalog.models import Activity, ActivityStatus
from nmo.catalog.rules import search_key
from nmo.catalog.selectors import get_activity, list_accredited_events
from nmo.codes.models import (
    ConfirmationCode,
    Participant,
    SupportRequest,
    SupportRoute,
)
from nmo.codes.rules import normalise_code
from nmo.codes.types import CodeVerification

# A typed title shorter than this is not matched by substring: too many events contain it.
MIN_TITLE_MATCH = 6


@dataclass(frozen=True)
class CodeCounts:
    issued: int
    activated: int
    participants: int


def list_codes(activity: Activity) -> QuerySet[ConfirmationCode]:
    """The activity's codes in the order they were issued, with their participants."""
    return (
        ConfirmationCode.objects.filter(activity=activity)
        .select_related("participant")
        .order_by("id")
    )


def code_counts(activity: Activity) -> CodeCounts:
    """How many codes the activity has, how many are activated, how many participants."""
    totals = ConfirmationCode.objects.filter(activity=activity).aggregate(
        issued=Count("id"), activated=Count("id", filter=Q(activated_at__isnull=False))
    )
    return CodeCounts(
        issued=totals["issued"] or 0,
        activated=totals["activated"] or 0,
        participants=Participant.objects.filter(activity=activity).count(),
    )


def get_code_for_activity(activity: Activity, code_id: int) -> ConfirmationCode | None:
    return (
        ConfirmationCode.objects.select_related("participant", "activity", "activity__provider")
        .filter(pk=code_id, activity=activity)
        .first()
    )


def verify_code(typed: str) -> CodeVerification | None:
    """What the public page tells about a certificate's code: the event, its provider,
    dates and credits, and whether the code was activated; never who holds it. None when
    no such code exists (faq-certificate)."""
    value = normalise_code(typed)
    if value is None:
        return None
    code = (
        ConfirmationCode.objects.select_related("activity", "activity__provider")
        .filter(value=value)
        .first()
    )
    if code is None:
        return None
    activity = code.activity
    return CodeVerification(
        code=code.value,
        activity_title=activity.title,
        provider=activity.provider.name,
        starts_on=activity.starts_on,
        ends_on=activity.ends_on,
        location=activity.location,
        credits=int(activity.credits or 0),
        is_activated=code.activated_at is not None,
        is_accredited=activity.status == ActivityStatus.ACCREDITED,
    )


def match_support_activity(
    *, code_value: str | None, event_title: str, event_date: dt.date
) -> tuple[str, Activity | None]:
    """Where a support request goes (faq-ikp-support, faq-cert-from-provider): the
    provider of the event the code belongs to; else the one accredited event whose title
    matches (ignoring case and «ё») and whose dates include the given date; else nobody
    ("unmatched", for administrators)."""
    if code_value:
        code = ConfirmationCode.objects.select_related("activity").filter(value=code_value).first()
        if code is not None:
            return SupportRoute.CODE, code.activity
    key = search_key(event_title)
    if not key:
        return SupportRoute.UNMATCHED, None
    candidates = list(
        list_accredited_events(on=event_date).only("id", "title_search", "provider_id")[:500]
    )
    exact = [a for a in candidates if a.title_search == key]
    if len(exact) == 1:
        return SupportRoute.TITLE, exact[0]
    if not exact and len(key) >= MIN_TITLE_MATCH:
        partial = [a for a in candidates if key in a.title_search or a.title_search in key]
        if len(partial) == 1:
            return SupportRoute.TITLE, partial[0]
    return SupportRoute.UNMATCHED, None


def support_requests_for_decider(actor: User) -> QuerySet[SupportRequest]:
    """Requests routed to the actor's provider organisations; for an administrator also
    those that matched no provider."""
    condition = Q(routed_to__in=organisations_for(actor, Role.PROVIDER))
    if is_admin(actor):
        condition |= Q(route=SupportRoute.UNMATCHED, routed_to__isnull=True)
    return (
        SupportRequest.objects.filter(condition)
        .select_related("specialist", "activity", "routed_to")
        .order_by("status", "-created_at", "-id")
    )


def support_requests_for_specialist(specialist: User) -> QuerySet[SupportRequest]:
    """The specialist's own requests, newest first."""
    return (
        SupportRequest.objects.filter(specialist=specialist)
        .select_related("activity", "routed_to")
        .order_by("-created_at", "-id")
    )


def suggested_participants(request: SupportRequest, *, limit: int = 200) -> list[Participant]:
    """Roster participants of the request's event the provider may pick when crediting:
    those matching the specialist's e-mail, SNILS or name first, then the others whose
    code is still unused."""
    if request.activity_id is None:
        return []
    specialist = request.specialist
    participants = Participant.objects.filter(activity_id=request.activity_id).select_related(
        "code"
    )
    match = Q(email__iexact=specialist.email) | Q(full_name__iexact=specialist.full_name)
    if specialist.snils:
        match |= Q(snils=specialist.snils)
    first = list(participants.filter(match).order_by("id")[:limit])
    rest = list(
        participants.exclude(pk__in=[p.pk for p in first])
        .filter(code__activated_at__isnull=True)
        .order_by("full_name", "id")[: max(0, limit - len(first))]
    )
    return first + rest


def find_activity(activity_id: int) -> Activity | None:
    """Any activity by its number (an administrator routing a support request)."""
    try:
        return get_activity(activity_id, with_provider=True)
    except Activity.DoesNotExist:
        return None
