"""Reads of programmes, cohorts, notices and admission decisions."""

import contextlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.timezone import localdate as date_today

from nmo.accounts.models import Organisation, Role, Unit, User
from nmo.accounts.selectors import organisations_for, units_for_organisation
from nmo.catalog.rules import CATALOGUE_PAGE_SIZE, search_key
from nmo.catalog.selectors import list_specialties
from nmo.core.throttle import STORE_ERRORS
from nmo.programmes.models import (
    APPLICATION_HOLDS_SEAT,
    Admission,
    ApplicationStatus,
    AssessmentItem,
    AssessmentItemKind,
    Cohort,
    CohortNotice,
    Debt,
    Enrolment,
    EnrolmentStatus,
    IntermediateResult,
    NoticeDelivery,
    Programme,
    ProgrammeApplication,
    ProgrammeDiscipline,
    ProgrammeStage,
    SpecialConditionsApplication,
    SpecialConditionsStatus,
    StageMode,
)
from nmo.programmes.rules import (
    failed_assessments,
    programme_errors,
    readiness_errors,
    stage_bands,
    stage_errors,
)
from nmo.programmes.types import (
    AdmissionFacts,
    AdmissionResult,
    CohortSuggestion,
    NoticeTimeliness,
    ProgrammeCatalogueFilters,
    ProgrammeCataloguePage,
    RegulationInForce,
    SpecialConditions,
    StageData,
)
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.models import RegulationVersion
from nmo.regulations.types import (
    AttestationForm,
    DefenceWork,
    Grade,
    GradeScale,
    PercentBands,
    ProgrammeKind,
    StageKind,
)

# --- the regulation in force ------------------------------------------------------------


def _in_force(version: RegulationVersion) -> RegulationInForce:
    return RegulationInForce(
        version_id=version.pk,
        rules=regulation_selectors.rules_of(version),
        clauses=regulation_selectors.clauses_of(version),
    )


def regulation_for(organisation: Organisation) -> RegulationInForce:
    """Return the rules the organisation works under now, with their clauses; raise
    RegulationNotFound when it has no regulation yet."""
    return _in_force(regulation_selectors.current_version(organisation))


def regulation_version_for(organisation: Organisation) -> RegulationVersion:
    """Return the version of the organisation's regulation in force (to pin on a cohort)."""
    return regulation_selectors.current_version(organisation)


def regulation_of_cohort(cohort: Cohort) -> RegulationInForce:
    """Return the rules a cohort is held under: the version pinned when it was created."""
    return _in_force(regulation_selectors.get_version_by_id(cohort.regulation_version_id))


# --- programmes --------------------------------------------------------------------------


def staff_organisations(actor: User) -> QuerySet[Organisation]:
    """Return the organisations in which the actor is organisation staff."""
    return organisations_for(actor, Role.ORGANISATION_STAFF)


def list_programmes(actor: User) -> QuerySet[Programme]:
    """Return the programmes of the actor's organisations, with stage and cohort counts."""
    return (
        Programme.objects.filter(organisation__in=staff_organisations(actor))
        .select_related("organisation", "unit")
        .annotate(
            stage_count=Count("stages", distinct=True),
            cohort_count=Count("cohorts", distinct=True),
        )
        .order_by("organisation__name", "title")
    )


def list_units(organisation: Organisation) -> QuerySet[Unit]:
    """Return the units of an organisation that may run a programme or a cohort."""
    return units_for_organisation(organisation)


def list_stages(programme: Programme) -> QuerySet[ProgrammeStage]:
    """Return the stages of a programme's final attestation in order (npc-2.5, rgmu-2.5)."""
    return programme.stages.order_by("order")


def list_disciplines(programme: Programme) -> QuerySet[ProgrammeDiscipline]:
    """Return the disciplines (modules) of a programme's curriculum in order, with hours:
    the rows of a retraining diploma's supplement."""
    return programme.disciplines.order_by("order")


