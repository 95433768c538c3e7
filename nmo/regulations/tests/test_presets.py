"""The two presets reproduce their seed regulations clause by clause (shared/spec/clauses.tsv).

One test per clause. These are pure: they read the preset values; the behaviour that
follows from them (deadlines, quorum, grades) is proven in test_rules.py.
"""

import csv
from pathlib import Path

import pytest

from nmo.regulations import codec
from nmo.regulations.presets import NPC_DZM, PRESETS, ROSTGMU, SILENT
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
    RegulationRules,
    RemoteMode,
    RemoteTool,
    ResultDocument,
    Scheduler,
    Signatory,
    SpecialConditionsAddressee,
    StageKind,
)

CLAUSES_TSV = Path(__file__).resolve().parents[4] / "shared" / "spec" / "clauses.tsv"
ALL_STAGES = {
    StageKind.TESTING,
    StageKind.CASE_TASKS,
    StageKind.PRACTICAL_SKILLS,
    StageKind.INTERVIEW,
    StageKind.DEFENCE,
}
HANDOVER = {HandoverMode.IN_PERSON, HandoverMode.PROXY, HandoverMode.REGISTERED_MAIL}
SIGNATORIES = {Signatory.CHAIR_OR_REPLACEMENT, Signatory.MEMBERS, Signatory.SECRETARY}


# --- the presets as a whole ---------------------------------------------------------------


@pytest.mark.parametrize("code", list(PresetCode))
def test_preset_survives_its_json_form(code):
    """A preset stored as JSON reads back identical (the form kept in RegulationVersion)."""
    rules = PRESETS[code].rules
    assert RegulationRules.from_dict(rules.to_dict()) == rules


@pytest.mark.parametrize("code", list(PresetCode))
def test_every_rule_of_a_preset_names_its_clause(code):
    """Each leaf rule of each preset has its clause reference for the pages."""
    paths = {info.path for info in codec.iter_fields(RegulationRules)}
    assert set(PRESETS[code].clauses) == paths


@pytest.mark.skipif(not CLAUSES_TSV.exists(), reason="shared/spec is not beside the project")
@pytest.mark.parametrize("code", list(PresetCode))
def test_clause_references_exist_in_the_clause_list(code):
    """Every reference is a clause id of clauses.tsv, a paragraph "<seed>-§N" or 'silent'."""
    with CLAUSES_TSV.open(encoding="utf-8") as fh:
        known = {row["id"] for row in csv.DictReader(fh, delimiter="\t")}
    for path, ref in PRESETS[code].clauses.items():
        assert ref in known or "-§" in ref or ref == SILENT, (path, ref)


def test_presets_name_their_seed_files():
    """The preset mapping gives code → title, source file and rules."""
    assert PRESETS[PresetCode.NPC_DZM].source == "regulation-npc-dzm.txt"
    assert PRESETS[PresetCode.ROSTGMU].source == "regulation-rostgmu.txt"
    assert PRESETS[PresetCode.NPC_DZM].rules is NPC_DZM
    assert PRESETS[PresetCode.ROSTGMU].rules is ROSTGMU


# --- НПЦ ДЗМ ------------------------------------------------------------------------------


@pytest.mark.clause("npc-2.2")
def test_npc_2_2_study_department_tells_on_the_first_day():
    """npc-2.2: the study department tells the form, conditions and date on the first day."""
    notice = NPC_DZM.notices.first_day
    assert notice.notified_by == Notifier.STUDY_DEPARTMENT
    assert (notice.anchor, notice.working_days) == (Anchor.COHORT_START, 0)


@pytest.mark.clause("npc-2.3")
def test_npc_2_3_admission_needs_programme_and_intermediate_assessments():
    """npc-2.3: completed programme and passed intermediate assessments, nothing more."""
    assert set(NPC_DZM.admission.requirements) == {
        AdmissionRequirement.PROGRAMME_COMPLETED,
        AdmissionRequirement.INTERMEDIATE_ASSESSMENTS_PASSED,
    }


