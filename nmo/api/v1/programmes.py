"""API v1: programmes, their attestation stages and assessment bank, cohorts, learners,
intermediate results, debts, admission and first-day notices — what the study department
does on the programme and cohort pages (ADR 0019), for the organisation's staff
(organisation_staff of the programme's organisation; a programme or cohort of another
organisation is 404, a caller without the role 403). Each endpoint calls the service the
page calls; the service checks the regulation and answers in Russian."""

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from ninja import Body, Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from nmo.accounts.access import access_staff_organisation, require_staff
from nmo.accounts.selectors import units_for_organisations
from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, IsoDate, specialty_ids
from nmo.programmes import selectors, services
from nmo.programmes.access import (
    access_admission,
    access_cohort,
    access_debt,
    access_enrolment,
    access_notice,
    access_programme,
    access_stage,
)
from nmo.programmes.exceptions import CohortInvalid, ProgrammeInvalid
from nmo.programmes.models import (
    Cohort,
    Debt,
    Enrolment,
    EnrolmentStatus,
    IntermediateResult,
    Programme,
    ProgrammeStage,
    StageMode,
)
from nmo.programmes.types import CohortData, FrdoDetails, LearnerRow, ProgrammeData, StageData
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    DefenceWork,
    GradeScale,
    ProgrammeKind,
    StageKind,
)

router = Router(tags=["Программы и группы"])

MAX_LEARNERS = 1000


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
CHANGE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut, 422: ErrorOut}


class StageOut(Schema):
    id: int
    order: int
    kind: str
    defence_work: str
    scale: str
    mode: str
    duration_minutes: int
    pass_threshold_percent: int | None
    excellent_from_percent: int | None
    good_from_percent: int | None


class ProgrammeOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    unit_id: int
    unit: str
    kind: str
    title: str
    hours: int
    specialties: list[str]
    remote_share_percent: int
    attestation_form: str
    attestation_hours: int
    criteria: dict[str, str] = Field(..., description="Критерии оценки по оценкам шкалы")
    stages: list[StageOut]


FRDO_FIELDS = (
    "citizenship",
    "education_level",
    "diploma_last_name",
    "diploma_series",
    "diploma_number",
    "funding_source",
)
"""What a learner states for ФИС ФРДО (ADR 0114)."""


class LearnerOut(Schema):
    id: int
    full_name: str
    snils: str | None
    email: str


class EnrolmentOut(Schema):
    id: int
    learner: LearnerOut
    contract_number: str
    contract_date: IsoDate | None
    status: str
    programme_completed: bool
    curriculum_completed: bool
    citizenship: str
    education_level: str
    diploma_last_name: str
    diploma_series: str
    diploma_number: str
    funding_source: str


class NoticeOut(Schema):
    kind: str
    due_on: IsoDate
    sender: str
    status: str
    sent_at: dt.datetime | None
    recipients_count: int


class ProgrammeRef(Schema):
    id: int
    title: str


class CohortOut(Schema):
    id: int
    programme: ProgrammeRef
    title: str
    unit_id: int | None
    starts_on: IsoDate
    ends_on: IsoDate
    attestation_date: IsoDate
    place: str
    address: str
    is_remote: bool
    uses_videoconference: bool
    study_form: str
    learners: list[EnrolmentOut]
    notices: list[NoticeOut]


class LearnerIn(Schema):
    last_name: str = Field(..., max_length=150)
    first_name: str = Field(..., max_length=150)
    middle_name: str = Field("", max_length=150)
    snils: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    contract_number: str = Field("", max_length=100)
    contract_date: IsoDate | None = None
    sex: str = Field("", max_length=6, description='"male" | "female"; пусто — по отчеству')
    birth_date: IsoDate | None = None
    citizenship: str = Field("", max_length=3, description="Код страны по ОКСМ; пусто — 643")
    education_level: str = Field(
        "", max_length=30, description="higher — ВО, secondary_vocational — СПО"
    )
    diploma_last_name: str = Field("", max_length=150, description="Фамилия в дипломе о ВО/СПО")
    diploma_series: str = Field("", max_length=20)
    diploma_number: str = Field("", max_length=30)
    funding_source: str = Field(
        "",
        max_length=30,
        description="federal_budget, regional_budget, local_budget, contract",
    )


class LearnersImportOut(Schema):
    created: int
    existing: int
    enrolled: int
    already_enrolled: int