def intermediate_grades(enrolment: Enrolment) -> dict[str, bool]:
    """Return the learner's intermediate results by title (case folded, ё as е): passed or
    not, the latest result of a title superseding earlier ones (a passed resit)."""
    grades: dict[str, bool] = {}
    for title, passed in enrolment.intermediate_results.order_by("assessed_on", "id").values_list(
        "title", "passed"
    ):
        grades[" ".join(title.casefold().replace("ё", "е").split())] = passed
    return grades


def bank_counts(programme: Programme) -> list[tuple[str, str, int]]:
    """Return the size of the assessment bank (npc-2.7) per kind: (code, label, count),
    every kind listed, zero included."""
    counted = dict(
        AssessmentItem.objects.filter(programme=programme)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return [(kind.value, kind.label, counted.get(kind.value, 0)) for kind in AssessmentItemKind]


def list_assessment_items(
    programme: Programme, *, kind: str | None = None, stage: ProgrammeStage | None = None
) -> QuerySet[AssessmentItem]:
    """Return the programme's assessment bank in number order, optionally of one kind or
    of one stage."""
    items = AssessmentItem.objects.filter(programme=programme)
    if kind:
        items = items.filter(kind=kind)
    if stage is not None:
        items = items.filter(stage=stage)
    return items.order_by("number")


def grade_criteria(programme: Programme) -> list[tuple[Grade, str, str]]:
    """Return the grade criteria the commission is shown when grading (rgmu-3.2): for an
    exam отлично…неудовлетворительно, for a зачёт зачтено/не зачтено (npc-3.3), each as
    (grade, Russian label, text)."""
    if programme.attestation_form == "exam":
        pairs = [
            (Grade.EXCELLENT, programme.criteria_excellent),
            (Grade.GOOD, programme.criteria_good),
            (Grade.SATISFACTORY, programme.criteria_satisfactory),
            (Grade.UNSATISFACTORY, programme.criteria_unsatisfactory),
        ]
    else:
        pairs = [
            (Grade.PASSED, programme.criteria_passed),
            (Grade.FAILED, programme.criteria_failed),
        ]
    return [(grade, grade.label, text) for grade, text in pairs]


def percent_bands_of(stage: ProgrammeStage) -> PercentBands | None:
    """Return how a testing stage grades the share of correct answers (npc-3.5, rgmu-3.6),
    for `nmo.regulations.rules.grade_of_testing`; None for a stage that is not testing."""
    if stage.pass_threshold_percent is None:
        return None
    if stage.scale == GradeScale.FOUR_POINT:
        return stage_bands(
            stage.pass_threshold_percent, stage.excellent_from_percent, stage.good_from_percent
        )
    return stage_bands(stage.pass_threshold_percent)


def stage_data_of(stage: ProgrammeStage) -> StageData:
    """Return a stored stage as the value the rules check."""
    return StageData(
        kind=StageKind(stage.kind),
        scale=GradeScale(stage.scale),
        duration_minutes=stage.duration_minutes,
        mode=stage.mode,
        defence_work=DefenceWork(stage.defence_work) if stage.defence_work else None,
        pass_threshold_percent=stage.pass_threshold_percent,
        excellent_from_percent=stage.excellent_from_percent,
        good_from_percent=stage.good_from_percent,
    )


def stored_stage_errors(
    reg: RegulationInForce, form: AttestationForm, stages: Sequence[ProgrammeStage]
) -> list[str]:
    """Return the breaches of the regulation by a programme's stored stages, each prefixed
    with the stage's number."""
    problems: list[str] = []
    for stage in stages:
        for messages in stage_errors(reg, form, stage_data_of(stage)).values():
            problems.extend(f"Этап {stage.order}: {message}" for message in messages)
    return problems


def programme_problems(reg: RegulationInForce, programme: Programme) -> list[str]:
    """Return why a cohort cannot run the programme under the regulation: the programme's
    kind, form or stages breach it, or it has too few stages (npc-2.5, rgmu-2.5)."""
    stages = list(programme.stages.order_by("order"))
    problems: list[str] = []
    for messages in programme_errors(
        reg,
        kind=ProgrammeKind(programme.kind),
        attestation_form=AttestationForm(programme.attestation_form),
        remote_share_percent=programme.remote_share_percent,
    ).values():
        problems.extend(messages)
    problems.extend(stored_stage_errors(reg, AttestationForm(programme.attestation_form), stages))
    problems.extend(readiness_errors(reg, len(stages)))
    return problems


# --- cohorts and learners ----------------------------------------------------------------


def list_cohorts(actor: User, *, programme: Programme | None = None) -> QuerySet[Cohort]:
    """Return the cohorts of the actor's organisations, latest first, with learner counts."""
    cohorts = Cohort.objects.filter(programme__organisation__in=staff_organisations(actor))
    if programme is not None:
        cohorts = cohorts.filter(programme=programme)
    return (
        cohorts.select_related("programme", "programme__organisation", "unit")
        .annotate(
            learner_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED), distinct=True
            )
        )
        .order_by("-starts_on", "programme__title", "pk")
    )