@pytest.mark.clause("npc-2.4")
def test_npc_2_4_attestation_may_be_partly_or_fully_remote():
    """npc-2.4: partly or fully with ДОТ и ЭО."""
    assert set(NPC_DZM.conduct.remote_modes_allowed) == {RemoteMode.PARTIAL, RemoteMode.FULL}


@pytest.mark.clause("npc-2.5")
def test_npc_2_5_only_an_undifferentiated_credit_test_of_the_five_stage_kinds():
    """npc-2.5: qualification upgrade ends with an undifferentiated зачёт of one or more
    stages: testing, case tasks, practical skills, interview, defence of an essay or an
    attestation work."""
    conduct = NPC_DZM.conduct
    assert conduct.forms_allowed == (AttestationForm.CREDIT_TEST,)
    assert set(conduct.stage_kinds_allowed) == ALL_STAGES
    assert set(conduct.defence_works_allowed) == {DefenceWork.ESSAY, DefenceWork.ATTESTATION_WORK}
    assert conduct.min_stages == 1


@pytest.mark.clause("npc-2.6")
def test_npc_2_6_the_programme_sets_form_and_duration():
    """npc-2.6: the form and duration come from the programme of the unit."""
    assert NPC_DZM.programmes.form_set_by_programme is True
    assert AttestationPlace.CUSTOMER_PREMISES not in NPC_DZM.conduct.places_allowed


@pytest.mark.clause("npc-2.8")
def test_npc_2_8_only_qualification_upgrade_with_its_certificate():
    """npc-2.8 (and §1.1): only qualification upgrade, ending with an удостоверение."""
    assert NPC_DZM.programmes.kinds_allowed == (ProgrammeKind.QUALIFICATION_UPGRADE,)
    assert NPC_DZM.documents.qualification_documents == (
        QualificationDocument.QUALIFICATION_CERTIFICATE,
    )


@pytest.mark.clause("npc-2.9")
def test_npc_2_9_one_retake_within_3_months_applied_for_within_10_working_days():
    """npc-2.9: once, set by the study department, within 3 months, application within 10
    working days of the attestation date."""
    retake = NPC_DZM.retake
    assert retake.max_retakes == 1
    assert retake.application_working_days == 10
    assert retake.latest_months == 3
    assert retake.scheduled_by == Scheduler.STUDY_DEPARTMENT


@pytest.mark.clause("npc-2.10")
def test_npc_2_10_valid_reason_application_within_10_working_days():
    """npc-2.10: application within 10 working days of presenting the document; no other
    limit is set."""
    valid = NPC_DZM.valid_reason
    assert valid.application_working_days == 10
    assert valid.attestation_within_months is None
    assert valid.document_deadline_working_days is None
    assert valid.late_documents_to is None
    assert valid.individual_schedule_by is None


@pytest.mark.clause("npc-2.11")
def test_npc_2_11_a_training_record_for_those_who_fail():
    """npc-2.11: those who did not pass receive a справка об обучении."""
    assert NPC_DZM.documents.failed_document == FailedDocument.TRAINING_RECORD
    assert NPC_DZM.documents.training_record_on_failed_retake is True


@pytest.mark.clause("npc-2.12")
def test_npc_2_12_results_go_into_an_attestation_statement():
    """npc-2.12: results of qualification upgrade go into the statement of Appendix 1;
    npc-2.13, npc-4.9: the protocols of the commission's meetings are kept with them."""
    assert NPC_DZM.documents.result_documents == (
        ResultDocument.ATTESTATION_STATEMENT,
        ResultDocument.MEETING_PROTOCOL,
    )


@pytest.mark.clause("npc-2.13")
def test_npc_2_13_chair_or_deputy_members_and_secretary_sign_and_archive():
    """npc-2.13: signed by the chair (the deputy when absent), members, secretary; archived."""
    assert set(NPC_DZM.documents.signatories) == SIGNATORIES
    assert NPC_DZM.commission.chair_replaced_by == ChairReplacement.DEPUTY_CHAIR
    assert NPC_DZM.documents.archived is True


