"""The РостГМУ regulation (shared/seeds/regulation-rostgmu.txt) as a preset.

Each rule is written once, as (clause, value): the clause of shared/spec/clauses.tsv it
reproduces, or "rgmu-§N.N" for a paragraph without an id of its own there.
"""

from nmo.regulations.presets.preset import SILENT, build_preset
from nmo.regulations.types import (
    AdmissionRequirement,
    Anchor,
    AppealAddressee,
    AppealCommissionKind,
    AppealDocument,
    AppealFiler,
    AppealOutcome,
    ApprovingAuthority,
    AttestationForm,
    AttestationPlace,
    CastingVote,
    ChairReplacement,
    DayCount,
    DefenceWork,
    Direction,
    FailedDocument,
    FinalGradeMethod,
    Grade,
    GradeScale,
    HandoverMode,
    LateDocumentsHandler,
    MajorityBasis,
    NoticeChannel,
    Notifier,
    Post,
    PresenceRule,
    PresetCode,
    ProgrammeKind,
    QualificationDocument,
    QuorumKind,
    RemoteMode,
    RemoteTool,
    ResultDocument,
    Scheduler,
    Signatory,
    SpecialConditionsAddressee,
    StageKind,
)

PRESET = build_preset(
    code=PresetCode.ROSTGMU,
    title=(
        "Положение об организации и проведении итоговой аттестации слушателей по "
        "программам ДПО в ФГБОУ ВО РостГМУ Минздрава России"
    ),
    source="regulation-rostgmu.txt",
    cited={
        "programmes": {
            # scope: rgmu-§1.1
            "kinds_allowed": (
                "rgmu-2.8",
                (ProgrammeKind.QUALIFICATION_UPGRADE, ProgrammeKind.PROFESSIONAL_RETRAINING),
            ),
            "attestation_mandatory": ("rgmu-1.4", True),
            "form_set_by_programme": ("rgmu-§2.6", True),  # also rgmu-§1.6
        },
        "admission": {
            "requirements": (
                "rgmu-2.3",
                (
                    AdmissionRequirement.PROGRAMME_COMPLETED,
                    AdmissionRequirement.INTERMEDIATE_ASSESSMENTS_PASSED,
                    AdmissionRequirement.NO_DEBTS,
                    AdmissionRequirement.CURRICULUM_COMPLETED,
                ),
            ),
        },
        "conduct": {
            "forms_allowed": ("rgmu-2.5", (AttestationForm.EXAM, AttestationForm.CREDIT_TEST)),
            "stage_kinds_allowed": (
                "rgmu-2.5",
                (
                    StageKind.TESTING,
                    StageKind.CASE_TASKS,
                    StageKind.PRACTICAL_SKILLS,
                    StageKind.INTERVIEW,
                    StageKind.DEFENCE,
                ),
            ),
            # реферат, проектная или аттестационная работа
            "defence_works_allowed": (
                "rgmu-2.5",
                (DefenceWork.ESSAY, DefenceWork.PROJECT, DefenceWork.ATTESTATION_WORK),
            ),
            "min_stages": ("rgmu-2.5", 1),  # "из одного или нескольких этапов"
            "places_allowed": (
                "rgmu-2.4",
                (
                    AttestationPlace.ORGANISATION,
                    AttestationPlace.UNIT,
                    AttestationPlace.CUSTOMER_PREMISES,
                ),
            ),
            "remote_modes_allowed": ("rgmu-2.4", (RemoteMode.PARTIAL, RemoteMode.FULL)),
            "remote_tools": ("rgmu-6.1", (RemoteTool.VIDEOCONFERENCE, RemoteTool.TESTING_SYSTEM)),
        },
        "grading": {
            "scales_allowed": ("rgmu-3.1", (GradeScale.FOUR_POINT, GradeScale.TWO_POINT)),
            "final_grade_method": ("rgmu-3.3", FinalGradeMethod.ARITHMETIC_MEAN),
            "test_pass_threshold_percent": ("rgmu-3.6", 70),  # "не менее 70% правильных ответов"
            "test_threshold_set_by_programme": ("rgmu-3.6", True),
            "test_excellent_from_percent": ("rgmu-3.6", 90),  # App. 1 §4.1: "90% и выше"
            "test_good_from_percent": ("rgmu-3.6", 80),  # App. 1 §4.1: "от 80% до 89%"
            "test_satisfactory_from_percent": ("rgmu-3.6", 70),  # App. 1 §4.1: "от 70 до 79%"
            "criteria_excellent": (
                "rgmu-3.2",
                (
                    "Слушатель показал полное освоение планируемых результатов, "
                    "всестороннее и глубокое изучение литературы, публикаций, собственный "
                    "вариант решения практической задачи, творческие способности в "
                    "понимании и применении на практике содержания обучения."
                ),
            ),
            "criteria_good": (
                "rgmu-3.2",
                (
                    "Слушатель показал недостаточно полное освоение планируемых "
                    "результатов, изучил литературу, рекомендованную программой, способен "
                    "к самостоятельному пополнению и обновлению знаний."
                ),
            ),
            "criteria_satisfactory": (
                "rgmu-3.2",
                (
                    "Слушатель показал частичное освоение планируемых результатов, "
                    "сформированность не в полной мере новых компетенций и "
                    "профессиональных умений, знаком с литературой и публикациями по "
                    "программе."
                ),
            ),
            "criteria_unsatisfactory": (
                "rgmu-3.2",
                (
                    "Слушатель не показал освоение планируемых результатов (знаний, "
                    "умений, компетенций), допустил серьёзные ошибки в выполнении "
                    "заданий."
                ),
            ),
            "criteria_passed": (
                "rgmu-§3.4",
                (
                    "Обучающийся показал освоение планируемых компетенций, "
                    "предусмотренных ДПП, и не допустил ошибок в выполнении "
                    "предусмотренных программой заданий."
                ),
            ),
            # the seed says "не засчитано"
            "criteria_failed": (
                "rgmu-§3.5",
                (
                    "Слушатель не показал освоение планируемых результатов (знаний, "
                    "умений, владений), допустил ошибки в выполнении предусмотренных "
                    "программой заданий."
                ),
            ),
        },
        "notices": {
            "first_day": {
                "notified_by": ("rgmu-2.2", Notifier.DEPARTMENT),  # сотрудники кафедры
                "anchor": ("rgmu-2.2", Anchor.COHORT_START),  # "в первый день обучения"
                "working_days": ("rgmu-2.2", 0),
                "direction": ("rgmu-2.2", Direction.AFTER),  # on the day itself
            },
            "videoconference": {
                "notified_by": ("rgmu-6.3", Notifier.DEPARTMENT),  # кафедрой
                "anchor": ("rgmu-6.3", Anchor.COHORT_START),  # "в день начала цикла"
                "working_days": ("rgmu-6.3", 0),
                "direction": ("rgmu-6.3", Direction.AFTER),  # on the day itself
            },
        },
        "commission": {
            "standing": ("rgmu-§4.1", True),  # постоянно действующие
            "per_specialty": ("rgmu-§4.1", True),  # по специальностям
            "approved_by": ("rgmu-§4.3", ApprovingAuthority.RECTOR_ORDER),
            "min_persons": ("rgmu-4.7", 3),  # "не менее 3-х человек"
            "secretary_is_member": ("rgmu-4.9", False),
            "deputy_chair_required": ("rgmu-4.4", False),  # no deputy chair in the composition
            "chair_appointee": ("rgmu-4.6", Post.HEAD_OF_PROGRAMME_UNIT),
            "deputy_chair_appointee": ("rgmu-4.4", None),
            "secretary_from": ("rgmu-4.9", Post.PROGRAMME_UNIT_STAFF),  # §4.8
            "members_from": ("rgmu-4.7", Post.TEACHING_STAFF),
            "chair_replaced_by": ("rgmu-4.4", ChairReplacement.DESIGNATED_MEMBER),
            # rgmu-4.10 requires the chair; rgmu-4.4 makes a designated member replace an absent
            # chair, so the replacement presiding satisfies 4.10 (see README, "Presence").
            "presence_required": ("rgmu-4.10", PresenceRule.CHAIR_OR_REPLACEMENT),  # with rgmu-4.4
            "majority_basis": ("rgmu-4.10", MajorityBasis.PRESENT_MEMBERS),  # простым большинством
            "casting_vote": ("rgmu-4.10", CastingVote.PRESIDING),  # with rgmu-4.4
            "decision_announced_on_attestation_day": ("rgmu-§4.11", True),
        },
        "retake": {
            "max_retakes": ("rgmu-2.9", 1),  # "однократно"
            "application_working_days": ("rgmu-2.9", 5),
            "latest_months": ("rgmu-2.9", 3),  # "не более 3-х месяцев с даты итоговой аттестации"
            # "в срок, определяемый Университетом"
            "scheduled_by": ("rgmu-2.9", Scheduler.ORGANISATION),
        },
        "valid_reason": {
            "application_working_days": ("rgmu-2.10", 5),
            "attestation_within_months": ("rgmu-2.10", 12),  # "в течение 12 месяцев"
            "document_deadline_working_days": ("rgmu-2.10", 3),  # "не позднее трёх рабочих дней"
            "late_documents_to": ("rgmu-2.10", LateDocumentsHandler.DISPUTE_COMMISSION),
            "individual_schedule_by": ("rgmu-2.10", ApprovingAuthority.VICE_RECTOR_ORDER),
        },
        "documents": {
            "qualification_documents": (
                "rgmu-2.8",
                (
                    QualificationDocument.QUALIFICATION_CERTIFICATE,
                    QualificationDocument.RETRAINING_DIPLOMA,
                ),
            ),
            # their forms: rgmu-app1, rgmu-app2; the exam statement the secretary draws up
            # for a qualification-upgrade cohort: rgmu-4.8, rgmu-app4 item 2 (ADR 0111)
            "result_documents": (
                "rgmu-2.12",
                (
                    ResultDocument.RETRAINING_PROTOCOL,
                    ResultDocument.COMMISSION_REPORT,
                    ResultDocument.ATTESTATION_STATEMENT,
                ),
            ),
            "signatories": (
                "rgmu-2.13",
                (Signatory.CHAIR_OR_REPLACEMENT, Signatory.MEMBERS, Signatory.SECRETARY),
            ),
            "archived": ("rgmu-2.13", True),
            "failed_document": ("rgmu-2.11", FailedDocument.TRAINING_RECORD),
            "training_record_on_failed_retake": ("rgmu-2.11", True),  # "в том числе повторно"
            "handover_modes": (
                "rgmu-2.14",
                (HandoverMode.IN_PERSON, HandoverMode.PROXY, HandoverMode.REGISTERED_MAIL),
            ),
        },
        "appeal": {
            "addressed_to": ("rgmu-5.10", AppealAddressee.RECTOR),  # "на имя Ректора"
            "filed_by": ("rgmu-5.10", (AppealFiler.LEARNER, AppealFiler.PROXY)),
            "filing_working_days": ("rgmu-5.10", 1),  # "не позднее следующего рабочего дня"
            "hearing_within_days": ("rgmu-5.11", 10),  # "в течение 10 (десяти) дней"
            "hearing_day_count": ("rgmu-5.11", DayCount.CALENDAR),  # "дней", not "рабочих дней"
            "commission_kind": ("rgmu-5.3", AppealCommissionKind.PER_APPEAL),
            "commission_term_months": ("rgmu-5.3", None),  # formed per appeal
            # "не позднее трех рабочих дней"
            "commission_formed_within_working_days": ("rgmu-5.3", 3),
            "approved_by": ("rgmu-5.3", ApprovingAuthority.RECTOR_ORDER),
            "deputy_chair_required": ("rgmu-§5.4", True),
            "deputy_acts_for_chair": ("rgmu-§5.7", True),
            "members_exclude_attestation_commission": ("rgmu-5.5", True),
            # "из числа научно-педагогических работников Университета" (a teacher of the
            # programme's unit is one of them); the deputy chair is appointed as the members
            "chair_from": ("rgmu-5.5", (Post.ACADEMIC_STAFF, Post.TEACHING_STAFF)),
            "deputy_chair_from": ("rgmu-5.5", (Post.ACADEMIC_STAFF, Post.TEACHING_STAFF)),
            "members_from": ("rgmu-5.5", (Post.ACADEMIC_STAFF, Post.TEACHING_STAFF)),
            "secretary_from": (SILENT, ()),  # rgmu-5.9 gives the duties, not the post
            "quorum_kind": ("rgmu-5.14", QuorumKind.SHARE_OF_MEMBERS),
            "quorum_min_members": ("rgmu-5.14", None),
            "quorum_share_percent": ("rgmu-5.14", 50),  # "не менее 50% членов"
            "quorum_requires_chair": ("rgmu-5.14", False),  # the chair is not required
            "majority_basis": ("rgmu-5.15", MajorityBasis.LISTED_MEMBERS),
            # the deputy acts for the chair: rgmu-§5.7
            "casting_vote": ("rgmu-5.15", CastingVote.PRESIDING),
            "notice_channel": ("rgmu-5.18", NoticeChannel.POST),
            "notice_days_after_hearing": ("rgmu-5.18", 1),
            "notice_moves_to_working_day": ("rgmu-5.18", True),
            "outcomes": (
                "rgmu-app4",
                (
                    AppealOutcome.REJECT,
                    AppealOutcome.SATISFY_WITH_RESULT,
                    AppealOutcome.SATISFY_WITH_RETAKE,
                ),
            ),
            # "отлично, хорошо, удовлетворительно, зачтено"
            "result_grades": (
                "rgmu-app4",
                (Grade.EXCELLENT, Grade.GOOD, Grade.SATISFACTORY, Grade.PASSED),
            ),
            "documents_considered": (
                "rgmu-app4",
                (
                    AppealDocument.APPLICATION,
                    AppealDocument.ATTESTATION_STATEMENT,
                    AppealDocument.RETRAINING_PROTOCOL,
                    AppealDocument.WRITTEN_ANSWERS,
                    AppealDocument.TESTING_PROTOCOL,
                ),
            ),
            "protocol_signed_immediately": ("rgmu-§5.16", True),
            "decision_final": ("rgmu-§5.19", True),
        },
        "accessibility": {
            "special_conditions_regulated": ("rgmu-7.2", True),  # §7.1
            "written_exam_extra_minutes": ("rgmu-7.4", 90),
            "oral_preparation_extra_minutes": ("rgmu-7.4", 20),
            "application_months_before": ("rgmu-7.6", 3),  # "не позднее, чем за 3 месяца"
            "application_addressed_to": ("rgmu-7.6", SpecialConditionsAddressee.DEAN),
            "assistant_allowed": ("rgmu-7.2", True),
            "same_room_by_default": ("rgmu-7.2", True),
            "regulations_in_accessible_form": ("rgmu-7.2", True),  # §7.3
        },
    },
)