def lock_cohort(cohort_id: int) -> Cohort:
    """Lock the cohort (with its programme, organisation and regulation version) and return it."""
    return (
        Cohort.objects.select_for_update()
        .select_related("programme__organisation", "regulation_version")
        .get(pk=cohort_id)
    )


def get_enrolment(enrolment_id: int) -> Enrolment:
    """Return the enrolment with its cohort, programme and organisation (or DoesNotExist)."""
    return Enrolment.objects.select_related("cohort__programme__organisation").get(pk=enrolment_id)


def lock_enrolment(enrolment_id: int) -> Enrolment:
    """Lock the enrolment's row and return it with its learner, cohort, programme and version."""
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related(
            "learner",
            "cohort__programme__organisation",
            "cohort__regulation_version",
        )
        .get(pk=enrolment_id)
    )


def list_enrolments(cohort: Cohort, *, active_only: bool = False) -> QuerySet[Enrolment]:
    """Return the cohort's learners by name, with their intermediate results, debts and
    admission decisions prefetched."""
    enrolments = Enrolment.objects.filter(cohort=cohort)
    if active_only:
        enrolments = enrolments.filter(status=EnrolmentStatus.ENROLLED)
    return (
        enrolments.select_related("learner")
        .prefetch_related(
            Prefetch(
                "intermediate_results",
                queryset=IntermediateResult.objects.order_by("assessed_on", "id"),
            ),
            Prefetch("debts", queryset=Debt.objects.order_by("created_at", "id")),
            Prefetch("admissions", queryset=Admission.objects.order_by("attempt")),
        )
        .order_by("learner__last_name", "learner__first_name", "learner__middle_name", "pk")
    )


def enrolments_of_learner(user: User) -> QuerySet[Enrolment]:
    """The person's own enrolments, newest cohort first, with the programme and the
    organisation: what they stated for ФИС ФРДО is theirs to see (ADR 0114)."""
    return (
        Enrolment.objects.filter(learner=user)
        .select_related("cohort__programme__organisation")
        .order_by("-cohort__starts_on", "-id")
    )


def is_learner(user: User | AnonymousUser) -> bool:
    """Return whether the user is enrolled in any cohort (the menu shows the learner's
    entry)."""
    if not user.is_authenticated:
        return False
    return Enrolment.objects.filter(learner=user).exists()


def admission_facts(enrolment: Enrolment) -> AdmissionFacts:
    """Return what admission depends on for one learner (npc-2.3, rgmu-2.3). Uses the
    prefetched results and debts when `list_enrolments` loaded them."""
    results = [
        (r.title, r.passed, r.assessed_on, r.pk) for r in enrolment.intermediate_results.all()
    ]
    debts = tuple(d.description for d in enrolment.debts.all() if d.cleared_on is None)
    return AdmissionFacts(
        programme_completed=enrolment.programme_completed,
        curriculum_completed=enrolment.curriculum_completed,
        failed_assessments=failed_assessments(results),
        open_debts=debts,
    )