@pytest.mark.clause("npc-2.14")
def test_npc_2_14_handover_in_person_by_proxy_or_registered_mail():
    """npc-2.14: in person, by power of attorney, or registered mail with acknowledgement."""
    assert set(NPC_DZM.documents.handover_modes) == HANDOVER


@pytest.mark.clause("npc-3.1")
def test_npc_3_1_two_point_scale_only():
    """npc-3.1: зачтено / не зачтено, no four-point bands."""
    assert NPC_DZM.grading.scales_allowed == (GradeScale.TWO_POINT,)
    assert NPC_DZM.grading.test_excellent_from_percent is None


@pytest.mark.clause("npc-3.2")
def test_npc_3_2_final_grade_is_the_arithmetic_mean():
    """npc-3.2: the arithmetic mean of the stage grades."""
    assert NPC_DZM.grading.final_grade_method == FinalGradeMethod.ARITHMETIC_MEAN


@pytest.mark.clause("npc-3.3")
def test_npc_3_3_criteria_of_passed_and_failed():
    """npc-3.3–3.4: зачтено when competencies are shown without errors; else не зачтено."""
    assert "не допустил ошибок" in NPC_DZM.grading.criteria_passed
    assert "допустил ошибки" in NPC_DZM.grading.criteria_failed


@pytest.mark.clause("npc-3.5")
def test_npc_3_5_test_threshold_recommended_70_set_by_the_programme():
    """npc-3.5: the programme's pass threshold, at least 70% recommended."""
    assert NPC_DZM.grading.test_pass_threshold_percent == 70
    assert NPC_DZM.grading.test_threshold_set_by_programme is True


@pytest.mark.clause("npc-4.1")
def test_npc_4_1_standing_commissions_per_specialty():
    """npc-4.1: standing commissions per specialty of the 700н nomenclature."""
    assert NPC_DZM.commission.standing is True
    assert NPC_DZM.commission.per_specialty is True


@pytest.mark.clause("npc-4.3")
def test_npc_4_3_director_approves_the_composition():
    """npc-4.3: the director's order approves the composition."""
    assert NPC_DZM.commission.approved_by == ApprovingAuthority.DIRECTOR_ORDER


@pytest.mark.clause("npc-4.4")
def test_npc_4_4_a_deputy_chair_is_required():
    """npc-4.4: chair, deputy chair, members and secretary."""
    assert NPC_DZM.commission.deputy_chair_required is True


@pytest.mark.clause("npc-4.6")
def test_npc_4_6_head_of_study_department_chairs_head_of_unit_deputises():
    """npc-4.6–4.7: chair = head of the study department, deputy = head of the unit."""
    assert NPC_DZM.commission.chair_appointee == Post.HEAD_OF_STUDY_DEPARTMENT
    assert NPC_DZM.commission.deputy_chair_appointee == Post.HEAD_OF_PROGRAMME_UNIT


@pytest.mark.clause("npc-4.8")
def test_npc_4_8_at_least_3_persons_from_teaching_staff():
    """npc-4.8: at least 3 persons from the teaching staff."""
    assert NPC_DZM.commission.min_persons == 3
    assert NPC_DZM.commission.members_from == Post.TEACHING_STAFF


@pytest.mark.clause("npc-4.9")
def test_npc_4_9_secretary_from_study_department_is_not_a_member():
    """npc-4.9: the secretary is from the study department and not a member."""
    assert NPC_DZM.commission.secretary_from == Post.STUDY_DEPARTMENT_STAFF
    assert NPC_DZM.commission.secretary_is_member is False


@pytest.mark.clause("npc-4.10")
def test_npc_4_10_majority_of_present_with_chair_or_deputy_casting_vote():
    """npc-4.10: majority of members present; the chair or deputy must be present; the
    chair (the deputy when the chair is absent) has the casting vote."""
    commission = NPC_DZM.commission
    assert commission.majority_basis == MajorityBasis.PRESENT_MEMBERS
    assert commission.presence_required == PresenceRule.CHAIR_OR_REPLACEMENT
    assert commission.chair_replaced_by == ChairReplacement.DEPUTY_CHAIR
    assert commission.casting_vote == CastingVote.PRESIDING