class AdmissionOut(Schema):
    admission_id: int
    enrolment_id: int
    learner_id: int
    learner_name: str
    admitted: bool
    reasons: list[str]
    overridden: bool
    justification: str
    decided_at: dt.datetime


class UndecidedOut(Schema):
    enrolment_id: int
    learner_name: str


class AdmissionListOut(Schema):
    attempt: int
    items: list[AdmissionOut]
    undecided: list[UndecidedOut]


def _programme(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "organisation_id": programme.organisation_id,
        "organisation": str(programme.organisation),
        "unit_id": programme.unit_id,
        "unit": programme.unit.name,
        "kind": programme.kind,
        "title": programme.title,
        "hours": programme.hours,
        "specialties": [s.code for s in programme.specialties.all()],
        "remote_share_percent": programme.remote_share_percent,
        "attestation_form": programme.attestation_form,
        "attestation_hours": programme.attestation_hours,
        "criteria": {
            grade.value: text for grade, _label, text in selectors.grade_criteria(programme)
        },
        "stages": list(programme.stages.all()),
    }


def _enrolment(enrolment: Enrolment) -> dict[str, Any]:
    learner = enrolment.learner
    return {
        "id": enrolment.pk,
        "learner": {
            "id": learner.pk,
            "full_name": learner.full_name,
            "snils": learner.snils,
            "email": learner.email,
        },
        "contract_number": enrolment.contract_number,
        "contract_date": enrolment.contract_date,
        "status": enrolment.status,
        "programme_completed": enrolment.programme_completed,
        "curriculum_completed": enrolment.curriculum_completed,
        **{field: getattr(enrolment, field) for field in FRDO_FIELDS},
    }


def _cohort(cohort: Cohort) -> dict[str, Any]:
    return {
        "id": cohort.pk,
        "programme": {"id": cohort.programme_id, "title": cohort.programme.title},
        "title": cohort.title,
        "unit_id": cohort.unit_id,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "attestation_date": cohort.attestation_date,
        "place": cohort.place,
        "address": cohort.address,
        "is_remote": cohort.is_remote,
        "uses_videoconference": cohort.uses_videoconference,
        "study_form": cohort.study_form,
        "learners": [_enrolment(e) for e in selectors.list_enrolments(cohort)],
        "notices": list(selectors.list_notices(cohort)),
    }


