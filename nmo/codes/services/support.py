"""Support requests when a code will not activate (faq-ikp-support): the specialist files
one, it is routed to the event's provider (faq-cert-from-provider), who credits the
specialist or refuses with a reason."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from nmo.accounts.access import require_admin, require_role
from nmo.accounts.models import Role, User
from nmo.catalog.models import Activity
from nmo.codes.access import check_support_request_decider
from nmo.codes.exceptions import (
    ActivityNotAccreditedEvent,
    SupportRequestClosed,
    SupportRequestInvalid,
    SupportRequestNotResolvable,
)
from nmo.codes.models import (
    ConfirmationCode,
    Participant,
    SupportRequest,
    SupportRoute,
    SupportStatus,
)
from nmo.codes.rules import normalise_code
from nmo.codes.selectors import match_support_activity
from nmo.codes.services.activation import claim_code
from nmo.codes.services.issue import ensure_accredited_event
from nmo.core.exceptions import Conflict, ValidationFailed
from nmo.core.services import record_audit, send_email_after_commit
from nmo.cycles.exceptions import ActivityNotInCatalogue, AlreadyCredited
from nmo.cycles.services import post_credit

TITLE_MAX = 500
PLACE_MAX = 500
TYPED_CODE_MAX = 100
COMMENT_MAX = 5000
REASON_MAX = 2000


def _required(value: str, label: str, limit: int, errors: dict[str, list[str]], field: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        errors[field] = [f"Укажите {label}."]
    elif len(text) > limit:
        errors[field] = [f"Не более {limit} символов."]
    return text


@transaction.atomic
def file_support_request(
    *,
    specialist: User,
    event_title: str,
    event_date: dt.date | None,
    place: str,
    typed_code: str,
    comment: str = "",
) -> SupportRequest:
    """File a request about a code that will not activate, with the four facts the FAQ
    asks for: event name, date, place and the code (faq-ikp-support). It goes to the
    provider of the code's event; failing that, to the provider of the accredited event
    whose title and dates match; failing that, to administrators ("unmatched")."""
    require_role(specialist, Role.SPECIALIST)
    errors: dict[str, list[str]] = {}
    title = _required(event_title, "название мероприятия", TITLE_MAX, errors, "event_title")
    where = _required(place, "место проведения", PLACE_MAX, errors, "place")
    typed = _required(typed_code, "код подтверждения (ИКП)", TYPED_CODE_MAX, errors, "typed_code")
    if event_date is None:
        errors["event_date"] = ["Укажите дату проведения."]
    elif event_date > timezone.localdate():
        errors["event_date"] = ["Дата проведения не может быть позже сегодняшней."]
    note = (comment or "").strip()
    if len(note) > COMMENT_MAX:
        errors["comment"] = [f"Не более {COMMENT_MAX} символов."]
    if errors or event_date is None:
        raise SupportRequestInvalid(errors=errors)
    value = normalise_code(typed)
    route, activity = match_support_activity(
        code_value=value, event_title=title, event_date=event_date
    )
    request = SupportRequest.objects.create(
        specialist=specialist,
        event_title=title,
        event_date=event_date,
        place=where,
        typed_code=typed,
        code_value=value or "",
        comment=note,
        route=route,
        activity=activity,
        routed_to_id=activity.provider_id if activity is not None else None,
    )
    record_audit(
        actor=specialist,
        action="support_request.file",
        target=request,
        changes={"route": route, "activity": activity.pk if activity else None},
    )
    return request


def _notify_specialist(request: SupportRequest, subject: str) -> None:
    send_email_after_commit(
        to=[request.specialist.email],
        subject=subject,
        body=render_to_string("codes/email/support_decision.txt", {"request": request}),
    )


def _close(request: SupportRequest, *, actor: User, status: str, answer: str, **extra: Any) -> None:
    """Close an open request exactly once (a conditional UPDATE, like the activation)."""
    now = timezone.now()
    closed = SupportRequest.objects.filter(pk=request.pk, status=SupportStatus.OPEN).update(
        status=status, decided_by=actor, decided_at=now, answer=answer, updated_at=now, **extra
    )
    if closed != 1:
        raise SupportRequestClosed()
    request.refresh_from_db()


@transaction.atomic
def resolve_support_request(
    *, actor: User, request: SupportRequest, participant_id: int | None
) -> SupportRequest:
    """Credit the specialist for the request's event (post_credit, source "support"), and
    if the provider points at a roster participant (or the request carries a code of this
    event) whose code is still unused, mark that code activated by the specialist with the
    same exactly-once UPDATE as the activation. Everything in one transaction; the
    specialist is told by e-mail after commit (faq-ikp-support)."""
    check_support_request_decider(actor, request)
    if request.status != SupportStatus.OPEN:
        raise SupportRequestClosed()
    activity = request.activity
    if activity is None or request.routed_to_id is None:
        raise SupportRequestNotResolvable()
    try:
        ensure_accredited_event(activity)
    except ActivityNotAccreditedEvent as exc:
        raise SupportRequestNotResolvable() from exc
    participant = None
    if participant_id is not None:
        participant = Participant.objects.filter(pk=participant_id, activity=activity).first()
        if participant is None:
            raise ValidationFailed(
                errors={"participant": ["Такого участника нет в списке этого мероприятия."]}
            )
    credits = int(activity.credits or 0)
    _close(
        request,
        actor=actor,
        status=SupportStatus.RESOLVED,
        answer=f"Кредиты начислены: {credits}.",
        participant=participant,
    )
    try:
        entry = post_credit(
            specialist=request.specialist,
            activity=activity,
            source="support",
            occurred_on=activity.ends_on,
            actor=actor,
            reference=f"support:{request.pk}",
        )
    except AlreadyCredited as exc:
        raise Conflict(
            "Специалисту уже начислены кредиты за это мероприятие: откажите в обращении, "
            "указав это.",
            code="already_credited",
        ) from exc
    except ActivityNotInCatalogue as exc:
        raise SupportRequestNotResolvable() from exc
    code = _code_to_mark(request, activity, participant)
    marked = False
    if code is not None and code.activated_at is None:
        try:
            with transaction.atomic():
                marked = claim_code(
                    code_id=code.pk,
                    specialist=request.specialist,
                    at=request.decided_at or timezone.now(),
                )
        except IntegrityError:  # the specialist holds another code of this event
            marked = False
    record_audit(
        actor=actor,
        action="support_request.resolve",
        target=request,
        changes={
            "activity": activity.pk,
            "credit_entry": entry.pk,
            "participant": participant.pk if participant else None,
            "code_marked": code.value if marked and code else None,
        },
    )
    _notify_specialist(request, "Обращение по коду НМО рассмотрено: кредиты начислены")
    return request


def _code_to_mark(
    request: SupportRequest, activity: Activity, participant: Participant | None
) -> ConfirmationCode | None:
    if participant is not None:
        return ConfirmationCode.objects.filter(participant=participant).first()
    if request.code_value:
        return ConfirmationCode.objects.filter(value=request.code_value, activity=activity).first()
    return None


@transaction.atomic
def refuse_support_request(*, actor: User, request: SupportRequest, reason: str) -> SupportRequest:
    """Refuse the request with a reason the specialist reads in the e-mail and in their
    list of requests (faq-ikp-support)."""
    check_support_request_decider(actor, request)
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(errors={"reason": ["Укажите причину отказа."]})
    if len(text) > REASON_MAX:
        raise ValidationFailed(errors={"reason": [f"Не более {REASON_MAX} символов."]})
    if request.status != SupportStatus.OPEN:
        raise SupportRequestClosed()
    _close(request, actor=actor, status=SupportStatus.REFUSED, answer=text)
    record_audit(
        actor=actor, action="support_request.refuse", target=request, changes={"reason": text}
    )
    _notify_specialist(request, "Обращение по коду НМО рассмотрено: отказано")
    return request


@transaction.atomic
def route_support_request(
    *, actor: User, request: SupportRequest, activity: Activity
) -> SupportRequest:
    """An administrator sends a request that matched no provider to the provider of the
    accredited event it is about."""
    require_admin(actor)
    ensure_accredited_event(activity)
    now = timezone.now()
    routed = SupportRequest.objects.filter(
        pk=request.pk, status=SupportStatus.OPEN, routed_to__isnull=True
    ).update(
        route=SupportRoute.ADMIN,
        activity=activity,
        routed_to_id=activity.provider_id,
        updated_at=now,
    )
    if routed != 1:
        raise SupportRequestClosed("Обращение уже направлено провайдеру или рассмотрено.")
    request.refresh_from_db()
    record_audit(
        actor=actor,
        action="support_request.route",
        target=request,
        changes={"activity": activity.pk, "provider": activity.provider_id},
    )
    return request