@pytest.mark.clause("npc-4.11")
def test_npc_4_11_decision_told_on_the_attestation_day():
    """npc-4.11: the decision is communicated on the day of the attestation."""
    assert NPC_DZM.commission.decision_announced_on_attestation_day is True


def test_npc_5_3_standing_appeal_commission_for_one_year_by_directors_order():
    """npc-5.3: the director's order approves the appeal commission for 1 year."""
    appeal = NPC_DZM.appeal
    assert appeal.commission_kind == AppealCommissionKind.STANDING
    assert appeal.commission_term_months == 12
    assert appeal.approved_by == ApprovingAuthority.DIRECTOR_ORDER


def test_npc_5_4_appeal_commission_has_a_deputy_who_acts_for_the_chair():
    """npc-5.4, npc-5.7: a deputy chair who acts as chair in the chair's absence."""
    assert NPC_DZM.appeal.deputy_chair_required is True
    assert NPC_DZM.appeal.deputy_acts_for_chair is True


def test_npc_5_5_appeal_members_are_not_in_the_attestation_commission():
    """npc-5.5: chair and members are not members of the attestation commission; they
    are staff of the units, of any post."""
    assert NPC_DZM.appeal.members_exclude_attestation_commission is True
    assert NPC_DZM.appeal.chair_from == tuple(Post)
    assert NPC_DZM.appeal.deputy_chair_from == tuple(Post)
    assert NPC_DZM.appeal.members_from == tuple(Post)
    assert NPC_DZM.appeal.secretary_from == ()


def test_npc_5_10_appeal_to_the_chair_by_the_next_working_day():
    """npc-5.10: to the chair of the appeal commission, in person or by proxy, no later than
    the next working day after the results."""
    appeal = NPC_DZM.appeal
    assert appeal.addressed_to == AppealAddressee.APPEAL_COMMISSION_CHAIR
    assert set(appeal.filed_by) == {AppealFiler.LEARNER, AppealFiler.PROXY}
    assert appeal.filing_working_days == 1


def test_npc_5_11_heard_within_5_calendar_days():
    """npc-5.11: within 5 days; the seed says "дней", so calendar days."""
    assert NPC_DZM.appeal.hearing_within_days == 5
    assert NPC_DZM.appeal.hearing_day_count == DayCount.CALENDAR


def test_npc_5_14_quorum_of_3_including_the_chair():
    """npc-5.14: at least 3 members including the chair."""
    appeal = NPC_DZM.appeal
    assert appeal.quorum_kind == QuorumKind.MIN_MEMBERS
    assert appeal.quorum_min_members == 3
    assert appeal.quorum_requires_chair is True


def test_npc_5_15_majority_of_listed_members_chair_casts():
    """npc-5.15: open vote, majority of the listed composition, the chair's casting vote."""
    assert NPC_DZM.appeal.majority_basis == MajorityBasis.LISTED_MEMBERS
    assert NPC_DZM.appeal.casting_vote == CastingVote.PRESIDING


def test_npc_5_16_three_outcomes_result_is_passed_protocol_signed_at_once():
    """npc-5.16, App. 3: reject, satisfy with зачтено, satisfy with a retake; the protocol is
    signed right after the hearing; it works from the statement and written answers."""
    appeal = NPC_DZM.appeal
    assert set(appeal.outcomes) == set(AppealOutcome)
    assert appeal.result_grades == (Grade.PASSED,)
    assert appeal.protocol_signed_immediately is True
    assert set(appeal.documents_considered) == {
        AppealDocument.APPLICATION,
        AppealDocument.ATTESTATION_STATEMENT,
        AppealDocument.WRITTEN_ANSWERS,
    }


