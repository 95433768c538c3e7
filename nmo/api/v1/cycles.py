"""API v1: five-year cycles (api.md: Cycles), e-module completions reported by a
provider's platform (api.md: E-module completions) and the ДПП hours an educational
organisation's system reports (api.md: Programme completions)."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from nmo.accounts.access import require_role
from nmo.accounts.models import Role
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, IsoDate, specialty_ids
from nmo.catalog.selectors import get_specialty
from nmo.cycles import selectors, services
from nmo.cycles.access import access_cycle, access_provider_activity
from nmo.cycles.models import Cycle
from nmo.cycles.types import ProgressFigures

router = Router(tags=["Пятилетние циклы и освоение модулей"])


class CycleIn(Schema):
    specialty: str = Field(..., max_length=20, description="Код специальности номенклатуры")
    starts_on: IsoDate


class RuleOut(Schema):
    total: int
    parts: dict[str, int]


class CycleOut(Schema):
    id: int
    specialty: str = Field(..., description="Код специальности")
    starts_on: IsoDate
    ends_on: IsoDate
    rule: RuleOut
    earned: dict[str, int] = Field(..., description="Начислено часов по частям цикла")
    total_earned: int = Field(..., description="Засчитано в общий объём по правилу цикла")


class CompletionIn(Schema):
    snils: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    completed_at: datetime = Field(..., description="ISO 8601 со смещением часового пояса")


class ActivityRef(Schema):
    id: int
    title: str
    kind: str


class CompletionOut(Schema):
    id: int
    activity: ActivityRef
    credits: int
    completed_at: datetime
    entry_id: int


def _cycle_out(cycle: Cycle, progress: ProgressFigures) -> dict[str, object]:
    return {
        "id": cycle.pk,
        "specialty": cycle.specialty.code,
        "starts_on": cycle.starts_on,
        "ends_on": cycle.ends_on,
        "rule": {"total": progress.total_required, "parts": progress.required_by_part},
        "earned": progress.earned_by_part,
        "total_earned": progress.total_earned,
    }


@router.post(
    "/cycles",
    response={201: CycleOut, 401: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Вступить в пятилетний цикл",
)
def enter_cycle(request: AuthenticatedRequest, payload: CycleIn) -> Status[Any]:
    cycle = services.enter_cycle(
        specialist=request.auth,
        specialty_code=payload.specialty,
        starts_on=payload.starts_on,
    )
    return Status(201, _cycle_out(cycle, selectors.cycle_progress(cycle)))


@router.get(
    "/cycles",
    response={200: list[CycleOut], 401: ErrorOut, 403: ErrorOut},
    auth=bearer,
    summary="Мои пятилетние циклы",
)
def list_cycles(request: AuthenticatedRequest) -> list[dict[str, object]]:
    require_role(request.auth, Role.SPECIALIST)
    found = selectors.cycles_with_progress(request.auth)
    return [_cycle_out(item.cycle, item.progress) for item in found]


@router.get(
    "/cycles/{cycle_id}",
    response={200: CycleOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Пятилетний цикл и его выполнение",
)
def get_cycle(request: AuthenticatedRequest, cycle_id: int) -> dict[str, object]:
    require_role(request.auth, Role.SPECIALIST)
    cycle = access_cycle(request.auth, cycle_id)
    return _cycle_out(cycle, selectors.cycle_progress(cycle))


@router.post(
    "/activities/{activity_id}/completions",
    response={
        200: CompletionOut,
        201: CompletionOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    auth=bearer,
    summary="Сообщить об освоении электронного модуля",
)
def report_completion(
    request: AuthenticatedRequest, activity_id: int, payload: CompletionIn
) -> Status[Any]:
    activity = access_provider_activity(request.auth, activity_id)
    result = services.record_completion(
        actor=request.auth,
        activity=activity,
        snils=payload.snils,
        email=payload.email,
        completed_at=payload.completed_at,
    )
    body = {
        "id": result.completion.pk,
        "activity": {"id": activity.pk, "title": activity.title, "kind": activity.kind},
        "credits": result.entry.hours,
        "completed_at": timezone.localtime(result.completion.completed_at),
        "entry_id": result.entry.pk,
    }
    return Status(201 if result.created else 200, body)


class ProgrammeCompletionIn(Schema):
    snils: str = Field(..., max_length=20, description="СНИЛС специалиста")
    programme_title: str = Field(..., min_length=1, max_length=500)
    specialty: str = Field(..., max_length=20, description="Код специальности номенклатуры")
    hours: int = Field(..., ge=1, le=10_000, description="Объём программы, часов")
    remote_hours: int = Field(..., ge=0, le=10_000, description="Из них с ДОТ и ЭО")
    completed_on: IsoDate
    document_number: str = Field(
        ..., min_length=1, max_length=100, description="Номер документа о квалификации"
    )


class ProgrammeCompletionOut(Schema):
    id: int
    cycle_id: int | None = Field(
        ..., description="Цикл специалиста по специальности на дату окончания; null — нет"
    )


@router.post(
    "/programme-completions",
    response={
        200: ProgrammeCompletionOut,
        201: ProgrammeCompletionOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
    },
    auth=bearer,
    summary="Сообщить об освоении программы ДПП (часы цикла)",
)
def report_programme_completion(
    request: AuthenticatedRequest, payload: ProgrammeCompletionIn
) -> Status:
    """The hours of a ДПП a specialist completed at the caller's organisation, with those
    delivered remotely, for the programme part of the specialist's cycle
    (faq-cycle-hours). 201 on the first report; 200 with the same body on a repeat of the
    same `document_number` (idempotent). 422 for hours < 1, remote_hours > hours, an
    unknown specialty or a SNILS with a bad checksum; 404 `specialist_not_found` when no
    specialist has that SNILS."""
    [specialty_id] = specialty_ids([payload.specialty], field="specialty")
    report = services.report_programme_completion(
        actor=request.auth,
        snils=payload.snils,
        specialty=get_specialty(specialty_id),
        hours=payload.hours,
        remote_hours=payload.remote_hours,
        completed_on=payload.completed_on,
        document_number=payload.document_number,
        programme_title=payload.programme_title,
    )
    body = {"id": report.entry.pk, "cycle_id": report.cycle_id}
    return Status(201 if report.created else 200, body)