def admission_result(admission: Admission) -> AdmissionResult:
    """Return an admission decision as the value the pages, the API and the attestation
    app read."""
    learner = admission.enrolment.learner
    return AdmissionResult(
        admission_id=admission.pk,
        enrolment_id=admission.enrolment_id,
        learner_id=learner.pk,
        learner_name=learner.full_name,
        admitted=admission.admitted,
        reasons=tuple(admission.reasons),
        overridden=admission.overridden,
        justification=admission.justification,
    )


def list_admissions(cohort: Cohort, *, attempt: int = 1) -> QuerySet[Admission]:
    """Return the admission decisions of the cohort's active learners for an attempt, by
    learner name."""
    return (
        Admission.objects.filter(
            enrolment__cohort=cohort,
            enrolment__status=EnrolmentStatus.ENROLLED,
            attempt=attempt,
        )
        .select_related("enrolment", "enrolment__learner", "decided_by")
        .order_by(
            "enrolment__learner__last_name",
            "enrolment__learner__first_name",
            "enrolment__learner__middle_name",
            "pk",
        )
    )


def list_undecided_enrolments(cohort: Cohort, *, attempt: int = 1) -> QuerySet[Enrolment]:
    """Return the cohort's active learners who have no admission decision for the attempt.
    The attestation is mandatory for every learner completing the programme (rgmu-1.4), so
    it may not start while this is not empty."""
    decided = Admission.objects.filter(enrolment=OuterRef("pk"), attempt=attempt)
    return (
        Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ENROLLED)
        .exclude(Exists(decided))
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "pk")
    )


def list_admitted_enrolments(cohort: Cohort, *, attempt: int = 1) -> QuerySet[Enrolment]:
    """Return the cohort's active learners admitted to the attestation (the attempt)."""
    admitted = Admission.objects.filter(enrolment=OuterRef("pk"), attempt=attempt, admitted=True)
    return (
        Enrolment.objects.filter(cohort=cohort, status=EnrolmentStatus.ENROLLED)
        .filter(Exists(admitted))
        .select_related("learner")
        .order_by("learner__last_name", "learner__first_name", "pk")
    )


# --- notices -----------------------------------------------------------------------------


def list_notices(cohort: Cohort) -> QuerySet[CohortNotice]:
    """Return the cohort's notices by due date, with the number of learners who got each."""
    return (
        CohortNotice.objects.filter(cohort=cohort)
        .annotate(delivered_count=Count("deliveries"))
        .order_by("due_on", "kind")
    )


def pending_recipients(notice: CohortNotice) -> QuerySet[Enrolment]:
    """Return the cohort's active learners with an e-mail who have not received the notice
    yet."""
    delivered = NoticeDelivery.objects.filter(notice=notice, enrolment=OuterRef("pk"))
    return (
        Enrolment.objects.filter(cohort_id=notice.cohort_id, status=EnrolmentStatus.ENROLLED)
        .exclude(learner__email="")
        .exclude(Exists(delivered))
        .select_related("learner")
        .order_by("pk")
    )


def notices_with_pending_recipients(
    today: date, *, cohort_id: int | None = None
) -> QuerySet[CohortNotice]:
    """Return the notices due by `today` that some active learner with an e-mail has not
    received yet, and that nobody is sending right now or has failed to send. Nothing is
    sent once the cohort's attestation date has passed: the notice has lost its point (a
    past cohort entered afterwards does not e-mail its learners)."""
    pending = (
        Enrolment.objects.filter(cohort=OuterRef("cohort"), status=EnrolmentStatus.ENROLLED)
        .exclude(learner__email="")
        .exclude(
            Exists(
                NoticeDelivery.objects.filter(
                    notice=OuterRef(OuterRef("pk")), enrolment=OuterRef("pk")
                )
            )
        )
    )
    notices = CohortNotice.objects.filter(
        due_on__lte=today,
        status__in=["planned", "sent"],
        cohort__attestation_date__gte=today,
    ).filter(Exists(pending))
    if cohort_id is not None:
        notices = notices.filter(cohort_id=cohort_id)
    return notices.order_by("due_on", "pk")