def test_npc_5_18_postal_notice_next_day_moved_to_a_working_day():
    """npc-5.18: by post, no later than the day after the hearing, moved to the first
    working day after it."""
    appeal = NPC_DZM.appeal
    assert appeal.notice_channel == NoticeChannel.POST
    assert appeal.notice_days_after_hearing == 1
    assert appeal.notice_moves_to_working_day is True


def test_npc_5_19_appeal_decision_is_final():
    """npc-5.19: no further appeal."""
    assert NPC_DZM.appeal.decision_final is True


@pytest.mark.clause("npc-6.1")
def test_npc_6_1_videoconference_is_the_remote_tool():
    """npc-6.1: a two-way videoconference."""
    assert NPC_DZM.conduct.remote_tools == (RemoteTool.VIDEOCONFERENCE,)


@pytest.mark.clause("npc-6.2")
def test_npc_6_2_technical_notice_10_working_days_before_the_end():
    """npc-6.2: no later than 10 working days before the end of training."""
    notice = NPC_DZM.notices.videoconference
    assert (notice.anchor, notice.working_days, notice.direction) == (
        Anchor.COHORT_END,
        10,
        Direction.BEFORE,
    )


def test_npc_sets_no_special_conditions():
    """The НПЦ seed has no section on disabled learners: nothing is set (the pages say so)."""
    assert NPC_DZM.accessibility.special_conditions_regulated is False
    assert NPC_DZM.accessibility.written_exam_extra_minutes is None


# --- РостГМУ ------------------------------------------------------------------------------


@pytest.mark.clause("rgmu-1.4")
def test_rgmu_1_4_attestation_is_mandatory():
    """rgmu-1.4: mandatory for every learner completing a ДПП."""
    assert ROSTGMU.programmes.attestation_mandatory is True


@pytest.mark.clause("rgmu-2.2")
def test_rgmu_2_2_department_tells_on_the_first_day():
    """rgmu-2.2: the department running the ДПП tells on the first day of training."""
    notice = ROSTGMU.notices.first_day
    assert notice.notified_by == Notifier.DEPARTMENT
    assert (notice.anchor, notice.working_days) == (Anchor.COHORT_START, 0)


@pytest.mark.clause("rgmu-2.3")
def test_rgmu_2_3_admission_also_needs_no_debts_and_full_curriculum():
    """rgmu-2.3: completed programme, intermediate assessments, no debts, curriculum done."""
    assert set(ROSTGMU.admission.requirements) == set(AdmissionRequirement)


@pytest.mark.clause("rgmu-2.4")
def test_rgmu_2_4_organisation_unit_or_customer_premises_partly_or_fully_remote():
    """rgmu-2.4: at the organisation, its unit or the customer's premises; remote allowed."""
    assert set(ROSTGMU.conduct.places_allowed) == set(AttestationPlace)
    assert set(ROSTGMU.conduct.remote_modes_allowed) == {RemoteMode.PARTIAL, RemoteMode.FULL}


@pytest.mark.clause("rgmu-2.5")
def test_rgmu_2_5_exam_or_credit_test_with_project_defence_too():
    """rgmu-2.5: exam or undifferentiated зачёт, each of one or more of the five stages;
    defence of an essay, a project or an attestation work."""
    conduct = ROSTGMU.conduct
    assert set(conduct.forms_allowed) == {AttestationForm.EXAM, AttestationForm.CREDIT_TEST}
    assert set(conduct.stage_kinds_allowed) == ALL_STAGES
    assert set(conduct.defence_works_allowed) == set(DefenceWork)
    assert conduct.min_stages == 1


@pytest.mark.clause("rgmu-2.8")
def test_rgmu_2_8_both_programme_kinds_with_their_documents():
    """rgmu-2.8: удостоверение (ПК) or диплом (ПП)."""
    assert set(ROSTGMU.programmes.kinds_allowed) == set(ProgrammeKind)
    assert set(ROSTGMU.documents.qualification_documents) == set(QualificationDocument)