@router.get(
    "/programmes",
    response={200: list[ProgrammeOut], 401: ErrorOut, 403: ErrorOut},
    auth=bearer,
    summary="Программы организации",
)
def list_programmes(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """Return the programmes of the caller's organisations with their attestation stages."""
    require_staff(request.auth)
    programmes = selectors.list_programmes(request.auth).prefetch_related("specialties", "stages")
    return [_programme(p) for p in programmes]


@router.get(
    "/cohorts/{cohort_id}",
    response={200: CohortOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Группа: слушатели и уведомления",
)
def get_cohort(request: AuthenticatedRequest, cohort_id: int) -> dict[str, Any]:
    """Return a cohort with its learners and the state of its notices."""
    cohort = access_cohort(request.auth, cohort_id)
    return _cohort(cohort)


@router.post(
    "/cohorts/{cohort_id}/learners",
    response={201: LearnersImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=bearer,
    summary="Зачислить слушателей",
)
def import_learners(
    request: AuthenticatedRequest,
    cohort_id: int,
    payload: Body[Annotated[list[LearnerIn], Field(min_length=1, max_length=MAX_LEARNERS)]],
) -> Status:
    """Enrol a JSON list of learners, all or none. Each learner is found by SNILS, else by
    e-mail, else gets a new account (the e-mail is then required); nobody is duplicated and
    a learner already in the cohort is left as is. 422 lists the problems by the learner's
    0-based index and field ("3.snils")."""
    cohort = access_cohort(request.auth, cohort_id)
    rows = [
        LearnerRow(
            row=index,
            last_name=item.last_name,
            first_name=item.first_name,
            middle_name=item.middle_name,
            snils=item.snils,
            email=item.email,
            phone=item.phone,
            contract_number=item.contract_number,
            contract_date=item.contract_date,
            sex=item.sex,
            birth_date=item.birth_date,
            citizenship=item.citizenship,
            education_level=item.education_level,
            diploma_last_name=item.diploma_last_name,
            diploma_series=item.diploma_series,
            diploma_number=item.diploma_number,
            funding_source=item.funding_source,
        )
        for index, item in enumerate(payload)
    ]
    result = services.import_learners(actor=request.auth, cohort=cohort, learners=rows)
    return Status(
        201,
        {
            "created": result.created,
            "existing": result.existing,
            "enrolled": result.enrolled,
            "already_enrolled": result.already_enrolled,
        },
    )


@router.get(
    "/cohorts/{cohort_id}/admission",
    response={200: AdmissionListOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Допуск к итоговой аттестации",
)
def get_admission(
    request: AuthenticatedRequest,
    cohort_id: int,
    attempt: Annotated[int, Query(ge=1, le=10, description="1 — аттестация, 2 — повторная")] = 1,
) -> dict[str, Any]:
    """Return the admission decisions of the cohort's learners for the attempt, with the
    reasons (npc-2.3, rgmu-2.3), and the learners who have no decision yet (rgmu-1.4)."""
    cohort = access_cohort(request.auth, cohort_id)
    items = []
    for admission in selectors.list_admissions(cohort, attempt=attempt):
        result = selectors.admission_result(admission)
        items.append(
            {**asdict(result), "reasons": list(result.reasons), "decided_at": admission.decided_at}
        )
    undecided = [
        {"enrolment_id": e.pk, "learner_name": e.learner.full_name}
        for e in selectors.list_undecided_enrolments(cohort, attempt=attempt)
    ]
    return {"attempt": attempt, "items": items, "undecided": undecided}


# --- programmes and their attestation stages --------------------------------------------

TEXT = 2000
UPLOAD_READ_MAX = 8 * 1024 * 1024


class ProgrammeIn(Schema):
    organisation_id: int = Field(..., description="Организация (сотрудником которой вы являетесь)")
    unit_id: int = Field(..., description="Подразделение, реализующее программу")
    kind: ProgrammeKind = Field(
        ..., description="qualification_upgrade — ПК, professional_retraining — ПП"
    )
    title: str = Field(..., max_length=500)
    hours: int = Field(..., ge=1, le=10_000, description="Объём, академических часов")
    attestation_form: AttestationForm = Field(
        ..., description="exam — экзамен, credit_test — зачёт"
    )
    attestation_hours: int = Field(..., ge=1, le=10_000)
    remote_share_percent: int = Field(0, ge=0, le=100, description="Доля ДОТ и ЭО, %")
    specialties: list[str] = Field(
        [], max_length=50, description="Коды специальностей номенклатуры"
    )
    criteria_excellent: str = Field("", max_length=TEXT)
    criteria_good: str = Field("", max_length=TEXT)
    criteria_satisfactory: str = Field("", max_length=TEXT)
    criteria_unsatisfactory: str = Field("", max_length=TEXT)
    criteria_passed: str = Field("", max_length=TEXT)
    criteria_failed: str = Field("", max_length=TEXT)


class StageIn(Schema):
    kind: StageKind
    scale: GradeScale
    duration_minutes: int = Field(..., ge=1, le=1440)
    mode: StageMode = Field(..., description="written — письменно, oral — устно")
    defence_work: DefenceWork | None = Field(None, description="Для защиты работы")
    pass_threshold_percent: int | None = Field(
        None, ge=0, le=100, description="Порог «зачтено» тестирования; пусто — по положению"
    )
    excellent_from_percent: int | None = Field(None, ge=0, le=100)
    good_from_percent: int | None = Field(None, ge=0, le=100)


class UnitOut(Schema):
    id: int
    organisation_id: int
    name: str
    kind: str


class BankImportOut(Schema):
    programme_id: int
    created: int
    replaced: int


def _programme_data(payload: ProgrammeIn) -> ProgrammeData:
    return ProgrammeData(
        unit_id=payload.unit_id,
        kind=payload.kind,
        title=payload.title,
        hours=payload.hours,
        attestation_form=payload.attestation_form,
        attestation_hours=payload.attestation_hours,
        remote_share_percent=payload.remote_share_percent,
        specialty_ids=specialty_ids(payload.specialties),
        criteria_excellent=payload.criteria_excellent,
        criteria_good=payload.criteria_good,
        criteria_satisfactory=payload.criteria_satisfactory,
        criteria_unsatisfactory=payload.criteria_unsatisfactory,
        criteria_passed=payload.criteria_passed,
        criteria_failed=payload.criteria_failed,
    )


def _stage_data(payload: StageIn) -> StageData:
    return StageData(
        kind=payload.kind,
        scale=payload.scale,
        duration_minutes=payload.duration_minutes,
        mode=payload.mode,
        defence_work=payload.defence_work,
        pass_threshold_percent=payload.pass_threshold_percent,
        excellent_from_percent=payload.excellent_from_percent,
        good_from_percent=payload.good_from_percent,
    )


def _reloaded_programme(actor: Any, programme: Programme) -> dict[str, Any]:
    programme = (
        selectors.list_programmes(actor)
        .prefetch_related("specialties", "stages")
        .get(pk=programme.pk)
    )
    return _programme(programme)


@router.get(
    "/units",
    response={200: list[UnitOut], 401: ErrorOut, 403: ErrorOut},
    auth=bearer,
    summary="Подразделения организаций сотрудника",
)
def list_units(request: AuthenticatedRequest) -> list[dict[str, Any]]:
    """The units (study department, departments) of the caller's organisations: a
    programme and a commission name one by `unit_id`."""
    require_staff(request.auth)
    units = units_for_organisations(selectors.staff_organisations(request.auth))
    return [
        {"id": u.pk, "organisation_id": u.organisation_id, "name": u.name, "kind": u.kind}
        for u in units
    ]


@router.post(
    "/programmes",
    response={201: ProgrammeOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Создать программу",
)
def create_programme(request: AuthenticatedRequest, payload: ProgrammeIn) -> Status:
    """Create a programme of one of the caller's organisations. Its kind, form of the
    attestation and share of remote learning must be allowed by the organisation's
    regulation (НПЦ ДЗМ: only qualification upgrade with a зачёт — npc-2.5, npc-2.8;
    РостГМУ: also retraining and the exam — rgmu-2.5, rgmu-2.8), else 422 with the reason
    naming the clause. Empty grade criteria take the regulation's wording (rgmu-3.2).
    Another organisation is 404."""
    organisation = access_staff_organisation(request.auth, payload.organisation_id)
    programme = services.create_programme(
        actor=request.auth, organisation=organisation, data=_programme_data(payload)
    )
    return Status(201, _reloaded_programme(request.auth, programme))


@router.get(
    "/programmes/{programme_id}",
    response={200: ProgrammeOut, **ERRORS},
    auth=bearer,
    summary="Программа: этапы и критерии оценки",
)
def get_programme(request: AuthenticatedRequest, programme_id: int) -> dict[str, Any]:
    """One programme of the caller's organisations with its stages and grade criteria."""
    programme = access_programme(request.auth, programme_id)
    return _reloaded_programme(request.auth, programme)


@router.put(
    "/programmes/{programme_id}",
    response={200: ProgrammeOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Изменить программу",
)
def update_programme(
    request: AuthenticatedRequest, programme_id: int, payload: ProgrammeIn
) -> dict[str, Any]:
    """Change a programme with the checks of its creation; a new form must suit the stages
    already set. The organisation of a programme does not change (`organisation_id` must
    be its own)."""
    programme = access_programme(request.auth, programme_id)
    if payload.organisation_id != programme.organisation_id:
        raise ProgrammeInvalid(errors={"organisation_id": ["Организация программы не меняется."]})
    programme = services.update_programme(
        actor=request.auth, programme=programme, data=_programme_data(payload)
    )
    return _reloaded_programme(request.auth, programme)


@router.post(
    "/programmes/{programme_id}/stages",
    response={201: StageOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Добавить этап итоговой аттестации",
)
def add_stage(request: AuthenticatedRequest, programme_id: int, payload: StageIn) -> Status:
    """Add a stage after the last one. Its kind and scale must suit the programme's form
    of attestation and the regulation (a зачёт is graded зачтено/не зачтено, npc-3.3); an
    empty threshold of testing takes the regulation's (npc-3.5, rgmu-3.6)."""
    programme = access_programme(request.auth, programme_id)
    stage = services.add_stage(actor=request.auth, programme=programme, data=_stage_data(payload))
    return Status(201, stage)


@router.put(
    "/programmes/{programme_id}/stages/{stage_id}",
    response={200: StageOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Изменить этап итоговой аттестации",
)
def update_stage(
    request: AuthenticatedRequest, programme_id: int, stage_id: int, payload: StageIn
) -> ProgrammeStage:
    """Change a stage with the checks of adding one."""
    programme = access_programme(request.auth, programme_id)
    stage = access_stage(request.auth, programme, stage_id)
    return services.update_stage(actor=request.auth, stage=stage, data=_stage_data(payload))


@router.delete(
    "/programmes/{programme_id}/stages/{stage_id}",
    response={204: None, **CHANGE_ERRORS},
    auth=bearer,
    summary="Удалить этап итоговой аттестации",
)
def remove_stage(request: AuthenticatedRequest, programme_id: int, stage_id: int) -> Status:
    """Remove a stage; the others are renumbered."""
    programme = access_programme(request.auth, programme_id)
    stage = access_stage(request.auth, programme, stage_id)
    services.remove_stage(actor=request.auth, stage=stage)
    return Status(204, None)


@router.post(
    "/programmes/{programme_id}/bank",
    response={201: BankImportOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Загрузить фонд оценочных средств (XLSX)",
)
def import_bank(
    request: AuthenticatedRequest,
    programme_id: int,
    file: File[UploadedFile],
    replace: Form[bool] = False,
) -> Status:
    """Load the assessment bank from an XLSX file in the columns of the page's example
    (multipart/form-data, field `file`; `replace=true` replaces the items there are),
    npc-2.7. All or nothing: any bad row is 422 with every problem by row number."""
    programme = access_programme(request.auth, programme_id)
    result = services.import_assessment_bank(
        actor=request.auth,
        programme=programme,
        file_name=file.name or "",
        # Past the service's own limit it refuses the file by its size; reading no further
        # keeps an oversized upload out of memory.
        content=file.read(UPLOAD_READ_MAX),
        replace=replace,
    )
    return Status(201, asdict(result))


# --- cohorts -----------------------------------------------------------------------------


class CohortIn(Schema):
    programme_id: int
    title: str = Field("", max_length=200)
    unit_id: int | None = Field(None, description="Подразделение; пусто — подразделение программы")
    starts_on: IsoDate
    ends_on: IsoDate
    attestation_date: IsoDate
    place: AttestationPlace = Field(
        ...,
        description="organisation — в организации, unit — в подразделении, "
        "customer_premises — у заказчика",
    )
    address: str = Field("", max_length=500)
    is_remote: bool = False
    uses_videoconference: bool = False
    videoconference_requirements: str = Field("", max_length=5000)
    study_form: str = Field(
        "",
        max_length=20,
        description="full_time — очная, part_time — очно-заочная, "
        "extramural — заочная (для ФИС ФРДО)",
    )


class CohortRef(Schema):
    id: int
    programme: ProgrammeRef
    title: str
    starts_on: IsoDate
    ends_on: IsoDate
    attestation_date: IsoDate


def _cohort_data(payload: CohortIn) -> CohortData:
    return CohortData(
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        attestation_date=payload.attestation_date,
        place=payload.place,
        title=payload.title,
        unit_id=payload.unit_id,
        address=payload.address,
        is_remote=payload.is_remote,
        uses_videoconference=payload.uses_videoconference,
        videoconference_requirements=payload.videoconference_requirements,
        study_form=payload.study_form,
    )


@router.get(
    "/cohorts",
    response={200: list[CohortRef], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=bearer,
    summary="Группы организации",
)
def list_cohorts(
    request: AuthenticatedRequest,
    programme: Annotated[int | None, Query(description="Идентификатор программы")] = None,
) -> list[dict[str, Any]]:
    """The cohorts of the caller's organisations, or of one programme (404 for a programme
    of another organisation)."""
    require_staff(request.auth)
    found = access_programme(request.auth, programme) if programme is not None else None
    return [
        {
            "id": c.pk,
            "programme": {"id": c.programme_id, "title": c.programme.title},
            "title": c.title,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "attestation_date": c.attestation_date,
        }
        for c in selectors.list_cohorts(request.auth, programme=found)
    ]


@router.post(
    "/cohorts",
    response={201: CohortOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Создать группу",
)
def create_cohort(request: AuthenticatedRequest, payload: CohortIn) -> Status:
    """Open a cohort of a programme: dates of study and of the attestation, its place
    (npc-2.6, rgmu-2.4) or the videoconference (npc-6.1, rgmu-6.1). The first-day notices
    are planned from the regulation (npc-2.2, rgmu-2.2). A programme the regulation does
    not allow to run yet (no stages) is 409."""
    programme = access_programme(request.auth, payload.programme_id)
    cohort = services.create_cohort(
        actor=request.auth, programme=programme, data=_cohort_data(payload)
    )
    return Status(201, _cohort(access_cohort(request.auth, cohort.pk)))


@router.put(
    "/cohorts/{cohort_id}",
    response={200: CohortOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Изменить группу",
)
def update_cohort(
    request: AuthenticatedRequest, cohort_id: int, payload: CohortIn
) -> dict[str, Any]:
    """Change a cohort's dates, place or remote mode; the notices' dates are computed
    again. The programme of a cohort does not change."""
    cohort = access_cohort(request.auth, cohort_id)
    if payload.programme_id != cohort.programme_id:
        raise CohortInvalid(errors={"programme_id": ["Программа группы не меняется."]})
    services.update_cohort(actor=request.auth, cohort=cohort, data=_cohort_data(payload))
    return _cohort(access_cohort(request.auth, cohort_id))


# --- learners of a cohort ----------------------------------------------------------------


class EnrolmentIn(Schema):
    programme_completed: bool | None = Field(None, description="Программа освоена")
    curriculum_completed: bool | None = Field(
        None, description="Учебный план (индивидуальный) выполнен в полном объёме"
    )
    status: EnrolmentStatus | None = Field(
        None, description="enrolled — обучается, withdrawn — отчислен"
    )
    contract_number: str | None = Field(None, max_length=100)
    contract_date: IsoDate | None = None
    citizenship: str | None = Field(None, max_length=3, description="Код страны по ОКСМ")
    education_level: str | None = Field(
        None, max_length=30, description="higher / secondary_vocational"
    )
    diploma_last_name: str | None = Field(None, max_length=150)
    diploma_series: str | None = Field(None, max_length=20)
    diploma_number: str | None = Field(None, max_length=30)
    funding_source: str | None = Field(None, max_length=30)


class IntermediateResultIn(Schema):
    title: str = Field(..., max_length=300, description="Промежуточная аттестация")
    passed: bool
    assessed_on: IsoDate


class IntermediateResultOut(Schema):
    id: int
    enrolment_id: int
    title: str
    passed: bool
    assessed_on: IsoDate


class DebtIn(Schema):
    description: str = Field(..., max_length=500)


class DebtClearIn(Schema):
    cleared_on: IsoDate


class DebtOut(Schema):
    id: int
    enrolment_id: int
    description: str
    cleared_on: IsoDate | None


class OverrideIn(Schema):
    admitted: bool
    justification: str = Field(
        ..., max_length=2000, description="Обоснование, не менее 20 символов"
    )


@router.patch(
    "/cohorts/{cohort_id}/learners/{enrolment_id}",
    response={200: EnrolmentOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Слушатель: программа освоена, договор, отчисление",
)
def update_enrolment(
    request: AuthenticatedRequest, cohort_id: int, enrolment_id: int, payload: EnrolmentIn
) -> dict[str, Any]:
    """Record that the learner mastered the programme and did the curriculum in full
    (npc-2.3, rgmu-2.3), the contract, or the withdrawal. Fields left out keep their
    values."""
    cohort = access_cohort(request.auth, cohort_id)
    enrolment = access_enrolment(request.auth, cohort, enrolment_id)
    given = payload.model_dump(exclude_unset=True)
    values = {
        "programme_completed": enrolment.programme_completed,
        "curriculum_completed": enrolment.curriculum_completed,
        "status": enrolment.status,
        "contract_number": enrolment.contract_number,
        "contract_date": enrolment.contract_date,
    }
    values.update(
        {
            k: v
            for k, v in given.items()
            if k not in FRDO_FIELDS and (v is not None or k == "contract_date")
        }
    )
    frdo = {field: getattr(enrolment, field) for field in FRDO_FIELDS}
    frdo.update({k: v for k, v in given.items() if k in FRDO_FIELDS and v is not None})
    enrolment = services.update_enrolment(
        actor=request.auth, enrolment=enrolment, frdo=FrdoDetails(**frdo), **values
    )
    return _enrolment(access_enrolment(request.auth, cohort, enrolment.pk))


@router.post(
    "/cohorts/{cohort_id}/learners/{enrolment_id}/results",
    response={201: IntermediateResultOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Записать результат промежуточной аттестации",
)
def record_intermediate_result(
    request: AuthenticatedRequest,
    cohort_id: int,
    enrolment_id: int,
    payload: IntermediateResultIn,
) -> Status:
    """Record an intermediate assessment; a failed one keeps the learner from admission
    (npc-2.3, rgmu-2.3)."""
    cohort = access_cohort(request.auth, cohort_id)
    enrolment = access_enrolment(request.auth, cohort, enrolment_id)
    result: IntermediateResult = services.record_intermediate_result(
        actor=request.auth,
        enrolment=enrolment,
        title=payload.title,
        passed=payload.passed,
        assessed_on=payload.assessed_on,
    )
    return Status(201, result)


@router.post(
    "/cohorts/{cohort_id}/learners/{enrolment_id}/debts",
    response={201: DebtOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Записать задолженность",
)
def record_debt(
    request: AuthenticatedRequest, cohort_id: int, enrolment_id: int, payload: DebtIn
) -> Status:
    """Record a learner's debt; an open debt keeps the learner from admission (rgmu-2.3)."""
    cohort = access_cohort(request.auth, cohort_id)
    enrolment = access_enrolment(request.auth, cohort, enrolment_id)
    debt: Debt = services.record_debt(
        actor=request.auth, enrolment=enrolment, description=payload.description
    )
    return Status(201, debt)


@router.post(
    "/cohorts/{cohort_id}/learners/{enrolment_id}/debts/{debt_id}/clear",
    response={200: DebtOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Отметить задолженность погашенной",
)
def clear_debt(
    request: AuthenticatedRequest,
    cohort_id: int,
    enrolment_id: int,
    debt_id: int,
    payload: DebtClearIn,
) -> Debt:
    """Mark a debt cleared on a day; a debt cleared already is 409."""
    cohort = access_cohort(request.auth, cohort_id)
    enrolment = access_enrolment(request.auth, cohort, enrolment_id)
    debt = access_debt(request.auth, enrolment, debt_id)
    return services.clear_debt(actor=request.auth, debt=debt, cleared_on=payload.cleared_on)


@router.post(
    "/cohorts/{cohort_id}/admission",
    response={200: AdmissionListOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Принять решение о допуске к итоговой аттестации",
)
def decide_admission(
    request: AuthenticatedRequest,
    cohort_id: int,
    attempt: Annotated[int, Query(ge=1, le=10, description="1 — аттестация, 2 — повторная")] = 1,
) -> dict[str, Any]:
    """Decide admission for every learner of the cohort (npc-2.3, rgmu-2.3, rgmu-1.4): a
    learner who mastered the programme, did the curriculum, failed no intermediate
    assessment and has no open debt is admitted; the others are not, with the reasons.
    Deciding again brings the decisions up to date; decisions overridden by staff stand
    (idempotent). Answers as GET .../admission."""
    cohort = access_cohort(request.auth, cohort_id)
    services.decide_admission(actor=request.auth, cohort=cohort, attempt=attempt)
    return get_admission(request, cohort_id, attempt)


@router.post(
    "/cohorts/{cohort_id}/admission/{admission_id}/override",
    response={200: AdmissionOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Изменить решение о допуске с обоснованием",
)
def override_admission(
    request: AuthenticatedRequest, cohort_id: int, admission_id: int, payload: OverrideIn
) -> dict[str, Any]:
    """Change one admission decision either way with a written justification of at least
    20 characters; it stands when admission is decided again."""
    cohort = access_cohort(request.auth, cohort_id)
    admission = access_admission(request.auth, cohort, admission_id)
    admission = services.override_admission(
        actor=request.auth,
        admission=admission,
        admitted=payload.admitted,
        justification=payload.justification,
    )
    result = selectors.admission_result(access_admission(request.auth, cohort, admission.pk))
    return {**asdict(result), "reasons": list(result.reasons), "decided_at": admission.decided_at}


@router.post(
    "/cohorts/{cohort_id}/notices/{notice_id}/retry",
    response={200: NoticeOut, **CHANGE_ERRORS},
    auth=bearer,
    summary="Отправить уведомление повторно",
)
def retry_notice(request: AuthenticatedRequest, cohort_id: int, notice_id: int) -> Any:
    """Send a failed first-day notice again (npc-2.2, rgmu-2.2); a notice that did not
    fail is 409."""
    cohort = access_cohort(request.auth, cohort_id)
    notice = access_notice(request.auth, cohort, notice_id)
    services.retry_notice(actor=request.auth, notice=notice)
    return next(n for n in selectors.list_notices(cohort) if n.pk == notice.pk)
