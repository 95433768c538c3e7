"""A regulation held as data: every rule in which the organisations' regulations differ, or
that is a number, as one frozen dataclass (`RegulationRules`), plus the small values the
pure rules of `rules.py` take and return.

Other apps import from here: the rule tree, its enums, the calendar protocol and the
input/output dataclasses of `rules.py`. The tree is stored as JSON in
`RegulationVersion.rules` (see `RegulationRules.to_dict` / `from_dict`).
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, Self

from nmo.core.exceptions import ValidationFailed
from nmo.regulations import codec
from nmo.regulations.codec import Unit, rule

SCHEMA_VERSION = 1
"""The shape of the stored rule tree; `to_dict` writes it as "schema"."""

# ---------------------------------------------------------------------------------------
# Choices. Values are the stable English codes (glossary.md); LABELS gives the Russian.
# ---------------------------------------------------------------------------------------


class PresetCode(StrEnum):
    NPC_DZM = "npc_dzm"
    ROSTGMU = "rostgmu"


class ProgrammeKind(StrEnum):
    QUALIFICATION_UPGRADE = "qualification_upgrade"
    PROFESSIONAL_RETRAINING = "professional_retraining"


class AttestationForm(StrEnum):
    EXAM = "exam"
    CREDIT_TEST = "credit_test"


class GradeScale(StrEnum):
    FOUR_POINT = "four_point"
    TWO_POINT = "two_point"


class Grade(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    SATISFACTORY = "satisfactory"
    UNSATISFACTORY = "unsatisfactory"
    PASSED = "passed"
    FAILED = "failed"


class StageKind(StrEnum):
    TESTING = "testing"
    CASE_TASKS = "case_tasks"
    PRACTICAL_SKILLS = "practical_skills"
    INTERVIEW = "interview"
    DEFENCE = "defence"


class DefenceWork(StrEnum):
    ESSAY = "essay"
    PROJECT = "project"
    ATTESTATION_WORK = "attestation_work"


class FinalGradeMethod(StrEnum):
    ARITHMETIC_MEAN = "arithmetic_mean"


class AdmissionRequirement(StrEnum):
    PROGRAMME_COMPLETED = "programme_completed"
    INTERMEDIATE_ASSESSMENTS_PASSED = "intermediate_assessments_passed"
    NO_DEBTS = "no_debts"
    CURRICULUM_COMPLETED = "curriculum_completed"


class AttestationPlace(StrEnum):
    ORGANISATION = "organisation"
    UNIT = "unit"
    CUSTOMER_PREMISES = "customer_premises"


class RemoteMode(StrEnum):
    PARTIAL = "partial"
    FULL = "full"


class RemoteTool(StrEnum):
    VIDEOCONFERENCE = "videoconference"
    TESTING_SYSTEM = "testing_system"


class Notifier(StrEnum):
    STUDY_DEPARTMENT = "study_department"
    DEPARTMENT = "department"


class Anchor(StrEnum):
    COHORT_START = "cohort_start"
    COHORT_END = "cohort_end"


class Direction(StrEnum):
    BEFORE = "before"
    AFTER = "after"


class ApprovingAuthority(StrEnum):
    DIRECTOR_ORDER = "director_order"
    RECTOR_ORDER = "rector_order"
    VICE_RECTOR_ORDER = "vice_rector_order"


class Post(StrEnum):
    """What a person is in the organisation, for the appointment rules of a commission."""

    HEAD_OF_STUDY_DEPARTMENT = "head_of_study_department"
    HEAD_OF_PROGRAMME_UNIT = "head_of_programme_unit"
    STUDY_DEPARTMENT_STAFF = "study_department_staff"
    PROGRAMME_UNIT_STAFF = "programme_unit_staff"
    TEACHING_STAFF = "teaching_staff"


class ChairReplacement(StrEnum):
    DEPUTY_CHAIR = "deputy_chair"
    DESIGNATED_MEMBER = "designated_member"


class PresenceRule(StrEnum):
    CHAIR = "chair"
    CHAIR_OR_REPLACEMENT = "chair_or_replacement"


class MajorityBasis(StrEnum):
    PRESENT_MEMBERS = "present_members"
    LISTED_MEMBERS = "listed_members"


class CastingVote(StrEnum):
    CHAIR = "chair"
    PRESIDING = "presiding"


class Scheduler(StrEnum):
    STUDY_DEPARTMENT = "study_department"
    ORGANISATION = "organisation"


class LateDocumentsHandler(StrEnum):
    DISPUTE_COMMISSION = "dispute_commission"


class QualificationDocument(StrEnum):
    QUALIFICATION_CERTIFICATE = "qualification_certificate"
    RETRAINING_DIPLOMA = "retraining_diploma"


class ResultDocument(StrEnum):
    ATTESTATION_STATEMENT = "attestation_statement"
    RETRAINING_PROTOCOL = "retraining_protocol"
    COMMISSION_REPORT = "commission_report"


class Signatory(StrEnum):
    CHAIR_OR_REPLACEMENT = "chair_or_replacement"
    MEMBERS = "members"
    SECRETARY = "secretary"


class FailedDocument(StrEnum):
    TRAINING_RECORD = "training_record"


class HandoverMode(StrEnum):
    IN_PERSON = "in_person"
    PROXY = "proxy"
    REGISTERED_MAIL = "registered_mail"


class AppealAddressee(StrEnum):
    APPEAL_COMMISSION_CHAIR = "appeal_commission_chair"
    RECTOR = "rector"


class AppealFiler(StrEnum):
    LEARNER = "learner"
    PROXY = "proxy"


class DayCount(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


class AppealCommissionKind(StrEnum):
    STANDING = "standing"
    PER_APPEAL = "per_appeal"


class QuorumKind(StrEnum):
    MIN_MEMBERS = "min_members"
    SHARE_OF_MEMBERS = "share_of_members"


class AppealOutcome(StrEnum):
    REJECT = "reject"
    SATISFY_WITH_RESULT = "satisfy_with_result"
    SATISFY_WITH_RETAKE = "satisfy_with_retake"


class AppealDocument(StrEnum):
    APPLICATION = "application"
    ATTESTATION_STATEMENT = "attestation_statement"
    RETRAINING_PROTOCOL = "retraining_protocol"
    WRITTEN_ANSWERS = "written_answers"
    TESTING_PROTOCOL = "testing_protocol"


class NoticeChannel(StrEnum):
    POST = "post"


class SpecialConditionsAddressee(StrEnum):
    DEAN = "dean"


# Values that `rules.py` takes and returns (not stored in a regulation).


class CommissionRole(StrEnum):
    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    MEMBER = "member"
    SECRETARY = "secretary"


class VoteChoice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class DecisionOutcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NO_MAJORITY = "no_majority"
    NOT_COMPETENT = "not_competent"


_LABEL_PAIRS: tuple[tuple[StrEnum, str], ...] = (
    (PresetCode.NPC_DZM, "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"),
    (PresetCode.ROSTGMU, "ФГБОУ ВО РостГМУ Минздрава России"),
    (ProgrammeKind.QUALIFICATION_UPGRADE, "повышение квалификации"),
    (ProgrammeKind.PROFESSIONAL_RETRAINING, "профессиональная переподготовка"),
    (AttestationForm.EXAM, "экзамен"),
    (AttestationForm.CREDIT_TEST, "зачёт (недифференцированный)"),
    (
        GradeScale.FOUR_POINT,
        ("четырёхбалльная (отлично, хорошо, удовлетворительно, неудовлетворительно)"),
    ),
    (GradeScale.TWO_POINT, "двухбалльная (зачтено, не зачтено)"),
    (Grade.EXCELLENT, "отлично"),
    (Grade.GOOD, "хорошо"),
    (Grade.SATISFACTORY, "удовлетворительно"),
    (Grade.UNSATISFACTORY, "неудовлетворительно"),
    (Grade.PASSED, "зачтено"),
    (Grade.FAILED, "не зачтено"),
    (StageKind.TESTING, "тестирование"),
    (StageKind.CASE_TASKS, "решение ситуационных задач (кейсов)"),
    (StageKind.PRACTICAL_SKILLS, "оценка практических навыков"),
    (StageKind.INTERVIEW, "собеседование"),
    (StageKind.DEFENCE, "защита работы"),
    (DefenceWork.ESSAY, "реферат"),
    (DefenceWork.PROJECT, "проектная работа"),
    (DefenceWork.ATTESTATION_WORK, "аттестационная работа"),
    (FinalGradeMethod.ARITHMETIC_MEAN, "среднее арифметическое оценок этапов"),
    (AdmissionRequirement.PROGRAMME_COMPLETED, "программа (ДПП) освоена"),
    (
        AdmissionRequirement.INTERMEDIATE_ASSESSMENTS_PASSED,
        ("промежуточные аттестации пройдены (при их наличии)"),
    ),
    (AdmissionRequirement.NO_DEBTS, "нет задолженностей"),
    (
        AdmissionRequirement.CURRICULUM_COMPLETED,
        ("учебный (индивидуальный) план выполнен в полном объёме"),
    ),
    (AttestationPlace.ORGANISATION, "в организации"),
    (AttestationPlace.UNIT, "в структурном подразделении"),
    (AttestationPlace.CUSTOMER_PREMISES, "на территории заказчика"),
    (RemoteMode.PARTIAL, "частично с ДОТ и ЭО"),
    (RemoteMode.FULL, "полностью с ДОТ и ЭО"),
    (RemoteTool.VIDEOCONFERENCE, "двусторонняя видеоконференция"),
    (RemoteTool.TESTING_SYSTEM, "АС ДПО (система тестирования)"),
    (Notifier.STUDY_DEPARTMENT, "учебный отдел"),
    (Notifier.DEPARTMENT, "кафедра, реализующая программу"),
    (Anchor.COHORT_START, "начало обучения (цикла)"),
    (Anchor.COHORT_END, "окончание обучения"),
    (Direction.BEFORE, "до"),
    (Direction.AFTER, "после"),
    (ApprovingAuthority.DIRECTOR_ORDER, "приказ директора"),
    (ApprovingAuthority.RECTOR_ORDER, "приказ ректора"),
    (ApprovingAuthority.VICE_RECTOR_ORDER, "распоряжение проректора"),
    (Post.HEAD_OF_STUDY_DEPARTMENT, "начальник учебного отдела"),
    (Post.HEAD_OF_PROGRAMME_UNIT, "руководитель подразделения, реализующего ДПП"),
    (Post.STUDY_DEPARTMENT_STAFF, "сотрудник учебного отдела"),
    (Post.PROGRAMME_UNIT_STAFF, "сотрудник подразделения, реализующего ДПП"),
    (Post.TEACHING_STAFF, "преподаватель подразделения по профилю ДПП"),
    (ChairReplacement.DEPUTY_CHAIR, "заместитель председателя"),
    (
        ChairReplacement.DESIGNATED_MEMBER,
        ("один из членов комиссии, назначенный в установленном порядке"),
    ),
    (PresenceRule.CHAIR, "только председатель"),
    (PresenceRule.CHAIR_OR_REPLACEMENT, "председатель или замещающее его лицо"),
    (MajorityBasis.PRESENT_MEMBERS, "большинство членов, участвующих в заседании"),
    (MajorityBasis.LISTED_MEMBERS, "большинство списочного состава"),
    (CastingVote.CHAIR, "председатель"),
    (CastingVote.PRESIDING, "председательствующий (председатель или замещающее его лицо)"),
    (Scheduler.STUDY_DEPARTMENT, "учебный отдел"),
    (Scheduler.ORGANISATION, "организация (университет)"),
    (LateDocumentsHandler.DISPUTE_COMMISSION, "комиссия по урегулированию споров"),
    (QualificationDocument.QUALIFICATION_CERTIFICATE, "удостоверение о повышении квалификации"),
    (QualificationDocument.RETRAINING_DIPLOMA, "диплом о профессиональной переподготовке"),
    (ResultDocument.ATTESTATION_STATEMENT, "ведомость итоговой аттестации"),
    (
        ResultDocument.RETRAINING_PROTOCOL,
        ("протокол итоговой аттестации (переподготовка, на слушателя)"),
    ),
    (ResultDocument.COMMISSION_REPORT, "отчёт комиссии"),
    (Signatory.CHAIR_OR_REPLACEMENT, "председатель (или замещающее его лицо)"),
    (Signatory.MEMBERS, "члены комиссии"),
    (Signatory.SECRETARY, "секретарь"),
    (FailedDocument.TRAINING_RECORD, "справка об обучении / о периоде обучения"),
    (HandoverMode.IN_PERSON, "лично"),
    (HandoverMode.PROXY, "доверенному лицу по заверенной доверенности"),
    (HandoverMode.REGISTERED_MAIL, "заказным почтовым отправлением с уведомлением о вручении"),
    (AppealAddressee.APPEAL_COMMISSION_CHAIR, "председателю апелляционной комиссии"),
    (AppealAddressee.RECTOR, "ректору"),
    (AppealFiler.LEARNER, "обучившийся лично"),
    (AppealFiler.PROXY, "доверенное лицо"),
    (DayCount.CALENDAR, "календарные дни"),
    (DayCount.WORKING, "рабочие дни"),
    (AppealCommissionKind.STANDING, "постоянная, на срок"),
    (AppealCommissionKind.PER_APPEAL, "создаётся по каждой апелляции"),
    (QuorumKind.MIN_MEMBERS, "не менее заданного числа членов"),
    (QuorumKind.SHARE_OF_MEMBERS, "не менее заданной доли членов"),
    (AppealOutcome.REJECT, "отклонить апелляцию и сохранить результат"),
    (AppealOutcome.SATISFY_WITH_RESULT, "удовлетворить апелляцию с новым результатом"),
    (
        AppealOutcome.SATISFY_WITH_RETAKE,
        ("удовлетворить апелляцию с повторным прохождением аттестации"),
    ),
    (AppealDocument.APPLICATION, "заявление"),
    (AppealDocument.ATTESTATION_STATEMENT, "ведомость итоговой аттестации"),
    (AppealDocument.RETRAINING_PROTOCOL, "протокол итоговой аттестации (переподготовка)"),
    (AppealDocument.WRITTEN_ANSWERS, "письменные ответы обучившегося"),
    (AppealDocument.TESTING_PROTOCOL, "индивидуальный протокол из АС ДПО"),
    (NoticeChannel.POST, "почтовое отправление"),
    (SpecialConditionsAddressee.DEAN, "декан факультета"),
    (CommissionRole.CHAIR, "председатель"),
    (CommissionRole.DEPUTY_CHAIR, "заместитель председателя"),
    (CommissionRole.MEMBER, "член комиссии"),
    (CommissionRole.SECRETARY, "секретарь"),
    (VoteChoice.FOR, "за"),
    (VoteChoice.AGAINST, "против"),
    (VoteChoice.ABSTAIN, "воздержался"),
    (DecisionOutcome.ADOPTED, "решение принято"),
    (DecisionOutcome.REJECTED, "решение отклонено"),
    (DecisionOutcome.NO_MAJORITY, "решение не принято: нет большинства"),
    (DecisionOutcome.NOT_COMPETENT, "комиссия неправомочна принимать решение"),
)


class ChoiceLabels(Mapping[StrEnum, str]):
    """The Russian label of each choice: `LABELS[Notifier.DEPARTMENT]`.

    A plain dict would not do: StrEnum members are equal to their codes, and codes repeat
    across enums ("organisation" is both a place and who schedules a retake), so a dict
    would keep one label for both. This mapping keys by (enum class, code).
    """

    def __init__(self, pairs: tuple[tuple[StrEnum, str], ...]) -> None:
        self._members = [member for member, _ in pairs]
        self._labels = {(type(member), member.value): label for member, label in pairs}

    def __getitem__(self, key: StrEnum) -> str:
        if not isinstance(key, StrEnum):
            raise KeyError(key)
        return self._labels[(type(key), key.value)]

    def __iter__(self) -> Iterator[StrEnum]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


LABELS: Mapping[StrEnum, str] = ChoiceLabels(_LABEL_PAIRS)


def label_of(value: StrEnum) -> str:
    """Return the Russian label of a choice (its code if it has none)."""
    return LABELS.get(value, value.value)


# ---------------------------------------------------------------------------------------
# The rule tree. Every field has no default: a preset states every rule, with its clause.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeRules:
    kinds_allowed: tuple[ProgrammeKind, ...] = field(
        metadata=rule("Виды программ, по которым проводится итоговая аттестация", nonempty=True)
    )
    attestation_mandatory: bool = field(
        metadata=rule("Итоговая аттестация обязательна для каждого слушателя")
    )
    form_set_by_programme: bool = field(
        metadata=rule("Форма и объём итоговой аттестации определяются программой")
    )


@dataclass(frozen=True)
class AdmissionRules:
    requirements: tuple[AdmissionRequirement, ...] = field(
        metadata=rule("К итоговой аттестации допускаются слушатели, у которых", nonempty=True)
    )


@dataclass(frozen=True)
class ConductRules:
    forms_allowed: tuple[AttestationForm, ...] = field(
        metadata=rule("Формы итоговой аттестации", nonempty=True)
    )
    stage_kinds_allowed: tuple[StageKind, ...] = field(
        metadata=rule("Этапы, из которых может состоять аттестация", nonempty=True)
    )
    defence_works_allowed: tuple[DefenceWork, ...] = field(
        metadata=rule("Работы, которые можно защищать")
    )
    min_stages: int = field(metadata=rule("Наименьшее число этапов", min_value=1, max_value=10))
    places_allowed: tuple[AttestationPlace, ...] = field(
        metadata=rule("Где может проводиться аттестация", nonempty=True)
    )
    remote_modes_allowed: tuple[RemoteMode, ...] = field(
        metadata=rule(
            "Применение дистанционных технологий (ДОТ и ЭО)",
            hint="Пустой список — аттестация только очно.",
        )
    )
    remote_tools: tuple[RemoteTool, ...] = field(metadata=rule("Средства дистанционной аттестации"))


@dataclass(frozen=True)
class GradingRules:
    scales_allowed: tuple[GradeScale, ...] = field(metadata=rule("Шкалы оценок", nonempty=True))
    final_grade_method: FinalGradeMethod = field(metadata=rule("Итоговая оценка"))
    test_pass_threshold_percent: int = field(
        metadata=rule(
            "Зачёт по тестированию: рекомендуемый порог положительного результата",
            unit=Unit.PERCENT,
            min_value=0,
            max_value=100,
        )
    )
    test_threshold_set_by_programme: bool = field(
        metadata=rule("Оценочную шкалу теста составители программы формируют самостоятельно")
    )
    test_excellent_from_percent: int | None = field(
        metadata=rule("Тестирование: «отлично» от", unit=Unit.PERCENT, min_value=0, max_value=100)
    )
    test_good_from_percent: int | None = field(
        metadata=rule("Тестирование: «хорошо» от", unit=Unit.PERCENT, min_value=0, max_value=100)
    )
    test_satisfactory_from_percent: int | None = field(
        metadata=rule(
            "Тестирование: «удовлетворительно» от", unit=Unit.PERCENT, min_value=0, max_value=100
        )
    )
    criteria_excellent: str = field(metadata=rule("Критерий оценки «отлично»"))
    criteria_good: str = field(metadata=rule("Критерий оценки «хорошо»"))
    criteria_satisfactory: str = field(metadata=rule("Критерий оценки «удовлетворительно»"))
    criteria_unsatisfactory: str = field(metadata=rule("Критерий оценки «неудовлетворительно»"))
    criteria_passed: str = field(metadata=rule("Критерий оценки «зачтено»"))
    criteria_failed: str = field(metadata=rule("Критерий оценки «не зачтено»"))


@dataclass(frozen=True)
class NoticeTiming:
    """When a notice to learners is due: `working_days` working days before or after the
    start or the end of the cohort; 0 means on that very day."""

    notified_by: Notifier | None = field(metadata=rule("Кто сообщает"))
    anchor: Anchor = field(metadata=rule("Срок отсчитывается от"))
    working_days: int = field(
        metadata=rule(
            "Сколько рабочих дней",
            unit=Unit.WORKING_DAYS,
            min_value=0,
            max_value=60,
            hint="0 — в тот же день.",
        )
    )
    direction: Direction = field(metadata=rule("До или после"))


@dataclass(frozen=True)
class NoticeRules:
    first_day: NoticeTiming = field(
        metadata=rule("Форма, условия и дата аттестации сообщаются слушателям")
    )
    videoconference: NoticeTiming = field(
        metadata=rule("Технические требования к видеоконференции сообщаются слушателям")
    )


@dataclass(frozen=True)
class CommissionRules:
    standing: bool = field(metadata=rule("Аттестационные комиссии постоянно действующие"))
    per_specialty: bool = field(metadata=rule("Комиссии формируются по специальностям"))
    approved_by: ApprovingAuthority = field(
        metadata=rule("Персональный состав комиссии утверждается")
    )
    min_persons: int = field(
        metadata=rule(
            "Наименьший состав комиссии (без секретаря)",
            unit=Unit.PERSONS,
            min_value=1,
            max_value=50,
        )
    )
    secretary_is_member: bool = field(
        metadata=rule("Секретарь является членом комиссии и голосует")
    )
    deputy_chair_required: bool = field(metadata=rule("Заместитель председателя обязателен"))
    chair_appointee: Post = field(metadata=rule("Председателем назначается"))
    deputy_chair_appointee: Post | None = field(
        metadata=rule("Заместителем председателя назначается")
    )
    secretary_from: Post = field(metadata=rule("Секретарь назначается из числа"))
    members_from: Post = field(metadata=rule("Члены комиссии назначаются из числа"))
    chair_replaced_by: ChairReplacement = field(
        metadata=rule("Отсутствующего председателя замещает")
    )
    presence_required: PresenceRule = field(metadata=rule("Для решения обязательно присутствие"))
    majority_basis: MajorityBasis = field(metadata=rule("Решение принимается"))
    casting_vote: CastingVote = field(metadata=rule("Решающий голос при равенстве голосов"))
    decision_announced_on_attestation_day: bool = field(
        metadata=rule("Решение доводится до слушателей в день аттестации")
    )


@dataclass(frozen=True)
class RetakeRules:
    max_retakes: int = field(
        metadata=rule(
            "Сколько раз можно пройти аттестацию повторно",
            unit=Unit.TIMES,
            min_value=0,
            max_value=10,
        )
    )
    application_working_days: int = field(
        metadata=rule(
            "Срок подачи заявления (с даты аттестации)",
            unit=Unit.WORKING_DAYS,
            min_value=1,
            max_value=60,
        )
    )
    latest_months: int = field(
        metadata=rule(
            "Повторная аттестация не позднее (с даты аттестации)",
            unit=Unit.MONTHS,
            min_value=1,
            max_value=24,
        )
    )
    scheduled_by: Scheduler = field(metadata=rule("Срок повторной аттестации определяет"))


@dataclass(frozen=True)
class ValidReasonRules:
    application_working_days: int = field(
        metadata=rule(
            "Срок подачи заявления (с даты предъявления оправдательного документа)",
            unit=Unit.WORKING_DAYS,
            min_value=1,
            max_value=60,
        )
    )
    attestation_within_months: int | None = field(
        metadata=rule(
            "Аттестацию можно пройти в течение (после даты аттестации)",
            unit=Unit.MONTHS,
            min_value=1,
            max_value=36,
        )
    )
    document_deadline_working_days: int | None = field(
        metadata=rule(
            "Оправдательный документ представляется не позднее (после окончания причины)",
            unit=Unit.WORKING_DAYS,
            min_value=1,
            max_value=60,
        )
    )
    late_documents_to: LateDocumentsHandler | None = field(
        metadata=rule("Документы, представленные позже, рассматривает")
    )
    individual_schedule_by: ApprovingAuthority | None = field(
        metadata=rule("Индивидуальный график аттестации устанавливается")
    )


@dataclass(frozen=True)
class DocumentRules:
    qualification_documents: tuple[QualificationDocument, ...] = field(
        metadata=rule("Документы о квалификации", nonempty=True)
    )
    result_documents: tuple[ResultDocument, ...] = field(
        metadata=rule("Результаты отражаются в документах", nonempty=True)
    )
    signatories: tuple[Signatory, ...] = field(
        metadata=rule("Протоколы и ведомости подписывают", nonempty=True)
    )
    archived: bool = field(
        metadata=rule("Протоколы и ведомости хранятся в архиве по номенклатуре дел")
    )
    failed_document: FailedDocument = field(metadata=rule("Не прошедшему аттестацию выдаётся"))
    training_record_on_failed_retake: bool = field(
        metadata=rule("Справка выдаётся и после неудачной повторной аттестации")
    )
    handover_modes: tuple[HandoverMode, ...] = field(
        metadata=rule("Способы получения документа о квалификации", nonempty=True)
    )


@dataclass(frozen=True)
class AppealRules:
    addressed_to: AppealAddressee = field(metadata=rule("Заявление об апелляции адресуется"))
    filed_by: tuple[AppealFiler, ...] = field(metadata=rule("Заявление подаёт", nonempty=True))
    filing_working_days: int = field(
        metadata=rule(
            "Срок подачи (после объявления результатов)",
            unit=Unit.WORKING_DAYS,
            min_value=1,
            max_value=30,
        )
    )
    hearing_within_days: int = field(
        metadata=rule(
            "Апелляция рассматривается в течение (со дня подачи)",
            unit=Unit.DAYS,
            min_value=1,
            max_value=60,
        )
    )
    hearing_day_count: DayCount = field(metadata=rule("Срок рассмотрения считается в"))
    commission_kind: AppealCommissionKind = field(metadata=rule("Апелляционная комиссия"))
    commission_term_months: int | None = field(
        metadata=rule(
            "Срок полномочий постоянной комиссии", unit=Unit.MONTHS, min_value=1, max_value=60
        )
    )
    commission_formed_within_working_days: int | None = field(
        metadata=rule(
            "Комиссия утверждается не позднее (с даты поступления заявления)",
            unit=Unit.WORKING_DAYS,
            min_value=1,
            max_value=30,
        )
    )
    approved_by: ApprovingAuthority = field(
        metadata=rule("Состав апелляционной комиссии утверждается")
    )
    deputy_chair_required: bool = field(metadata=rule("В составе есть заместитель председателя"))
    deputy_acts_for_chair: bool = field(
        metadata=rule("Заместитель выполняет функции отсутствующего председателя")
    )
    members_exclude_attestation_commission: bool = field(
        metadata=rule("Члены не входят в аттестационную комиссию по этой специальности")
    )
    quorum_kind: QuorumKind = field(metadata=rule("Правомочность (кворум)"))
    quorum_min_members: int | None = field(
        metadata=rule("Кворум: не менее членов", unit=Unit.PERSONS, min_value=1, max_value=50)
    )
    quorum_share_percent: int | None = field(
        metadata=rule("Кворум: не менее доли членов", unit=Unit.PERCENT, min_value=1, max_value=100)
    )
    quorum_requires_chair: bool = field(metadata=rule("Для кворума обязателен председатель"))
    majority_basis: MajorityBasis = field(
        metadata=rule("Решение принимается открытым голосованием")
    )
    casting_vote: CastingVote = field(metadata=rule("Решающий голос при равенстве голосов"))
    notice_channel: NoticeChannel = field(metadata=rule("Уведомление о решении"))
    notice_days_after_hearing: int = field(
        metadata=rule(
            "Уведомление не позднее (после дня рассмотрения)",
            unit=Unit.DAYS,
            min_value=0,
            max_value=30,
        )
    )
    notice_moves_to_working_day: bool = field(
        metadata=rule(
            "Если срок уведомления выпадает на нерабочий день — первый рабочий день после него"
        )
    )
    outcomes: tuple[AppealOutcome, ...] = field(metadata=rule("Возможные решения", nonempty=True))
    result_grades: tuple[Grade, ...] = field(
        metadata=rule("Оценки, которые может выставить комиссия")
    )
    documents_considered: tuple[AppealDocument, ...] = field(
        metadata=rule("Документы, на основании которых рассматривается апелляция", nonempty=True)
    )
    protocol_signed_immediately: bool = field(
        metadata=rule("Протокол подписывается всеми участниками сразу после заседания")
    )
    decision_final: bool = field(metadata=rule("Решение окончательное и обжалованию не подлежит"))


@dataclass(frozen=True)
class AccessibilityRules:
    special_conditions_regulated: bool = field(
        metadata=rule("Положение устанавливает специальные условия для инвалидов")
    )
    written_exam_extra_minutes: int | None = field(
        metadata=rule(
            "Письменный экзамен можно продлить не более чем на",
            unit=Unit.MINUTES,
            min_value=0,
            max_value=600,
        )
    )
    oral_preparation_extra_minutes: int | None = field(
        metadata=rule(
            "Подготовку к устному ответу можно продлить не более чем на",
            unit=Unit.MINUTES,
            min_value=0,
            max_value=600,
        )
    )
    application_months_before: int | None = field(
        metadata=rule(
            "Заявление о специальных условиях подаётся не позднее чем за",
            unit=Unit.MONTHS,
            min_value=0,
            max_value=24,
        )
    )
    application_addressed_to: SpecialConditionsAddressee | None = field(
        metadata=rule("Заявление о специальных условиях адресуется")
    )
    assistant_allowed: bool = field(metadata=rule("Допускается ассистент"))
    same_room_by_default: bool = field(
        metadata=rule("Аттестация в одной аудитории с другими, если это не создаёт трудностей")
    )
    regulations_in_accessible_form: bool = field(
        metadata=rule("Локальные акты доводятся до инвалидов в доступной форме")
    )


@dataclass(frozen=True)
class RegulationRules:
    """Every rule of a regulation on the final attestation, as data.

    Build it from stored JSON with `from_dict` (which validates and raises
    `ValidationFailed(errors={"dotted.path": [message]})`) and store it with `to_dict`.
    """

    programmes: ProgrammeRules = field(metadata=rule("Программы"))
    admission: AdmissionRules = field(metadata=rule("Допуск к итоговой аттестации"))
    conduct: ConductRules = field(metadata=rule("Формы и проведение аттестации"))
    grading: GradingRules = field(metadata=rule("Оценивание"))
    notices: NoticeRules = field(metadata=rule("Информирование слушателей"))
    commission: CommissionRules = field(metadata=rule("Аттестационная комиссия"))
    retake: RetakeRules = field(
        metadata=rule(
            "Повторная аттестация (неуважительная причина, неудовлетворительный результат)"
        )
    )
    valid_reason: ValidReasonRules = field(metadata=rule("Пропуск по уважительной причине"))
    documents: DocumentRules = field(metadata=rule("Документы"))
    appeal: AppealRules = field(metadata=rule("Апелляция"))
    accessibility: AccessibilityRules = field(metadata=rule("Инвалиды и лица с ОВЗ"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build the rules from their JSON form, checking every value.

        Raise ValidationFailed with Russian messages by dotted path for a missing or unknown
        field, a value of the wrong type, an unknown choice, a number out of bounds (negative
        days, a percentage outside 0–100) and rules that contradict each other (grade bands
        not descending, a form without its scale, …).
        """
        if not isinstance(data, Mapping):
            raise ValidationFailed(errors={"__all__": ["Ожидается объект с полями правил."]})
        body = dict(data)
        schema = body.pop("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            raise ValidationFailed(
                errors={"schema": [f"Неизвестная версия схемы правил: {schema}."]}
            )
        built, errors = codec.parse(cls, body)
        if not errors:
            errors = consistency_errors(built)
        if errors:
            raise ValidationFailed("Правила положения заполнены с ошибками.", errors=errors)
        result: Self = built
        return result

    def to_dict(self) -> dict[str, Any]:
        """Return the rules as JSON-ready data (enums as codes, tuples as lists)."""
        return {"schema": SCHEMA_VERSION, **codec.dump(self)}