@pytest.mark.clause("rgmu-2.9")
def test_rgmu_2_9_one_retake_within_3_months_applied_for_within_5_working_days():
    """rgmu-2.9: once, within 3 months, application within 5 working days."""
    retake = ROSTGMU.retake
    assert retake.max_retakes == 1
    assert retake.application_working_days == 5
    assert retake.latest_months == 3
    assert retake.scheduled_by == Scheduler.ORGANISATION


@pytest.mark.clause("rgmu-2.10")
def test_rgmu_2_10_valid_reason_5_days_12_months_3_days_dispute_commission_vice_rector():
    """rgmu-2.10: application within 5 working days of the document; attestation within 12
    months; document within 3 working days of the reason's end, later ones to the dispute
    commission; individual schedule by the vice-rector."""
    valid = ROSTGMU.valid_reason
    assert valid.application_working_days == 5
    assert valid.attestation_within_months == 12
    assert valid.document_deadline_working_days == 3
    assert valid.late_documents_to == LateDocumentsHandler.DISPUTE_COMMISSION
    assert valid.individual_schedule_by == ApprovingAuthority.VICE_RECTOR_ORDER


@pytest.mark.clause("rgmu-2.11")
def test_rgmu_2_11_training_record_also_after_a_failed_retake():
    """rgmu-2.11: справка, "в том числе повторно"."""
    assert ROSTGMU.documents.failed_document == FailedDocument.TRAINING_RECORD
    assert ROSTGMU.documents.training_record_on_failed_retake is True


@pytest.mark.clause("rgmu-2.12")
def test_rgmu_2_12_retraining_protocol_and_commission_report():
    """rgmu-2.12: a protocol per learner for retraining (App. 1) and the report (App. 2);
    rgmu-4.8: the exam statement of a qualification-upgrade cohort."""
    assert set(ROSTGMU.documents.result_documents) == {
        ResultDocument.RETRAINING_PROTOCOL,
        ResultDocument.COMMISSION_REPORT,
        ResultDocument.ATTESTATION_STATEMENT,
    }


@pytest.mark.clause("rgmu-2.13")
def test_rgmu_2_13_chair_or_replacement_members_and_secretary_sign_and_archive():
    """rgmu-2.13: the chair (or the one replacing the chair), members, secretary; archived."""
    assert set(ROSTGMU.documents.signatories) == SIGNATORIES
    assert ROSTGMU.documents.archived is True


@pytest.mark.clause("rgmu-2.14")
def test_rgmu_2_14_handover_in_person_by_proxy_or_registered_mail():
    """rgmu-2.14: in person, by power of attorney, or registered mail."""
    assert set(ROSTGMU.documents.handover_modes) == HANDOVER


@pytest.mark.clause("rgmu-3.1")
def test_rgmu_3_1_four_point_or_two_point_scale():
    """rgmu-3.1: four-point or two-point, as the programme says."""
    assert set(ROSTGMU.grading.scales_allowed) == set(GradeScale)


@pytest.mark.clause("rgmu-3.2")
def test_rgmu_3_2_exam_criteria_for_each_grade():
    """rgmu-3.2: criteria for отлично, хорошо, удовлетворительно, неудовлетворительно."""
    grading = ROSTGMU.grading
    assert "полное освоение" in grading.criteria_excellent
    assert "недостаточно полное" in grading.criteria_good
    assert "частичное освоение" in grading.criteria_satisfactory
    assert "серьёзные ошибки" in grading.criteria_unsatisfactory


@pytest.mark.clause("rgmu-3.3")
def test_rgmu_3_3_final_grade_is_the_arithmetic_mean():
    """rgmu-3.3: the arithmetic mean of all stages."""
    assert ROSTGMU.grading.final_grade_method == FinalGradeMethod.ARITHMETIC_MEAN


