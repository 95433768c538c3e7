"""The two seed regulations as presets, clause by clause.

`NPC_DZM` reproduces shared/seeds/regulation-npc-dzm.txt and `ROSTGMU`
shared/seeds/regulation-rostgmu.txt. Each field names the clause of shared/spec/clauses.tsv
it reproduces; a paragraph that has no id of its own there is cited as "<seed>-§N.N", and a
rule the seed is silent on says so. `CLAUSES` holds the same references by dotted path, so
the pages can show the clause next to each rule (a test keeps the two in step).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from nmo.regulations.types import (
    AccessibilityRules,
    AdmissionRequirement,
    AdmissionRules,
    Anchor,
    AppealAddressee,
    AppealCommissionKind,
    AppealDocument,
    AppealFiler,
    AppealOutcome,
    AppealRules,
    ApprovingAuthority,
    AttestationForm,
    AttestationPlace,
    CastingVote,
    ChairReplacement,
    CommissionRules,
    ConductRules,
    DayCount,
    DefenceWork,
    Direction,
    DocumentRules,
    FailedDocument,
    FinalGradeMethod,
    Grade,
    GradeScale,
    GradingRules,
    HandoverMode,
    LateDocumentsHandler,
    MajorityBasis,
    NoticeChannel,
    NoticeRules,
    NoticeTiming,
    Notifier,
    Post,
    PresenceRule,
    PresetCode,
    ProgrammeKind,
    ProgrammeRules,
    QualificationDocument,
    QuorumKind,
    RegulationRules,
    RemoteMode,
    RemoteTool,
    ResultDocument,
    RetakeRules,
    Scheduler,
    Signatory,
    SpecialConditionsAddressee,
    StageKind,
    ValidReasonRules,
)

SILENT = "положение не регулирует"
"""The reference shown for a rule the seed regulation does not state."""

ALL_STAGES = (
    StageKind.TESTING,
    StageKind.CASE_TASKS,
    StageKind.PRACTICAL_SKILLS,
    StageKind.INTERVIEW,
    StageKind.DEFENCE,
)
HANDOVER = (HandoverMode.IN_PERSON, HandoverMode.PROXY, HandoverMode.REGISTERED_MAIL)
SIGNATORIES = (Signatory.CHAIR_OR_REPLACEMENT, Signatory.MEMBERS, Signatory.SECRETARY)
APPEAL_OUTCOMES = (
    AppealOutcome.REJECT,
    AppealOutcome.SATISFY_WITH_RESULT,
    AppealOutcome.SATISFY_WITH_RETAKE,
)

NPC_DZM = RegulationRules(
    programmes=ProgrammeRules(
        kinds_allowed=(ProgrammeKind.QUALIFICATION_UPGRADE,),  # npc-§1.1, npc-2.8
        attestation_mandatory=True,  # npc-§1.3 (assessment of every learner), 273-ФЗ ст. 76
        form_set_by_programme=True,  # npc-2.6
    ),
    admission=AdmissionRules(
        requirements=(  # npc-2.3
            AdmissionRequirement.PROGRAMME_COMPLETED,
            AdmissionRequirement.INTERMEDIATE_ASSESSMENTS_PASSED,
        ),
    ),
    conduct=ConductRules(
        forms_allowed=(AttestationForm.CREDIT_TEST,),  # npc-2.5: зачёт (недифференцированный)
        stage_kinds_allowed=ALL_STAGES,  # npc-2.5
        defence_works_allowed=(DefenceWork.ESSAY, DefenceWork.ATTESTATION_WORK),  # npc-2.5
        min_stages=1,  # npc-2.5: "одного или нескольких этапов"
        places_allowed=(AttestationPlace.ORGANISATION, AttestationPlace.UNIT),  # npc-2.6
        remote_modes_allowed=(RemoteMode.PARTIAL, RemoteMode.FULL),  # npc-2.4
        remote_tools=(RemoteTool.VIDEOCONFERENCE,),  # npc-6.1
    ),
    grading=GradingRules(
        scales_allowed=(GradeScale.TWO_POINT,),  # npc-3.1
        final_grade_method=FinalGradeMethod.ARITHMETIC_MEAN,  # npc-3.2
        test_pass_threshold_percent=70,  # npc-3.5: "не менее 70% правильных ответов"
        test_threshold_set_by_programme=True,  # npc-3.5
        test_excellent_from_percent=None,  # npc-3.1: no four-point scale
        test_good_from_percent=None,  # npc-3.1
        test_satisfactory_from_percent=None,  # npc-3.1
        criteria_excellent="",  # npc-3.1
        criteria_good="",  # npc-3.1
        criteria_satisfactory="",  # npc-3.1
        criteria_unsatisfactory="",  # npc-3.1
        criteria_passed=(  # npc-3.3
            "Обучающийся показал освоение планируемых компетенций, предусмотренных ДПП, "
            "и не допустил ошибок в выполнении предусмотренных программой заданий."
        ),
        criteria_failed=(  # npc-3.3 (§3.4)
            "Обучающийся не показал освоение планируемых результатов (знаний, умений, "
            "владений), предусмотренных ДПП, допустил ошибки в выполнении предусмотренных "
            "программой заданий."
        ),
    ),
    notices=NoticeRules(
        first_day=NoticeTiming(
            notified_by=Notifier.STUDY_DEPARTMENT,  # npc-2.2: сотрудники УО
            anchor=Anchor.COHORT_START,  # npc-2.2: "в первый день обучения"
            working_days=0,  # npc-2.2
            direction=Direction.AFTER,  # npc-2.2 (on the day itself)
        ),
        videoconference=NoticeTiming(
            notified_by=None,  # npc-6.2 names nobody
            anchor=Anchor.COHORT_END,  # npc-6.2: "до окончания обучения"
            working_days=10,  # npc-6.2: "не позднее чем за 10 рабочих дней"
            direction=Direction.BEFORE,  # npc-6.2
        ),
    ),
    commission=CommissionRules(
        standing=True,  # npc-4.1: постоянно действующие
        per_specialty=True,  # npc-4.1: по специальностям номенклатуры (700н)
        approved_by=ApprovingAuthority.DIRECTOR_ORDER,  # npc-4.3
        min_persons=3,  # npc-4.8: "не менее 3-х человек"
        secretary_is_member=False,  # npc-4.9: "не является ее членом"
        deputy_chair_required=True,  # npc-4.4
        chair_appointee=Post.HEAD_OF_STUDY_DEPARTMENT,  # npc-4.6: начальник УО
        deputy_chair_appointee=Post.HEAD_OF_PROGRAMME_UNIT,  # npc-4.6 (§4.7)
        secretary_from=Post.STUDY_DEPARTMENT_STAFF,  # npc-4.9: из числа сотрудников УО
        members_from=Post.TEACHING_STAFF,  # npc-4.8
        chair_replaced_by=ChairReplacement.DEPUTY_CHAIR,  # npc-4.10, npc-2.13
        presence_required=PresenceRule.CHAIR_OR_REPLACEMENT,  # npc-4.10: председатель/заместитель
        majority_basis=MajorityBasis.PRESENT_MEMBERS,  # npc-4.10
        casting_vote=CastingVote.PRESIDING,  # npc-4.10: председатель, при отсутствии — заместитель
        decision_announced_on_attestation_day=True,  # npc-4.11
    ),
    retake=RetakeRules(
        max_retakes=1,  # npc-2.9: "однократно"
        application_working_days=10,  # npc-2.9
        latest_months=3,  # npc-2.9: "не более 3-х месяцев с даты итоговой аттестации"
        scheduled_by=Scheduler.STUDY_DEPARTMENT,  # npc-2.9: "в срок, определяемый УО"
    ),
    valid_reason=ValidReasonRules(
        application_working_days=10,  # npc-2.10
        attestation_within_months=None,  # npc-2.10 sets no limit
        document_deadline_working_days=None,  # npc-2.10 sets no deadline
        late_documents_to=None,  # npc-2.10
        individual_schedule_by=None,  # npc-2.10
    ),
    documents=DocumentRules(
        qualification_documents=(QualificationDocument.QUALIFICATION_CERTIFICATE,),  # npc-2.8
        result_documents=(ResultDocument.ATTESTATION_STATEMENT,),  # npc-2.12, npc-app1
        signatories=SIGNATORIES,  # npc-2.13
        archived=True,  # npc-2.13
        failed_document=FailedDocument.TRAINING_RECORD,  # npc-2.11
        training_record_on_failed_retake=True,  # npc-2.11: any unsatisfactory result
        handover_modes=HANDOVER,  # npc-2.14
    ),
    appeal=AppealRules(
        addressed_to=AppealAddressee.APPEAL_COMMISSION_CHAIR,  # npc-5.10, npc-app2
        filed_by=(AppealFiler.LEARNER, AppealFiler.PROXY),  # npc-5.10
        filing_working_days=1,  # npc-5.10: "не позднее следующего рабочего дня"
        hearing_within_days=5,  # npc-5.11: "в течение 5 (пяти) дней"
        hearing_day_count=DayCount.CALENDAR,  # npc-5.11 says "дней", not "рабочих дней"
        commission_kind=AppealCommissionKind.STANDING,  # npc-5.3
        commission_term_months=12,  # npc-5.3: "сроком на 1 год"
        commission_formed_within_working_days=None,  # npc-5.3 (standing)
        approved_by=ApprovingAuthority.DIRECTOR_ORDER,  # npc-5.3
        deputy_chair_required=True,  # npc-5.4
        deputy_acts_for_chair=True,  # npc-5.7
        members_exclude_attestation_commission=True,  # npc-5.5
        quorum_kind=QuorumKind.MIN_MEMBERS,  # npc-5.14
        quorum_min_members=3,  # npc-5.14: "не менее 3-х членов"
        quorum_share_percent=None,  # npc-5.14
        quorum_requires_chair=True,  # npc-5.14: "включая председателя"
        majority_basis=MajorityBasis.LISTED_MEMBERS,  # npc-5.15
        casting_vote=CastingVote.PRESIDING,  # npc-5.15, npc-5.7
        notice_channel=NoticeChannel.POST,  # npc-5.18
        notice_days_after_hearing=1,  # npc-5.18
        notice_moves_to_working_day=True,  # npc-5.18
        outcomes=APPEAL_OUTCOMES,  # npc-5.16, npc-app3
        result_grades=(
            Grade.PASSED,
        ),  # npc-app3: "удовлетворить апелляцию с результатом (зачтено)"
        documents_considered=(  # npc-5.13, npc-app3
            AppealDocument.APPLICATION,
            AppealDocument.ATTESTATION_STATEMENT,
            AppealDocument.WRITTEN_ANSWERS,
        ),
        protocol_signed_immediately=True,  # npc-5.16
        decision_final=True,  # npc-5.19
    ),
    accessibility=AccessibilityRules(
        special_conditions_regulated=False,  # the НПЦ seed has no section on disabled learners
        written_exam_extra_minutes=None,  # silent
        oral_preparation_extra_minutes=None,  # silent
        application_months_before=None,  # silent
        application_addressed_to=None,  # silent
        assistant_allowed=False,  # silent
        same_room_by_default=False,  # silent
        regulations_in_accessible_form=False,  # silent
    ),
)

ROSTGMU = RegulationRules(
    programmes=ProgrammeRules(
        kinds_allowed=(  # rgmu-§1.1, rgmu-2.8
            ProgrammeKind.QUALIFICATION_UPGRADE,
            ProgrammeKind.PROFESSIONAL_RETRAINING,
        ),
        attestation_mandatory=True,  # rgmu-1.4
        form_set_by_programme=True,  # rgmu-§1.6, rgmu-§2.6
    ),
    admission=AdmissionRules(
        requirements=(  # rgmu-2.3
            AdmissionRequirement.PROGRAMME_COMPLETED,
            AdmissionRequirement.INTERMEDIATE_ASSESSMENTS_PASSED,
            AdmissionRequirement.NO_DEBTS,
            AdmissionRequirement.CURRICULUM_COMPLETED,
        ),
    ),
    conduct=ConductRules(
        forms_allowed=(AttestationForm.EXAM, AttestationForm.CREDIT_TEST),  # rgmu-2.5
        stage_kinds_allowed=ALL_STAGES,  # rgmu-2.5
        defence_works_allowed=(  # rgmu-2.5: реферат, проектная или аттестационная работа
            DefenceWork.ESSAY,
            DefenceWork.PROJECT,
            DefenceWork.ATTESTATION_WORK,
        ),
        min_stages=1,  # rgmu-2.5: "из одного или нескольких этапов"
        places_allowed=(  # rgmu-2.4
            AttestationPlace.ORGANISATION,
            AttestationPlace.UNIT,
            AttestationPlace.CUSTOMER_PREMISES,
        ),
        remote_modes_allowed=(RemoteMode.PARTIAL, RemoteMode.FULL),  # rgmu-2.4
        remote_tools=(RemoteTool.VIDEOCONFERENCE, RemoteTool.TESTING_SYSTEM),  # rgmu-6.1
    ),
    grading=GradingRules(
        scales_allowed=(GradeScale.FOUR_POINT, GradeScale.TWO_POINT),  # rgmu-3.1
        final_grade_method=FinalGradeMethod.ARITHMETIC_MEAN,  # rgmu-3.3
        test_pass_threshold_percent=70,  # rgmu-3.6: "не менее 70% правильных ответов"
        test_threshold_set_by_programme=True,  # rgmu-3.6
        test_excellent_from_percent=90,  # rgmu-3.6, App. 1 §4.1: "90% и выше"
        test_good_from_percent=80,  # rgmu-3.6, App. 1 §4.1: "от 80% до 89%"
        test_satisfactory_from_percent=70,  # rgmu-3.6, App. 1 §4.1: "от 70 до 79%"
        criteria_excellent=(  # rgmu-3.2
            "Слушатель показал полное освоение планируемых результатов, всестороннее и "
            "глубокое изучение литературы, публикаций, собственный вариант решения "
            "практической задачи, творческие способности в понимании и применении на "
            "практике содержания обучения."
        ),
        criteria_good=(  # rgmu-3.2
            "Слушатель показал недостаточно полное освоение планируемых результатов, "
            "изучил литературу, рекомендованную программой, способен к самостоятельному "
            "пополнению и обновлению знаний."
        ),
        criteria_satisfactory=(  # rgmu-3.2
            "Слушатель показал частичное освоение планируемых результатов, сформированность "
            "не в полной мере новых компетенций и профессиональных умений, знаком с "
            "литературой и публикациями по программе."
        ),
        criteria_unsatisfactory=(  # rgmu-3.2
            "Слушатель не показал освоение планируемых результатов (знаний, умений, "
            "компетенций), допустил серьёзные ошибки в выполнении заданий."
        ),
        criteria_passed=(  # rgmu-§3.4
            "Обучающийся показал освоение планируемых компетенций, предусмотренных ДПП, "
            "и не допустил ошибок в выполнении предусмотренных программой заданий."
        ),
        criteria_failed=(  # rgmu-§3.5 (the seed says "не засчитано")
            "Слушатель не показал освоение планируемых результатов (знаний, умений, "
            "владений), допустил ошибки в выполнении предусмотренных программой заданий."
        ),
    ),
    notices=NoticeRules(
        first_day=NoticeTiming(
            notified_by=Notifier.DEPARTMENT,  # rgmu-2.2: сотрудники кафедры
            anchor=Anchor.COHORT_START,  # rgmu-2.2: "в первый день обучения"
            working_days=0,  # rgmu-2.2
            direction=Direction.AFTER,  # rgmu-2.2 (on the day itself)
        ),
        videoconference=NoticeTiming(
            notified_by=Notifier.DEPARTMENT,  # rgmu-6.3: кафедрой
            anchor=Anchor.COHORT_START,  # rgmu-6.3: "в день начала цикла"
            working_days=0,  # rgmu-6.3
            direction=Direction.AFTER,  # rgmu-6.3 (on the day itself)
        ),
    ),
    commission=CommissionRules(
        standing=True,  # rgmu-§4.1: постоянно действующие
        per_specialty=True,  # rgmu-§4.1: по специальностям
        approved_by=ApprovingAuthority.RECTOR_ORDER,  # rgmu-§4.3
        min_persons=3,  # rgmu-4.7: "не менее 3-х человек"
        secretary_is_member=False,  # rgmu-4.9
        deputy_chair_required=False,  # rgmu-4.4: no deputy chair in the composition
        chair_appointee=Post.HEAD_OF_PROGRAMME_UNIT,  # rgmu-4.6
        deputy_chair_appointee=None,  # rgmu-4.4
        secretary_from=Post.PROGRAMME_UNIT_STAFF,  # rgmu-4.9 (§4.8)
        members_from=Post.TEACHING_STAFF,  # rgmu-4.7
        chair_replaced_by=ChairReplacement.DESIGNATED_MEMBER,  # rgmu-4.4
        # rgmu-4.10 requires the chair; rgmu-4.4 makes a designated member replace an absent
        # chair, so the replacement presiding satisfies 4.10 (see README, "Presence").
        presence_required=PresenceRule.CHAIR_OR_REPLACEMENT,  # rgmu-4.10 with rgmu-4.4
        majority_basis=MajorityBasis.PRESENT_MEMBERS,  # rgmu-4.10: простым большинством
        casting_vote=CastingVote.PRESIDING,  # rgmu-4.10 with rgmu-4.4
        decision_announced_on_attestation_day=True,  # rgmu-§4.11
    ),
    retake=RetakeRules(
        max_retakes=1,  # rgmu-2.9: "однократно"
        application_working_days=5,  # rgmu-2.9
        latest_months=3,  # rgmu-2.9: "не более 3-х месяцев с даты итоговой аттестации"
        scheduled_by=Scheduler.ORGANISATION,  # rgmu-2.9: "в срок, определяемый Университетом"
    ),
    valid_reason=ValidReasonRules(
        application_working_days=5,  # rgmu-2.10
        attestation_within_months=12,  # rgmu-2.10: "в течение 12 месяцев"
        document_deadline_working_days=3,  # rgmu-2.10: "не позднее трёх рабочих дней"
        late_documents_to=LateDocumentsHandler.DISPUTE_COMMISSION,  # rgmu-2.10
        individual_schedule_by=ApprovingAuthority.VICE_RECTOR_ORDER,  # rgmu-2.10
    ),
    documents=DocumentRules(
        qualification_documents=(  # rgmu-2.8
            QualificationDocument.QUALIFICATION_CERTIFICATE,
            QualificationDocument.RETRAINING_DIPLOMA,
        ),
        result_documents=(  # rgmu-2.12, rgmu-app1, rgmu-app2
            ResultDocument.RETRAINING_PROTOCOL,
            ResultDocument.COMMISSION_REPORT,
        ),
        signatories=SIGNATORIES,  # rgmu-2.13
        archived=True,  # rgmu-2.13
        failed_document=FailedDocument.TRAINING_RECORD,  # rgmu-2.11
        training_record_on_failed_retake=True,  # rgmu-2.11: "в том числе повторно"
        handover_modes=HANDOVER,  # rgmu-2.14
    ),
    appeal=AppealRules(
        addressed_to=AppealAddressee.RECTOR,  # rgmu-5.10: "на имя Ректора"
        filed_by=(AppealFiler.LEARNER, AppealFiler.PROXY),  # rgmu-5.10
        filing_working_days=1,  # rgmu-5.10: "не позднее следующего рабочего дня"
        hearing_within_days=10,  # rgmu-5.11: "в течение 10 (десяти) дней"
        hearing_day_count=DayCount.CALENDAR,  # rgmu-5.11 says "дней", not "рабочих дней"
        commission_kind=AppealCommissionKind.PER_APPEAL,  # rgmu-5.3
        commission_term_months=None,  # rgmu-5.3 (per appeal)
        commission_formed_within_working_days=3,  # rgmu-5.3: "не позднее трех рабочих дней"
        approved_by=ApprovingAuthority.RECTOR_ORDER,  # rgmu-5.3
        deputy_chair_required=True,  # rgmu-§5.4
        deputy_acts_for_chair=True,  # rgmu-§5.7
        members_exclude_attestation_commission=True,  # rgmu-5.5
        quorum_kind=QuorumKind.SHARE_OF_MEMBERS,  # rgmu-5.14
        quorum_min_members=None,  # rgmu-5.14
        quorum_share_percent=50,  # rgmu-5.14: "не менее 50% членов"
        quorum_requires_chair=False,  # rgmu-5.14 does not require the chair
        majority_basis=MajorityBasis.LISTED_MEMBERS,  # rgmu-5.15
        casting_vote=CastingVote.PRESIDING,  # rgmu-5.15, rgmu-§5.7
        notice_channel=NoticeChannel.POST,  # rgmu-5.18
        notice_days_after_hearing=1,  # rgmu-5.18
        notice_moves_to_working_day=True,  # rgmu-5.18
        outcomes=APPEAL_OUTCOMES,  # rgmu-app4
        result_grades=(  # rgmu-app4: "отлично, хорошо, удовлетворительно, зачтено"
            Grade.EXCELLENT,
            Grade.GOOD,
            Grade.SATISFACTORY,
            Grade.PASSED,
        ),
        documents_considered=(  # rgmu-app4
            AppealDocument.APPLICATION,
            AppealDocument.ATTESTATION_STATEMENT,
            AppealDocument.RETRAINING_PROTOCOL,
            AppealDocument.WRITTEN_ANSWERS,
            AppealDocument.TESTING_PROTOCOL,
        ),
        protocol_signed_immediately=True,  # rgmu-§5.16
        decision_final=True,  # rgmu-§5.19
    ),
    accessibility=AccessibilityRules(
        special_conditions_regulated=True,  # rgmu-7.2 (§7.1)
        written_exam_extra_minutes=90,  # rgmu-7.4
        oral_preparation_extra_minutes=20,  # rgmu-7.4
        application_months_before=3,  # rgmu-7.6: "не позднее, чем за 3 месяца"
        application_addressed_to=SpecialConditionsAddressee.DEAN,  # rgmu-7.6
        assistant_allowed=True,  # rgmu-7.2
        same_room_by_default=True,  # rgmu-7.2
        regulations_in_accessible_form=True,  # rgmu-7.2 (§7.3)
    ),
)

_NPC_CLAUSES: dict[str, str] = {
    "programmes.kinds_allowed": "npc-2.8",
    "programmes.attestation_mandatory": "npc-§1.3",
    "programmes.form_set_by_programme": "npc-2.6",
    "admission.requirements": "npc-2.3",
    "conduct.forms_allowed": "npc-2.5",
    "conduct.stage_kinds_allowed": "npc-2.5",
    "conduct.defence_works_allowed": "npc-2.5",
    "conduct.min_stages": "npc-2.5",
    "conduct.places_allowed": "npc-2.6",
    "conduct.remote_modes_allowed": "npc-2.4",
    "conduct.remote_tools": "npc-6.1",
    "grading.scales_allowed": "npc-3.1",
    "grading.final_grade_method": "npc-3.2",
    "grading.test_pass_threshold_percent": "npc-3.5",
    "grading.test_threshold_set_by_programme": "npc-3.5",
    "grading.test_excellent_from_percent": "npc-3.1",
    "grading.test_good_from_percent": "npc-3.1",
    "grading.test_satisfactory_from_percent": "npc-3.1",
    "grading.criteria_excellent": "npc-3.1",
    "grading.criteria_good": "npc-3.1",
    "grading.criteria_satisfactory": "npc-3.1",
    "grading.criteria_unsatisfactory": "npc-3.1",
    "grading.criteria_passed": "npc-3.3",
    "grading.criteria_failed": "npc-3.3",
    "notices.first_day.notified_by": "npc-2.2",
    "notices.first_day.anchor": "npc-2.2",
    "notices.first_day.working_days": "npc-2.2",
    "notices.first_day.direction": "npc-2.2",
    "notices.videoconference.notified_by": "npc-6.2",
    "notices.videoconference.anchor": "npc-6.2",
    "notices.videoconference.working_days": "npc-6.2",
    "notices.videoconference.direction": "npc-6.2",
    "commission.standing": "npc-4.1",
    "commission.per_specialty": "npc-4.1",
    "commission.approved_by": "npc-4.3",
    "commission.min_persons": "npc-4.8",
    "commission.secretary_is_member": "npc-4.9",
    "commission.deputy_chair_required": "npc-4.4",
    "commission.chair_appointee": "npc-4.6",
    "commission.deputy_chair_appointee": "npc-4.6",
    "commission.secretary_from": "npc-4.9",
    "commission.members_from": "npc-4.8",
    "commission.chair_replaced_by": "npc-4.10",
    "commission.presence_required": "npc-4.10",
    "commission.majority_basis": "npc-4.10",
    "commission.casting_vote": "npc-4.10",
    "commission.decision_announced_on_attestation_day": "npc-4.11",
    "retake.max_retakes": "npc-2.9",
    "retake.application_working_days": "npc-2.9",
    "retake.latest_months": "npc-2.9",
    "retake.scheduled_by": "npc-2.9",
    "valid_reason.application_working_days": "npc-2.10",
    "valid_reason.attestation_within_months": "npc-2.10",
    "valid_reason.document_deadline_working_days": "npc-2.10",
    "valid_reason.late_documents_to": "npc-2.10",
    "valid_reason.individual_schedule_by": "npc-2.10",
    "documents.qualification_documents": "npc-2.8",
    "documents.result_documents": "npc-2.12",
    "documents.signatories": "npc-2.13",
    "documents.archived": "npc-2.13",
    "documents.failed_document": "npc-2.11",
    "documents.training_record_on_failed_retake": "npc-2.11",
    "documents.handover_modes": "npc-2.14",
    "appeal.addressed_to": "npc-5.10",
    "appeal.filed_by": "npc-5.10",
    "appeal.filing_working_days": "npc-5.10",
    "appeal.hearing_within_days": "npc-5.11",
    "appeal.hearing_day_count": "npc-5.11",
    "appeal.commission_kind": "npc-5.3",
    "appeal.commission_term_months": "npc-5.3",
    "appeal.commission_formed_within_working_days": "npc-5.3",
    "appeal.approved_by": "npc-5.3",
    "appeal.deputy_chair_required": "npc-5.4",
    "appeal.deputy_acts_for_chair": "npc-5.7",
    "appeal.members_exclude_attestation_commission": "npc-5.5",
    "appeal.quorum_kind": "npc-5.14",
    "appeal.quorum_min_members": "npc-5.14",
    "appeal.quorum_share_percent": "npc-5.14",
    "appeal.quorum_requires_chair": "npc-5.14",
    "appeal.majority_basis": "npc-5.15",
    "appeal.casting_vote": "npc-5.15",
    "appeal.notice_channel": "npc-5.18",
    "appeal.notice_days_after_hearing": "npc-5.18",
    "appeal.notice_moves_to_working_day": "npc-5.18",
    "appeal.outcomes": "npc-5.16",
    "appeal.result_grades": "npc-app3",
    "appeal.documents_considered": "npc-app3",
    "appeal.protocol_signed_immediately": "npc-5.16",
    "appeal.decision_final": "npc-5.19",
    "accessibility.special_conditions_regulated": SILENT,
    "accessibility.written_exam_extra_minutes": SILENT,
    "accessibility.oral_preparation_extra_minutes": SILENT,
    "accessibility.application_months_before": SILENT,
    "accessibility.application_addressed_to": SILENT,
    "accessibility.assistant_allowed": SILENT,
    "accessibility.same_room_by_default": SILENT,
    "accessibility.regulations_in_accessible_form": SILENT,
}

_ROSTGMU_CLAUSES: dict[str, str] = {
    "programmes.kinds_allowed": "rgmu-2.8",
    "programmes.attestation_mandatory": "rgmu-1.4",
    "programmes.form_set_by_programme": "rgmu-§1.6",
    "admission.requirements": "rgmu-2.3",
    "conduct.forms_allowed": "rgmu-2.5",
    "conduct.stage_kinds_allowed": "rgmu-2.5",
    "conduct.defence_works_allowed": "rgmu-2.5",
    "conduct.min_stages": "rgmu-2.5",
    "conduct.places_allowed": "rgmu-2.4",
    "conduct.remote_modes_allowed": "rgmu-2.4",
    "conduct.remote_tools": "rgmu-6.1",
    "grading.scales_allowed": "rgmu-3.1",
    "grading.final_grade_method": "rgmu-3.3",
    "grading.test_pass_threshold_percent": "rgmu-3.6",
    "grading.test_threshold_set_by_programme": "rgmu-3.6",
    "grading.test_excellent_from_percent": "rgmu-3.6",
    "grading.test_good_from_percent": "rgmu-3.6",
    "grading.test_satisfactory_from_percent": "rgmu-3.6",
    "grading.criteria_excellent": "rgmu-3.2",
    "grading.criteria_good": "rgmu-3.2",
    "grading.criteria_satisfactory": "rgmu-3.2",
    "grading.criteria_unsatisfactory": "rgmu-3.2",
    "grading.criteria_passed": "rgmu-§3.4",
    "grading.criteria_failed": "rgmu-§3.5",
    "notices.first_day.notified_by": "rgmu-2.2",
    "notices.first_day.anchor": "rgmu-2.2",
    "notices.first_day.working_days": "rgmu-2.2",
    "notices.first_day.direction": "rgmu-2.2",
    "notices.videoconference.notified_by": "rgmu-6.3",
    "notices.videoconference.anchor": "rgmu-6.3",
    "notices.videoconference.working_days": "rgmu-6.3",
    "notices.videoconference.direction": "rgmu-6.3",
    "commission.standing": "rgmu-§4.1",
    "commission.per_specialty": "rgmu-§4.1",
    "commission.approved_by": "rgmu-§4.3",
    "commission.min_persons": "rgmu-4.7",
    "commission.secretary_is_member": "rgmu-4.9",
    "commission.deputy_chair_required": "rgmu-4.4",
    "commission.chair_appointee": "rgmu-4.6",
    "commission.deputy_chair_appointee": "rgmu-4.4",
    "commission.secretary_from": "rgmu-4.9",
    "commission.members_from": "rgmu-4.7",
    "commission.chair_replaced_by": "rgmu-4.4",
    "commission.presence_required": "rgmu-4.10",
    "commission.majority_basis": "rgmu-4.10",
    "commission.casting_vote": "rgmu-4.10",
    "commission.decision_announced_on_attestation_day": "rgmu-§4.11",
    "retake.max_retakes": "rgmu-2.9",
    "retake.application_working_days": "rgmu-2.9",
    "retake.latest_months": "rgmu-2.9",
    "retake.scheduled_by": "rgmu-2.9",
    "valid_reason.application_working_days": "rgmu-2.10",
    "valid_reason.attestation_within_months": "rgmu-2.10",
    "valid_reason.document_deadline_working_days": "rgmu-2.10",
    "valid_reason.late_documents_to": "rgmu-2.10",
    "valid_reason.individual_schedule_by": "rgmu-2.10",
    "documents.qualification_documents": "rgmu-2.8",
    "documents.result_documents": "rgmu-2.12",
    "documents.signatories": "rgmu-2.13",
    "documents.archived": "rgmu-2.13",
    "documents.failed_document": "rgmu-2.11",
    "documents.training_record_on_failed_retake": "rgmu-2.11",
    "documents.handover_modes": "rgmu-2.14",
    "appeal.addressed_to": "rgmu-5.10",
    "appeal.filed_by": "rgmu-5.10",
    "appeal.filing_working_days": "rgmu-5.10",
    "appeal.hearing_within_days": "rgmu-5.11",
    "appeal.hearing_day_count": "rgmu-5.11",
    "appeal.commission_kind": "rgmu-5.3",
    "appeal.commission_term_months": "rgmu-5.3",
    "appeal.commission_formed_within_working_days": "rgmu-5.3",
    "appeal.approved_by": "rgmu-5.3",
    "appeal.deputy_chair_required": "rgmu-§5.4",
    "appeal.deputy_acts_for_chair": "rgmu-§5.7",
    "appeal.members_exclude_attestation_commission": "rgmu-5.5",
    "appeal.quorum_kind": "rgmu-5.14",
    "appeal.quorum_min_members": "rgmu-5.14",
    "appeal.quorum_share_percent": "rgmu-5.14",
    "appeal.quorum_requires_chair": "rgmu-5.14",
    "appeal.majority_basis": "rgmu-5.15",
    "appeal.casting_vote": "rgmu-5.15",
    "appeal.notice_channel": "rgmu-5.18",
    "appeal.notice_days_after_hearing": "rgmu-5.18",
    "appeal.notice_moves_to_working_day": "rgmu-5.18",
    "appeal.outcomes": "rgmu-app4",
    "appeal.result_grades": "rgmu-app4",
    "appeal.documents_considered": "rgmu-app4",
    "appeal.protocol_signed_immediately": "rgmu-§5.16",
    "appeal.decision_final": "rgmu-§5.19",
    "accessibility.special_conditions_regulated": "rgmu-7.2",
    "accessibility.written_exam_extra_minutes": "rgmu-7.4",
    "accessibility.oral_preparation_extra_minutes": "rgmu-7.4",
    "accessibility.application_months_before": "rgmu-7.6",
    "accessibility.application_addressed_to": "rgmu-7.6",
    "accessibility.assistant_allowed": "rgmu-7.2",
    "accessibility.same_room_by_default": "rgmu-7.2",
    "accessibility.regulations_in_accessible_form": "rgmu-7.2",
}


@dataclass(frozen=True)
class Preset:
    """A seed regulation shipped as a preset."""

    code: PresetCode
    title: str
    source: str
    rules: RegulationRules
    clauses: Mapping[str, str]


PRESETS: Mapping[PresetCode, Preset] = {
    PresetCode.NPC_DZM: Preset(
        code=PresetCode.NPC_DZM,
        title=(
            "Положение об организации и проведении итоговой аттестации обучающихся по "
            "программам ДПО в ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ» "
            "(приказ от 02.09.2025 № 250/5)"
        ),
        source="regulation-npc-dzm.txt",
        rules=NPC_DZM,
        clauses=_NPC_CLAUSES,
    ),
    PresetCode.ROSTGMU: Preset(
        code=PresetCode.ROSTGMU,
        title=(
            "Положение об организации и проведении итоговой аттестации слушателей по "
            "программам ДПО в ФГБОУ ВО РостГМУ Минздрава России"
        ),
        source="regulation-rostgmu.txt",
        rules=ROSTGMU,
        clauses=_ROSTGMU_CLAUSES,
    ),
}
"""Preset code → (title, source file, rules, clause of each rule)."""


def get_preset(code: str) -> Preset | None:
    """Return the preset with this code, or None for an unknown code."""
    try:
        return PRESETS[PresetCode(code)]
    except ValueError:
        return None