def notice_timeliness(notice: CohortNotice, today: date) -> NoticeTimeliness:
    """Say whether the notice reached the learners by its date (npc-6.2, rgmu-6.3,
    npc-2.2, rgmu-2.2): overdue when the date has passed and an active learner with an
    e-mail has not got it, and how many learners got it after the date (a cohort created
    late, a failed run, a learner enrolled later)."""
    late = NoticeDelivery.objects.filter(notice=notice, sent_at__date__gt=notice.due_on).count()
    overdue = (
        notice.status != "cancelled"
        and notice.due_on < today
        and pending_recipients(notice).exists()
    )
    return NoticeTimeliness(overdue=overdue, late_count=late)


# --- special conditions for disabled learners (rgmu-7.2, rgmu-7.4, rgmu-7.6) -------------


def _granted(application: SpecialConditionsApplication) -> SpecialConditions:
    extra_stages = list(application.extra_time_stages.all())
    return SpecialConditions(
        assistant_stage_ids=frozenset(s.pk for s in application.assistant_stages.all()),
        extra_time_stage_ids=frozenset(s.pk for s in extra_stages),
        assistant_asked=application.needs_assistant,
        extra_time_written_asked=application.extra_time_written,
        extra_time_oral_asked=application.extra_time_oral,
        extra_time_kinds=frozenset(
            "oral" if s.mode == StageMode.ORAL else "written" for s in extra_stages
        ),
        enrolment_id=application.enrolment_id,
        application_id=application.pk,
        assistant=application.granted_assistant,
        written_minutes=application.granted_written_minutes,
        oral_minutes=application.granted_oral_minutes,
        technical_means=application.granted_technical_means,
        accessible_premises=application.granted_accessible_premises,
        granted_on=application.decided_at.date() if application.decided_at else None,
    )


def special_conditions_for(*, enrolment_id: int) -> SpecialConditions | None:
    """Return the special conditions granted to the learner of the enrolment (rgmu-7.2,
    rgmu-7.4), or None: they attach to the person for that programme and every stage reads
    them from here, nobody retypes them."""
    application = (
        SpecialConditionsApplication.objects.filter(
            enrolment_id=enrolment_id, status=SpecialConditionsStatus.GRANTED
        )
        .prefetch_related("assistant_stages", "extra_time_stages")
        .first()
    )
    return _granted(application) if application is not None else None


def special_conditions_by_enrolment(enrolment_ids: Sequence[int]) -> dict[int, SpecialConditions]:
    """Return the granted special conditions of each of the enrolments that has them (the
    commission's sheet: assistant, technical means, extensions; nothing medical)."""
    applications = SpecialConditionsApplication.objects.filter(
        enrolment_id__in=list(enrolment_ids), status=SpecialConditionsStatus.GRANTED
    ).prefetch_related("assistant_stages", "extra_time_stages")
    return {a.enrolment_id: _granted(a) for a in applications}


def test_time_extension_minutes(*, enrolment_id: int, stage_id: int) -> int:
    """Return the minutes granted on top of the test stage's time limit for the learner of
    the enrolment (rgmu-7.4: at most 90), if the learner asked extra time for that stage
    (rgmu-7.7: for each attestation stage); 0 otherwise. The testing system adds them to
    the attempt's deadline."""
    conditions = special_conditions_for(enrolment_id=enrolment_id)
    if conditions is None:
        return 0
    return conditions.extra_minutes_for(stage_id, oral=False)


test_time_extension_minutes.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def list_special_conditions_applications(
    actor: User, *, status: str | None = None
) -> QuerySet[SpecialConditionsApplication]:
    """Return the applications for special conditions of the organisations the actor is
    staff of, open ones first."""
    organisations = organisations_for(actor, Role.ORGANISATION_STAFF)
    applications = SpecialConditionsApplication.objects.filter(
        enrolment__cohort__programme__organisation__in=organisations
    )
    if status:
        applications = applications.filter(status=status)
    return applications.select_related(
        "enrolment__learner", "enrolment__cohort__programme", "filed_by", "decided_by"
    ).prefetch_related("documents", "assistant_stages", "extra_time_stages")