@pytest.mark.clause("rgmu-3.6")
def test_rgmu_3_6_test_bands_90_80_70_and_threshold_70():
    """rgmu-3.6, App. 1 §4.1: 90/80/70 bands; зачёт threshold recommended 70%."""
    grading = ROSTGMU.grading
    assert (
        grading.test_excellent_from_percent,
        grading.test_good_from_percent,
        grading.test_satisfactory_from_percent,
    ) == (90, 80, 70)
    assert grading.test_pass_threshold_percent == 70
    assert grading.test_threshold_set_by_programme is True


@pytest.mark.clause("rgmu-4.4")
def test_rgmu_4_4_no_deputy_a_designated_member_replaces_the_chair():
    """rgmu-4.4: chair (replaced by a member when absent), members, secretary; no deputy."""
    commission = ROSTGMU.commission
    assert commission.deputy_chair_required is False
    assert commission.deputy_chair_appointee is None
    assert commission.chair_replaced_by == ChairReplacement.DESIGNATED_MEMBER


@pytest.mark.clause("rgmu-4.6")
def test_rgmu_4_6_head_of_the_unit_chairs():
    """rgmu-4.6: the head of the unit running the ДПП chairs; the rector's order (§4.3)."""
    assert ROSTGMU.commission.chair_appointee == Post.HEAD_OF_PROGRAMME_UNIT
    assert ROSTGMU.commission.approved_by == ApprovingAuthority.RECTOR_ORDER


@pytest.mark.clause("rgmu-4.7")
def test_rgmu_4_7_at_least_3_persons_from_teaching_staff():
    """rgmu-4.7: at least 3 persons of the teaching staff."""
    assert ROSTGMU.commission.min_persons == 3
    assert ROSTGMU.commission.members_from == Post.TEACHING_STAFF


@pytest.mark.clause("rgmu-4.9")
def test_rgmu_4_9_secretary_from_the_unit_is_not_a_member():
    """rgmu-4.8–4.9: the secretary is from the unit's staff and not a member."""
    assert ROSTGMU.commission.secretary_from == Post.PROGRAMME_UNIT_STAFF
    assert ROSTGMU.commission.secretary_is_member is False


@pytest.mark.clause("rgmu-4.10")
def test_rgmu_4_10_majority_of_present_chair_or_designated_replacement_presides():
    """rgmu-4.10 read with rgmu-4.4: a simple majority of the members present; the chair
    must be present, and the member designated to replace an absent chair stands in for the
    chair (presence and casting vote). See README, "Presence of the chair"."""
    commission = ROSTGMU.commission
    assert commission.majority_basis == MajorityBasis.PRESENT_MEMBERS
    assert commission.presence_required == PresenceRule.CHAIR_OR_REPLACEMENT
    assert commission.casting_vote == CastingVote.PRESIDING
    assert commission.decision_announced_on_attestation_day is True


def test_rgmu_5_3_appeal_commission_per_appeal_within_3_working_days_by_rector():
    """rgmu-5.3: the rector's order, no later than 3 working days after the application."""
    appeal = ROSTGMU.appeal
    assert appeal.commission_kind == AppealCommissionKind.PER_APPEAL
    assert appeal.commission_formed_within_working_days == 3
    assert appeal.commission_term_months is None
    assert appeal.approved_by == ApprovingAuthority.RECTOR_ORDER


def test_rgmu_5_5_appeal_members_are_not_in_the_attestation_subcommission():
    """rgmu-5.5: teaching staff who are not in the attestation (sub)commission."""
    assert ROSTGMU.appeal.members_exclude_attestation_commission is True
    academic = (Post.ACADEMIC_STAFF, Post.TEACHING_STAFF)
    assert ROSTGMU.appeal.chair_from == academic
    assert ROSTGMU.appeal.deputy_chair_from == academic
    assert ROSTGMU.appeal.members_from == academic
    assert ROSTGMU.appeal.secretary_from == ()


def test_rgmu_5_10_appeal_to_the_rector_by_the_next_working_day():
    """rgmu-5.10: addressed to the rector, in person or by proxy, next working day."""
    appeal = ROSTGMU.appeal
    assert appeal.addressed_to == AppealAddressee.RECTOR
    assert set(appeal.filed_by) == {AppealFiler.LEARNER, AppealFiler.PROXY}
    assert appeal.filing_working_days == 1


