"""Check that the rules of a regulation do not contradict each other (a form without its
grade scale, grade bands that do not descend, a standing appeal commission without a
term, …).

Private to the regulations app: `RegulationRules.from_dict` calls `consistency_errors`
after every value has passed its own checks, so a stored version is always consistent.
"""

from typing import TYPE_CHECKING

from nmo.regulations.types import (
    AppealCommissionKind,
    AppealOutcome,
    AttestationForm,
    CastingVote,
    ChairReplacement,
    Grade,
    GradeScale,
    PresenceRule,
    ProgrammeKind,
    QualificationDocument,
    QuorumKind,
    RemoteTool,
    ResultDocument,
    StageKind,
)

if TYPE_CHECKING:
    from nmo.regulations.schema import RegulationRules


def consistency_errors(rules: "RegulationRules") -> dict[str, list[str]]:
    """Return the contradictions between rules, by dotted path (empty if none)."""
    errors: dict[str, list[str]] = {}

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    grading, conduct = rules.grading, rules.conduct
    bands = (
        grading.test_excellent_from_percent,
        grading.test_good_from_percent,
        grading.test_satisfactory_from_percent,
    )
    if GradeScale.FOUR_POINT in grading.scales_allowed and None in bands:
        add(
            "grading.test_excellent_from_percent",
            "Для четырёхбалльной шкалы укажите границы «отлично», «хорошо» и "
            "«удовлетворительно» по тестированию.",
        )
    excellent, good, satisfactory = bands
    if any(b is not None for b in bands) and None in bands:
        add(
            "grading.test_good_from_percent",
            "Укажите все три границы оценок по тестированию или ни одной.",
        )
    elif (
        excellent is not None
        and good is not None
        and satisfactory is not None
        and not excellent > good > satisfactory
    ):
        add(
            "grading.test_good_from_percent",
            "Границы оценок должны убывать: «отлично» > «хорошо» > «удовлетворительно».",
        )
    if AttestationForm.EXAM in conduct.forms_allowed and (
        GradeScale.FOUR_POINT not in grading.scales_allowed
    ):
        add("grading.scales_allowed", "Экзамен оценивается по четырёхбалльной шкале: добавьте её.")
    if AttestationForm.CREDIT_TEST in conduct.forms_allowed and (
        GradeScale.TWO_POINT not in grading.scales_allowed
    ):
        add("grading.scales_allowed", "Зачёт оценивается по двухбалльной шкале: добавьте её.")
    if StageKind.DEFENCE in conduct.stage_kinds_allowed and not conduct.defence_works_allowed:
        add("conduct.defence_works_allowed", "Укажите, какие работы можно защищать.")
    if RemoteTool.VIDEOCONFERENCE in conduct.remote_tools and not conduct.remote_modes_allowed:
        add("conduct.remote_tools", "Видеоконференция возможна только при аттестации с ДОТ и ЭО.")

    needed = {
        ProgrammeKind.QUALIFICATION_UPGRADE: QualificationDocument.QUALIFICATION_CERTIFICATE,
        ProgrammeKind.PROFESSIONAL_RETRAINING: QualificationDocument.RETRAINING_DIPLOMA,
    }
    for kind in rules.programmes.kinds_allowed:
        if needed[kind] not in rules.documents.qualification_documents:
            add(
                "documents.qualification_documents",
                f"Для программ вида «{kind.label}» нужен документ «{needed[kind].label}».",
            )
    if ResultDocument.RETRAINING_PROTOCOL in rules.documents.result_documents and (
        ProgrammeKind.PROFESSIONAL_RETRAINING not in rules.programmes.kinds_allowed
    ):
        add(
            "documents.result_documents",
            "Протокол переподготовки возможен, только если разрешена профессиональная "
            "переподготовка.",
        )
    if ResultDocument.ATTESTATION_STATEMENT in rules.documents.result_documents and (
        ProgrammeKind.QUALIFICATION_UPGRADE not in rules.programmes.kinds_allowed
    ):
        add(
            "documents.result_documents",
            "Ведомость итоговой аттестации составляется на цикле повышения квалификации: "
            "она возможна, только если разрешено повышение квалификации.",
        )

    commission = rules.commission
    if commission.chair_replaced_by == ChairReplacement.DEPUTY_CHAIR and (
        not commission.deputy_chair_required
    ):
        add(
            "commission.deputy_chair_required",
            "Председателя замещает заместитель — значит, заместитель обязателен.",
        )
    if commission.deputy_chair_appointee is not None and not commission.deputy_chair_required:
        add(
            "commission.deputy_chair_appointee",
            "Назначение заместителя указано, но заместитель не обязателен.",
        )
    if commission.presence_required == PresenceRule.CHAIR and (
        commission.casting_vote == CastingVote.PRESIDING
    ):
        add(
            "commission.casting_vote",
            "Без председателя решение не принимается, поэтому решающий голос — у председателя.",
        )

    valid = rules.valid_reason
    if valid.late_documents_to is not None and valid.document_deadline_working_days is None:
        add(
            "valid_reason.late_documents_to",
            "Сначала укажите срок представления оправдательного документа.",
        )

    appeal = rules.appeal
    if appeal.commission_kind == AppealCommissionKind.STANDING and (
        appeal.commission_term_months is None
    ):
        add("appeal.commission_term_months", "Укажите срок полномочий постоянной комиссии.")
    if appeal.commission_kind == AppealCommissionKind.PER_APPEAL and (
        appeal.commission_formed_within_working_days is None
    ):
        add(
            "appeal.commission_formed_within_working_days",
            "Укажите, в какой срок утверждается комиссия по апелляции.",
        )
    if appeal.quorum_kind == QuorumKind.MIN_MEMBERS and appeal.quorum_min_members is None:
        add("appeal.quorum_min_members", "Укажите наименьшее число присутствующих членов.")
    if appeal.quorum_kind == QuorumKind.SHARE_OF_MEMBERS and appeal.quorum_share_percent is None:
        add("appeal.quorum_share_percent", "Укажите долю присутствующих членов.")
    if AppealOutcome.SATISFY_WITH_RESULT in appeal.outcomes and not appeal.result_grades:
        add("appeal.result_grades", "Укажите оценки, которые может выставить комиссия.")
    scale_of = {
        Grade.EXCELLENT: GradeScale.FOUR_POINT,
        Grade.GOOD: GradeScale.FOUR_POINT,
        Grade.SATISFACTORY: GradeScale.FOUR_POINT,
        Grade.PASSED: GradeScale.TWO_POINT,
    }
    for grade in appeal.result_grades:
        if grade not in scale_of:
            add("appeal.result_grades", f"«{grade.label}» не может быть итогом апелляции.")
        elif scale_of[grade] not in grading.scales_allowed:
            add(
                "appeal.result_grades",
                f"Оценка «{grade.label}» не входит в разрешённые шкалы.",
            )
    return errors