def consistency_errors(rules: RegulationRules) -> dict[str, list[str]]:
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
                f"Для программ вида «{label_of(kind)}» нужен документ «{label_of(needed[kind])}».",
            )
    if ResultDocument.RETRAINING_PROTOCOL in rules.documents.result_documents and (
        ProgrammeKind.PROFESSIONAL_RETRAINING not in rules.programmes.kinds_allowed
    ):
        add(
            "documents.result_documents",
            "Протокол переподготовки возможен, только если разрешена профессиональная "
            "переподготовка.",
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
            add("appeal.result_grades", f"«{label_of(grade)}» не может быть итогом апелляции.")
        elif scale_of[grade] not in grading.scales_allowed:
            add(
                "appeal.result_grades",
                f"Оценка «{label_of(grade)}» не входит в разрешённые шкалы.",
            )
    return errors


# ---------------------------------------------------------------------------------------
# The work calendar the deadline rules need, as a protocol.
# ---------------------------------------------------------------------------------------


class WorkingDayCalendar(Protocol):
    """Working-day arithmetic. The module `nmo.workcalendar.selectors` satisfies it as it
    is (pass the module), and so does any object with these four methods (tests)."""

    def add_working_days(self, d: date, n: int, /) -> date:
        """The n-th working day after d."""
        ...

    def subtract_working_days(self, d: date, n: int, /) -> date:
        """The n-th working day before d (d itself, or the last working day before, for 0)."""
        ...

    def next_working_day(self, d: date, /) -> date:
        """The first working day strictly after d."""
        ...

    def first_working_day_on_or_after(self, d: date, /) -> date:
        """d if it is a working day, else the first working day after it."""
        ...


# ---------------------------------------------------------------------------------------
# Inputs and outputs of rules.py.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PercentBands:
    """How a programme grades a test by the share of correct answers (npc-3.5, rgmu-3.6):
    the programme's own scale, or the regulation's recommended one (`bands_of`)."""

    pass_threshold_percent: int
    excellent_from_percent: int | None = None
    good_from_percent: int | None = None
    satisfactory_from_percent: int | None = None


@dataclass(frozen=True)
class CommissionSeat:
    """One seat of an attestation commission as appointed by the order.

    `posts` says what the person is in the organisation (head of the study department,
    teaching staff, …); None means "not known here", and then the appointment rules are not
    checked for that seat.
    """

    person: int | str
    role: CommissionRole
    posts: frozenset[Post] | None = None


@dataclass(frozen=True)
class VoteTally:
    """The open vote of the members on one proposed decision. `presiding_vote` is how the
    person presiding (the chair, or whoever replaces the chair) voted; it decides a tie."""

    votes_for: int
    votes_against: int
    abstained: int = 0
    presiding_vote: VoteChoice | None = None


@dataclass(frozen=True)
class DecisionResult:
    """What the vote decided, with the Russian reason to show and record."""

    outcome: DecisionOutcome
    reason: str
    casting_vote_used: bool = False

    @property
    def adopted(self) -> bool:
        return self.outcome == DecisionOutcome.ADOPTED