def test_rgmu_5_11_heard_within_10_calendar_days():
    """rgmu-5.11: within 10 days; "дней", so calendar days."""
    assert ROSTGMU.appeal.hearing_within_days == 10
    assert ROSTGMU.appeal.hearing_day_count == DayCount.CALENDAR


def test_rgmu_5_14_quorum_of_half_the_members_chair_not_required():
    """rgmu-5.14: at least 50% of the members present."""
    appeal = ROSTGMU.appeal
    assert appeal.quorum_kind == QuorumKind.SHARE_OF_MEMBERS
    assert appeal.quorum_share_percent == 50
    assert appeal.quorum_requires_chair is False


def test_rgmu_5_15_simple_majority_of_listed_members_chair_casts():
    """rgmu-5.15: open vote, simple majority of the listed composition, chair's casting vote."""
    assert ROSTGMU.appeal.majority_basis == MajorityBasis.LISTED_MEMBERS
    assert ROSTGMU.appeal.casting_vote == CastingVote.PRESIDING


def test_rgmu_5_18_postal_notice_next_day_moved_to_a_working_day():
    """rgmu-5.18: by post, the day after the hearing, moved to the next working day."""
    appeal = ROSTGMU.appeal
    assert appeal.notice_channel == NoticeChannel.POST
    assert appeal.notice_days_after_hearing == 1
    assert appeal.notice_moves_to_working_day is True


def test_rgmu_app4_outcomes_grades_and_documents_of_the_appeal_protocol():
    """rgmu-app4: reject; satisfy with отлично, хорошо, удовлетворительно or зачтено; satisfy
    with a retake; the statement or retraining protocol, written answers or the АС ДПО
    protocol are considered."""
    appeal = ROSTGMU.appeal
    assert set(appeal.outcomes) == set(AppealOutcome)
    assert set(appeal.result_grades) == {
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.SATISFACTORY,
        Grade.PASSED,
    }
    assert set(appeal.documents_considered) == set(AppealDocument)
    assert appeal.decision_final is True


@pytest.mark.clause("rgmu-6.1")
def test_rgmu_6_1_videoconference_and_the_testing_system():
    """rgmu-6.1: videoconference and/or АС ДПО."""
    assert set(ROSTGMU.conduct.remote_tools) == set(RemoteTool)


@pytest.mark.clause("rgmu-6.3")
def test_rgmu_6_3_technical_notice_on_the_day_the_cycle_starts():
    """rgmu-6.3: on the day the cycle starts, by the department."""
    notice = ROSTGMU.notices.videoconference
    assert (notice.anchor, notice.working_days) == (Anchor.COHORT_START, 0)
    assert notice.notified_by == Notifier.DEPARTMENT


@pytest.mark.clause("rgmu-7.2")
def test_rgmu_7_2_general_conditions_for_disabled_learners():
    """rgmu-7.1–7.3: same room unless difficult, an assistant, accessible regulations."""
    access = ROSTGMU.accessibility
    assert access.special_conditions_regulated is True
    assert access.assistant_allowed is True
    assert access.same_room_by_default is True
    assert access.regulations_in_accessible_form is True


@pytest.mark.clause("rgmu-7.4")
def test_rgmu_7_4_up_to_90_minutes_written_and_20_minutes_oral_preparation():
    """rgmu-7.4: written exam +90 min at most, oral preparation +20 min at most."""
    assert ROSTGMU.accessibility.written_exam_extra_minutes == 90
    assert ROSTGMU.accessibility.oral_preparation_extra_minutes == 20


@pytest.mark.clause("rgmu-7.6")
def test_rgmu_7_6_application_to_the_dean_3_months_before():
    """rgmu-7.6: to the dean, at least 3 months before the attestation."""
    assert ROSTGMU.accessibility.application_months_before == 3
    assert ROSTGMU.accessibility.application_addressed_to == SpecialConditionsAddressee.DEAN
