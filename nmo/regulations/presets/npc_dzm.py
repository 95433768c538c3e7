"""The НПЦ ДЗМ regulation (shared/seeds/regulation-npc-dzm.txt) as a preset.

Each rule is written once, as (clause, value): the clause of shared/spec/clauses.tsv it
reproduces, or "npc-§N.N" for a paragraph without an id of its own there, or `SILENT` for
a rule the seed does not state (it has no section on disabled learners).
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
    StageKind,
)

PRESET = build_preset(
    code=PresetCode.NPC_DZM,
    title=(
        "Положение об организации и проведении итоговой аттестации обучающихся по "
        "программам ДПО в ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ» "
        "(приказ от 02.09.2025 № 250/5)"
    ),
    source="regulation-npc-dzm.txt",
    cited={
        "programmes": {
            # the only document is the удостоверение; scope: npc-§1.1
            "kinds_allowed": ("npc-2.8", (ProgrammeKind.QUALIFICATION_UPGRADE,)),
            # assessment of every learner; 273-ФЗ ст. 76
            "attestation_mandatory": ("npc-§1.3", True),
            "form_set_by_programme": ("npc-2.6", True),
        },
        "admission": {
            "requirements": (
                "npc-2.3",
                (
                    AdmissionRequirement.PROGRAMME_COMPLETED,
                    AdmissionRequirement.INTERMEDIATE_ASSESSMENTS_PASSED,
                ),
            ),
        },
        "conduct": {
            # зачёт (недифференцированный)
            "forms_allowed": ("npc-2.5", (AttestationForm.CREDIT_TEST,)),
            "stage_kinds_allowed": (
                "npc-2.5",
                (
                    StageKind.TESTING,
                    StageKind.CASE_TASKS,
                    StageKind.PRACTICAL_SKILLS,
                    StageKind.INTERVIEW,
                    StageKind.DEFENCE,
                ),
            ),
            "defence_works_allowed": ("npc-2.5", (DefenceWork.ESSAY, DefenceWork.ATTESTATION_WORK)),
            "min_stages": ("npc-2.5", 1),  # "одного или нескольких этапов"
            "places_allowed": ("npc-2.6", (AttestationPlace.ORGANISATION, AttestationPlace.UNIT)),
            "remote_modes_allowed": ("npc-2.4", (RemoteMode.PARTIAL, RemoteMode.FULL)),
            "remote_tools": ("npc-6.1", (RemoteTool.VIDEOCONFERENCE,)),
        },
        "grading": {
            "scales_allowed": ("npc-3.1", (GradeScale.TWO_POINT,)),
            "final_grade_method": ("npc-3.2", FinalGradeMethod.ARITHMETIC_MEAN),
            "test_pass_threshold_percent": ("npc-3.5", 70),  # "не менее 70% правильных ответов"
            "test_threshold_set_by_programme": ("npc-3.5", True),
            "test_excellent_from_percent": ("npc-3.1", None),  # no four-point scale
            "test_good_from_percent": ("npc-3.1", None),
            "test_satisfactory_from_percent": ("npc-3.1", None),
            "criteria_excellent": ("npc-3.1", ""),
            "criteria_good": ("npc-3.1", ""),
            "criteria_satisfactory": ("npc-3.1", ""),
            "criteria_unsatisfactory": ("npc-3.1", ""),
            "criteria_passed": (
                "npc-3.3",
                (
                    "Обучающийся показал освоение планируемых компетенций, "
                    "предусмотренных ДПП, и не допустил ошибок в выполнении "
                    "предусмотренных программой заданий."
                ),
            ),
            # §3.4
            "criteria_failed": (
                "npc-3.3",
                (
                    "Обучающийся не показал освоение планируемых результатов (знаний, "
                    "умений, владений), предусмотренных ДПП, допустил ошибки в выполнении "
                    "предусмотренных программой заданий."
                ),
            ),
        },
        "notices": {
            "first_day": {
                "notified_by": ("npc-2.2", Notifier.STUDY_DEPARTMENT),  # сотрудники УО
                "anchor": ("npc-2.2", Anchor.COHORT_START),  # "в первый день обучения"
                "working_days": ("npc-2.2", 0),
                "direction": ("npc-2.2", Direction.AFTER),  # on the day itself
            },
            "videoconference": {
                "notified_by": ("npc-6.2", None),  # the seed names nobody
                "anchor": ("npc-6.2", Anchor.COHORT_END),  # "до окончания обучения"
                "working_days": ("npc-6.2", 10),  # "не позднее чем за 10 рабочих дней"
                "direction": ("npc-6.2", Direction.BEFORE),
            },
        },
        "commission": {
            "standing": ("npc-4.1", True),  # постоянно действующие
            "per_specialty": ("npc-4.1", True),  # по специальностям номенклатуры (700н)
            "approved_by": ("npc-4.3", ApprovingAuthority.DIRECTOR_ORDER),
            "min_persons": ("npc-4.8", 3),  # "не менее 3-х человек"
            "secretary_is_member": ("npc-4.9", False),  # "не является ее членом"
            "deputy_chair_required": ("npc-4.4", True),
            "chair_appointee": ("npc-4.6", Post.HEAD_OF_STUDY_DEPARTMENT),  # начальник УО
            "deputy_chair_appointee": ("npc-4.6", Post.HEAD_OF_PROGRAMME_UNIT),  # §4.7
            "secretary_from": ("npc-4.9", Post.STUDY_DEPARTMENT_STAFF),  # из числа сотрудников УО
            "members_from": ("npc-4.8", Post.TEACHING_STAFF),
            # also who signs: npc-2.13
            "chair_replaced_by": ("npc-4.10", ChairReplacement.DEPUTY_CHAIR),
            # председатель/заместитель
            "presence_required": ("npc-4.10", PresenceRule.CHAIR_OR_REPLACEMENT),
            "majority_basis": ("npc-4.10", MajorityBasis.PRESENT_MEMBERS),
            # председатель, при отсутствии — заместитель
            "casting_vote": ("npc-4.10", CastingVote.PRESIDING),
            "decision_announced_on_attestation_day": ("npc-4.11", True),
        },
        "retake": {
            "max_retakes": ("npc-2.9", 1),  # "однократно"
            "application_working_days": ("npc-2.9", 10),
            "latest_months": ("npc-2.9", 3),  # "не более 3-х месяцев с даты итоговой аттестации"
            "scheduled_by": ("npc-2.9", Scheduler.STUDY_DEPARTMENT),  # "в срок, определяемый УО"
        },
        "valid_reason": {
            "application_working_days": ("npc-2.10", 10),
            "attestation_within_months": ("npc-2.10", None),  # the seed sets no limit
            "document_deadline_working_days": ("npc-2.10", None),  # the seed sets no deadline
            "late_documents_to": ("npc-2.10", None),
            "individual_schedule_by": ("npc-2.10", None),
        },
        "documents": {
            "qualification_documents": (
                "npc-2.8",
                (QualificationDocument.QUALIFICATION_CERTIFICATE,),
            ),
            # the statement's form: npc-app1; the protocols of the commission's meetings,
            # kept and signed with the statements: npc-2.13, npc-4.9 (ADR 0111)
            "result_documents": (
                "npc-2.12",
                (ResultDocument.ATTESTATION_STATEMENT, ResultDocument.MEETING_PROTOCOL),
            ),
            "signatories": (
                "npc-2.13",
                (Signatory.CHAIR_OR_REPLACEMENT, Signatory.MEMBERS, Signatory.SECRETARY),
            ),
            "archived": ("npc-2.13", True),
            "failed_document": ("npc-2.11", FailedDocument.TRAINING_RECORD),
            "training_record_on_failed_retake": ("npc-2.11", True),  # any unsatisfactory result
            "handover_modes": (
                "npc-2.14",
                (HandoverMode.IN_PERSON, HandoverMode.PROXY, HandoverMode.REGISTERED_MAIL),
            ),
        },
        "appeal": {
            # its form: npc-app2
            "addressed_to": ("npc-5.10", AppealAddressee.APPEAL_COMMISSION_CHAIR),
            "filed_by": ("npc-5.10", (AppealFiler.LEARNER, AppealFiler.PROXY)),
            "filing_working_days": ("npc-5.10", 1),  # "не позднее следующего рабочего дня"
            "hearing_within_days": ("npc-5.11", 5),  # "в течение 5 (пяти) дней"
            "hearing_day_count": ("npc-5.11", DayCount.CALENDAR),  # "дней", not "рабочих дней"
            "commission_kind": ("npc-5.3", AppealCommissionKind.STANDING),
            "commission_term_months": ("npc-5.3", 12),  # "сроком на 1 год"
            "commission_formed_within_working_days": ("npc-5.3", None),  # a standing commission
            "approved_by": ("npc-5.3", ApprovingAuthority.DIRECTOR_ORDER),
            "deputy_chair_required": ("npc-5.4", True),
            "deputy_acts_for_chair": ("npc-5.7", True),
            "members_exclude_attestation_commission": ("npc-5.5", True),
            # "из числа сотрудников структурных подразделений": any post of its staff; the
            # deputy chair is one of the members (npc-5.4) and is appointed as they are
            "chair_from": ("npc-5.5", tuple(Post)),
            "deputy_chair_from": ("npc-5.5", tuple(Post)),
            "members_from": ("npc-5.5", tuple(Post)),
            "secretary_from": (SILENT, ()),  # npc-5.9 gives the duties, not the post
            "quorum_kind": ("npc-5.14", QuorumKind.MIN_MEMBERS),
            "quorum_min_members": ("npc-5.14", 3),  # "не менее 3-х членов"
            "quorum_share_percent": ("npc-5.14", None),
            "quorum_requires_chair": ("npc-5.14", True),  # "включая председателя"
            "majority_basis": ("npc-5.15", MajorityBasis.LISTED_MEMBERS),
            # the deputy acts for the chair: npc-5.7
            "casting_vote": ("npc-5.15", CastingVote.PRESIDING),
            "notice_channel": ("npc-5.18", NoticeChannel.POST),
            "notice_days_after_hearing": ("npc-5.18", 1),
            "notice_moves_to_working_day": ("npc-5.18", True),
            # §5.16–5.17 with the protocol form
            "outcomes": (
                "npc-5.16",
                (
                    AppealOutcome.REJECT,
                    AppealOutcome.SATISFY_WITH_RESULT,
                    AppealOutcome.SATISFY_WITH_RETAKE,
                ),
            ),
            # "удовлетворить апелляцию с результатом (зачтено)"
            "result_grades": ("npc-app3", (Grade.PASSED,)),
            # as listed in the protocol form; the principle: npc-5.13
            "documents_considered": (
                "npc-app3",
                (
                    AppealDocument.APPLICATION,
                    AppealDocument.ATTESTATION_STATEMENT,
                    AppealDocument.WRITTEN_ANSWERS,
                ),
            ),
            "protocol_signed_immediately": ("npc-5.16", True),
            "decision_final": ("npc-5.19", True),
        },
        "accessibility": {
            # the НПЦ seed has no section on disabled learners
            "special_conditions_regulated": (SILENT, False),
            "written_exam_extra_minutes": (SILENT, None),
            "oral_preparation_extra_minutes": (SILENT, None),
            "application_months_before": (SILENT, None),
            "application_addressed_to": (SILENT, None),
            "assistant_allowed": (SILENT, False),
            "same_room_by_default": (SILENT, False),
            "regulations_in_accessible_form": (SILENT, False),
        },
    },
)