def special_conditions_of_learner(
    learner: User,
) -> list[tuple[Enrolment, list[SpecialConditionsApplication]]]:
    """Return the learner's active enrolments, each with their applications for special
    conditions, newest first."""
    enrolments = (
        Enrolment.objects.filter(learner=learner, status=EnrolmentStatus.ENROLLED)
        .select_related("cohort__programme__organisation")
        .prefetch_related(
            Prefetch(
                "special_conditions_applications",
                queryset=SpecialConditionsApplication.objects.prefetch_related(
                    "documents", "assistant_stages", "extra_time_stages"
                ),
            )
        )
        .order_by("-cohort__starts_on")
    )
    return [(e, list(e.special_conditions_applications.all())) for e in enrolments]


# --- the public catalogue (issue 15, faq-join-steps, ADR 0116) ----------------------------


def annotate_seats_left(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Annotate each cohort with `seats_left`: the seats offered through the catalogue less
    the places taken, never below zero; None when the cohort takes no applications.

    A place is taken by an application filed and not yet decided or accepted (ADR 0117,
    `seats_taken`); learners the organisation enrols itself take none of the catalogue's
    seats. One subquery, not a query per cohort."""
    taken = (
        ProgrammeApplication.objects.filter(
            cohort=OuterRef("pk"), status__in=APPLICATION_HOLDS_SEAT
        )
        .order_by()
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cohorts.annotate(
        seats_taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0)
    ).annotate(
        seats_left=Case(
            When(seats__isnull=True, then=Value(None)),
            When(seats__lte=F("seats_taken"), then=Value(0)),
            default=F("seats") - F("seats_taken"),
            output_field=IntegerField(),
        )
    )


def seats_left(cohort: Cohort) -> int | None:
    """The seats of the cohort still open to applications, never below zero (seats cut
    after filing); None when the cohort takes no applications. `annotate_seats_left` is
    its bulk form."""
    if cohort.seats is None:
        return None
    return max(cohort.seats - seats_taken(cohort), 0)


def open_cohorts(on: date | None = None) -> QuerySet[Cohort]:
    """Cohorts that take applications through the catalogue: seats offered and the start
    still ahead (`on`, the local today by default)."""
    today = on or timezone.localdate()
    # As `cohorts_open_for_applications`: a cohort that starts today takes no more.
    return Cohort.objects.filter(seats__isnull=False, starts_on__gt=today)


def _open_cohorts_prefetch(today: date) -> Prefetch[Any]:
    cohorts = annotate_seats_left(open_cohorts(today)).only(
        "id", "programme_id", "title", "starts_on", "ends_on", "study_form", "seats"
    )
    return Prefetch("cohorts", queryset=cohorts.order_by("starts_on", "pk"), to_attr="open_cohorts")


def _specialties_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "specialties",
        queryset=list_specialties(include_inactive=True).only("id", "code", "name"),
    )


def _catalogue_programmes(
    filters: ProgrammeCatalogueFilters, today: date
) -> tuple[QuerySet[Programme], QuerySet[Cohort]]:
    """The published programmes matching the filters that have an open cohort (within the
    period, when one is given), and the open cohorts' query the ordering uses."""
    qs = Programme.objects.filter(published=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.format == "online":
        qs = qs.filter(remote_share_percent=100)
    elif filters.format == "in_person":
        qs = qs.filter(remote_share_percent__lt=100)
    if filters.specialty:
        # Resolved to the id first, as the activities' filter does (ADR 0201).
        found = list(
            list_specialties(include_inactive=True)
            .filter(code=filters.specialty)
            .order_by()
            .values_list("pk", flat=True)[:1]
        )
        if not found:
            return qs.none(), open_cohorts(today).none()
        qs = qs.filter(specialties=found[0])
    key = search_key(filters.q)
    if key:
        qs = qs.filter(title_search__contains=key)
    cohorts = open_cohorts(today).filter(programme=OuterRef("pk"))
    if filters.date_from is not None:
        cohorts = cohorts.filter(ends_on__gte=filters.date_from)
    if filters.date_to is not None:
        cohorts = cohorts.filter(starts_on__lte=filters.date_to)
    return qs.filter(Exists(cohorts)), cohorts


def catalogue_programmes_page(
    *,
    filters: ProgrammeCatalogueFilters | None = None,
    page: int = 1,
    per_page: int = CATALOGUE_PAGE_SIZE,
    on: date | None = None,
) -> ProgrammeCataloguePage:
    """One page (from 1) of the programmes in the public catalogue, the nearest start of an
    open cohort first, and the total. A programme is listed while it is published and has
    an open cohort (`open_cohorts`); each row carries its organisation, specialties and
    `open_cohorts` with `seats_left`.

    Five queries whatever the page's length (a sixth resolves a specialty code): the count,
    the page's ids, their rows, their specialties, their open cohorts with seats left."""
    if page < 1:
        raise ValueError("page numbers start at 1")
    today = on or timezone.localdate()
    filtered, cohorts = _catalogue_programmes(filters or ProgrammeCatalogueFilters(), today)
    total = filtered.count()
    offset = (page - 1) * per_page
    items: list[Programme] = []
    if offset < total:
        next_start = cohorts.order_by("starts_on").values("starts_on")[:1]
        ids = list(
            filtered.annotate(next_start=Subquery(next_start))
            .order_by("next_start", "pk")
            .values_list("pk", flat=True)[offset : offset + per_page]
        )
        rows = {
            p.pk: p
            for p in Programme.objects.filter(pk__in=ids)
            .select_related("organisation")
            .only(*_CATALOGUE_FIELDS)
            .prefetch_related(_specialties_prefetch(), _open_cohorts_prefetch(today))
        }
        items = [rows[pk] for pk in ids if pk in rows]
    return ProgrammeCataloguePage(items=items, total=total, number=page, per_page=per_page)


_CATALOGUE_FIELDS = (
    "id",
    "title",
    "kind",
    "hours",
    "remote_share_percent",
    "summary",
    "price",
    "by_certificate",
    "organisation",
    "organisation__name",
)


def get_catalogue_programme(programme_id: int, *, on: date | None = None) -> Programme | None:
    """A published programme for the public page (organisation, specialties and open
    cohorts with seats left loaded), or None: an unpublished one does not exist for the
    public."""
    today = on or timezone.localdate()
    return (
        Programme.objects.filter(pk=programme_id, published=True)
        .select_related("organisation", "unit")
        .prefetch_related(_specialties_prefetch(), _open_cohorts_prefetch(today))
        .first()
    )


def upcoming_cohorts(programme: Programme, *, on: date | None = None) -> QuerySet[Cohort]:
    """The programme's cohorts that have not started yet (their seats are the catalogue
    card's), nearest first, with `seats_left`."""
    today = on or timezone.localdate()
    return annotate_seats_left(
        Cohort.objects.filter(programme=programme, starts_on__gte=today)
    ).order_by("starts_on", "pk")


# --- applications for cohorts (заявки на обучение, ADR 0117) ----------------------------


def seats_taken(cohort: Cohort) -> int:
    """The cohort's catalogue seats taken: applications filed and not yet decided plus
    applications accepted (ADR 0117). Learners the organisation enrols itself take none of
    the seats offered in the catalogue."""
    return ProgrammeApplication.objects.filter(
        cohort=cohort, status__in=APPLICATION_HOLDS_SEAT
    ).count()


def cohorts_open_for_applications() -> QuerySet[Cohort]:
    """Cohorts a specialist may apply for: of a published programme, with seats offered,
    not started yet."""
    return Cohort.objects.filter(
        programme__published=True, seats__isnull=False, starts_on__gt=date_today()
    ).select_related("programme__organisation", "unit")


def cohort_open_for_applications(cohort_id: int) -> Cohort | None:
    """The cohort if a specialist may apply for it now, else None."""
    return cohorts_open_for_applications().filter(pk=cohort_id).first()


def open_cohorts_for_specialties(specialty_ids: Sequence[int], *, limit: int = 10) -> list[Cohort]:
    """The nearest open cohorts of programmes for these specialties (the cabinet's
    suggestions beside the specialist's cycles)."""
    if not specialty_ids:
        return []
    cohorts = (
        cohorts_open_for_applications()
        .filter(programme__specialties__in=list(specialty_ids))
        .distinct()
        .order_by("starts_on", "pk")
    )
    return list(cohorts[:limit])


#: Seconds the cabinet's suggested cohorts for a set of specialties are kept in the cache:
#: public data, the same for every specialist of those specialties; a cohort that fills
#: up meanwhile is refused, with the reason, on its application form.
SUGGESTIONS_SECONDS = 60


def suggested_cohorts(specialty_ids: Sequence[int]) -> list[CohortSuggestion]:
    """`open_cohorts_for_specialties` as the cabinet shows them, kept SUGGESTIONS_SECONDS
    in Django's cache (Redis in production) per set of specialties: the cabinet is the
    specialist's most visited page, and the query (programmes × specialties × cohorts,
    DISTINCT) was a third of its time (docs/scale-report.md). Built anew when the cache
    is down (ADR 0021)."""
    if not specialty_ids:
        return []
    key = "programmes:suggestions:" + ",".join(str(i) for i in sorted(set(specialty_ids)))
    with contextlib.suppress(*STORE_ERRORS):
        found = cache.get(key)
        if found is not None:
            return list(found)
    made = [
        CohortSuggestion(
            cohort_id=c.pk,
            programme_title=c.programme.title,
            organisation=str(c.programme.organisation),
            hours=c.programme.hours,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
        )
        for c in open_cohorts_for_specialties(specialty_ids)
    ]
    with contextlib.suppress(*STORE_ERRORS):
        cache.set(key, made, timeout=SUGGESTIONS_SECONDS)
    return made


def get_programme_application(application_id: int) -> ProgrammeApplication:
    """One application with its cohort, programme, organisation and specialist."""
    return ProgrammeApplication.objects.select_related(
        "cohort__programme__organisation", "specialist", "enrolment"
    ).get(pk=application_id)


def applications_of_specialist(specialist: User) -> QuerySet[ProgrammeApplication]:
    """The specialist's applications, newest first."""
    return ProgrammeApplication.objects.filter(specialist=specialist).select_related(
        "cohort__programme__organisation", "enrolment"
    )


def list_programme_applications(
    actor: User,
    *,
    status: str = "",
    cohort_id: int | None = None,
    query: str = "",
) -> QuerySet[ProgrammeApplication]:
    """Applications for the cohorts of the organisations the actor is staff of, filed
    ones first, then newest; filtered by state, cohort and the specialist's name or
    e-mail."""
    organisations = organisations_for(actor, Role.ORGANISATION_STAFF)
    applications = ProgrammeApplication.objects.filter(
        cohort__programme__organisation__in=organisations
    )
    if status:
        applications = applications.filter(status=status)
    if cohort_id is not None:
        applications = applications.filter(cohort_id=cohort_id)
    for word in query.split()[:5]:
        applications = applications.filter(
            Q(specialist__last_name__icontains=word)
            | Q(specialist__first_name__icontains=word)
            | Q(specialist__middle_name__icontains=word)
            | Q(specialist__email__icontains=word)
        )
    filed_first = Case(When(status=ApplicationStatus.FILED, then=0), default=1)
    return applications.select_related(
        "specialist", "cohort__programme__organisation", "decided_by", "enrolment"
    ).order_by(filed_first, "-created_at", "-pk")


def application_cohorts(actor: User) -> QuerySet[Cohort]:
    """Cohorts of the actor's organisations that take applications (the list's filter)."""
    organisations = organisations_for(actor, Role.ORGANISATION_STAFF)
    return Cohort.objects.filter(
        programme__organisation__in=organisations, seats__isnull=False
    ).select_related("programme")
