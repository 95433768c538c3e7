"""The vocabulary of the regulations, for every app: each choice a regulation names (programme
kinds, forms, stages, grades, places, posts, …) as a `TextChoices` with its Russian label, and
the small values the pure rules of `rules.py` take and return.

Values are the stable English codes of glossary.md and are what the rule tree stores as JSON;
`Enum.label` (or `Enum(code).label`) gives the Russian. Models and forms of other apps use
these classes directly (`choices=StageKind.choices`).

The rule tree itself lives in the private `schema` module; `RegulationRules` is re-exported
here for other apps. It is loaded on first use (PEP 562 `__getattr__`), because `schema`
builds its fields from the choices above: importing it here eagerly would make the two
modules import each other.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

from nmo.core.audit import NO_BEFORE, AuditAction, AuditField, Lines, choices_of

if TYPE_CHECKING:
    from nmo.regulations.schema import RegulationRules

__all__ = [
    "RESULT_DOCUMENT_PROGRAMME_KINDS",
    "AdmissionRequirement",
    "Anchor",
    "AppealAddressee",
    "AppealCommissionKind",
    "AppealDocument",
    "AppealFiler",
    "AppealOutcome",
    "ApprovingAuthority",
    "AttestationForm",
    "AttestationPlace",
    "CastingVote",
    "ChairReplacement",
    "CommissionRole",
    "CommissionSeat",
    "DayCount",
    "DecisionOutcome",
    "DecisionResult",
    "DefenceWork",
    "Direction",
    "FailedDocument",
    "FinalGradeMethod",
    "Grade",
    "GradeScale",
    "HandoverMode",
    "LateDocumentsHandler",
    "MajorityBasis",
    "NoticeChannel",
    "Notifier",
    "PercentBands",
    "Post",
    "PresenceRule",
    "PresetCode",
    "ProgrammeKind",
    "QualificationDocument",
    "QuorumKind",
    "RegulationRules",
    "RemoteMode",
    "RemoteTool",
    "ResultDocument",
    "Scheduler",
    "Signatory",
    "SpecialConditionsAddressee",
    "StageKind",
    "VoteChoice",
    "VoteTally",
    "WorkingDayCalendar",
]

# ---------------------------------------------------------------------------------------
# Choices. Values are the stable English codes (glossary.md); labels are the Russian.
# ---------------------------------------------------------------------------------------


class PresetCode(models.TextChoices):
    NPC_DZM = "npc_dzm", "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"
    ROSTGMU = "rostgmu", "ФГБОУ ВО РостГМУ Минздрава России"


class ProgrammeKind(models.TextChoices):
    QUALIFICATION_UPGRADE = "qualification_upgrade", "повышение квалификации"
    PROFESSIONAL_RETRAINING = "professional_retraining", "профессиональная переподготовка"


class AttestationForm(models.TextChoices):
    EXAM = "exam", "экзамен"
    CREDIT_TEST = "credit_test", "зачёт (недифференцированный)"


class GradeScale(models.TextChoices):
    FOUR_POINT = (
        "four_point",
        "четырёхбалльная (отлично, хорошо, удовлетворительно, неудовлетворительно)",
    )
    TWO_POINT = "two_point", "двухбалльная (зачтено, не зачтено)"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "отлично"
    GOOD = "good", "хорошо"
    SATISFACTORY = "satisfactory", "удовлетворительно"
    UNSATISFACTORY = "unsatisfactory", "неудовлетворительно"
    PASSED = "passed", "зачтено"
    FAILED = "failed", "не зачтено"


class StageKind(models.TextChoices):
    TESTING = "testing", "тестирование"
    CASE_TASKS = "case_tasks", "решение ситуационных задач (кейсов)"
    PRACTICAL_SKILLS = "practical_skills", "оценка практических навыков"
    INTERVIEW = "interview", "собеседование"
    DEFENCE = "defence", "защита работы"


class DefenceWork(models.TextChoices):
    ESSAY = "essay", "реферат"
    PROJECT = "project", "проектная работа"
    ATTESTATION_WORK = "attestation_work", "аттестационная работа"


class FinalGradeMethod(models.TextChoices):
    ARITHMETIC_MEAN = "arithmetic_mean", "среднее арифметическое оценок этапов"


class AdmissionRequirement(models.TextChoices):
    PROGRAMME_COMPLETED = "programme_completed", "программа (ДПП) освоена"
    INTERMEDIATE_ASSESSMENTS_PASSED = (
        "intermediate_assessments_passed",
        "промежуточные аттестации пройдены (при их наличии)",
    )
    NO_DEBTS = "no_debts", "нет задолженностей"
    CURRICULUM_COMPLETED = (
        "curriculum_completed",
        "учебный (индивидуальный) план выполнен в полном объёме",
    )


class AttestationPlace(models.TextChoices):
    ORGANISATION = "organisation", "в организации"
    UNIT = "unit", "в структурном подразделении"
    CUSTOMER_PREMISES = "customer_premises", "на территории заказчика"


class RemoteMode(models.TextChoices):
    PARTIAL = "partial", "частично с ДОТ и ЭО"
    FULL = "full", "полностью с ДОТ и ЭО"


class RemoteTool(models.TextChoices):
    VIDEOCONFERENCE = "videoconference", "двусторонняя видеоконференция"
    TESTING_SYSTEM = "testing_system", "АС ДПО (система тестирования)"


class Notifier(models.TextChoices):
    STUDY_DEPARTMENT = "study_department", "учебный отдел"
    DEPARTMENT = "department", "кафедра, реализующая программу"


class Anchor(models.TextChoices):
    COHORT_START = "cohort_start", "начало обучения (цикла)"
    COHORT_END = "cohort_end", "окончание обучения"


class Direction(models.TextChoices):
    BEFORE = "before", "до"
    AFTER = "after", "после"


class ApprovingAuthority(models.TextChoices):
    DIRECTOR_ORDER = "director_order", "приказ директора"
    RECTOR_ORDER = "rector_order", "приказ ректора"
    VICE_RECTOR_ORDER = "vice_rector_order", "распоряжение проректора"


class Post(models.TextChoices):
    """What a person is in the organisation, for the appointment rules of a commission."""

    HEAD_OF_STUDY_DEPARTMENT = "head_of_study_department", "начальник учебного отдела"
    HEAD_OF_PROGRAMME_UNIT = (
        "head_of_programme_unit",
        "руководитель подразделения, реализующего ДПП",
    )
    STUDY_DEPARTMENT_STAFF = "study_department_staff", "сотрудник учебного отдела"
    PROGRAMME_UNIT_STAFF = "programme_unit_staff", "сотрудник подразделения, реализующего ДПП"
    TEACHING_STAFF = "teaching_staff", "преподаватель подразделения по профилю ДПП"
    ACADEMIC_STAFF = "academic_staff", "научно-педагогический работник"
    OTHER_UNIT_STAFF = "other_unit_staff", "сотрудник другого структурного подразделения"


class ChairReplacement(models.TextChoices):
    DEPUTY_CHAIR = "deputy_chair", "заместитель председателя"
    DESIGNATED_MEMBER = (
        "designated_member",
        "один из членов комиссии, назначенный в установленном порядке",
    )


class PresenceRule(models.TextChoices):
    CHAIR = "chair", "только председатель"
    CHAIR_OR_REPLACEMENT = "chair_or_replacement", "председатель или замещающее его лицо"


class MajorityBasis(models.TextChoices):
    PRESENT_MEMBERS = "present_members", "большинство членов, участвующих в заседании"
    LISTED_MEMBERS = "listed_members", "большинство списочного состава"


class CastingVote(models.TextChoices):
    CHAIR = "chair", "председатель"
    PRESIDING = "presiding", "председательствующий (председатель или замещающее его лицо)"


class Scheduler(models.TextChoices):
    STUDY_DEPARTMENT = "study_department", "учебный отдел"
    ORGANISATION = "organisation", "организация (университет)"


class LateDocumentsHandler(models.TextChoices):
    DISPUTE_COMMISSION = "dispute_commission", "комиссия по урегулированию споров"


class QualificationDocument(models.TextChoices):
    QUALIFICATION_CERTIFICATE = (
        "qualification_certificate",
        "удостоверение о повышении квалификации",
    )
    RETRAINING_DIPLOMA = "retraining_diploma", "диплом о профессиональной переподготовке"


class ResultDocument(models.TextChoices):
    ATTESTATION_STATEMENT = "attestation_statement", "ведомость итоговой аттестации"
    RETRAINING_PROTOCOL = (
        "retraining_protocol",
        "протокол итоговой аттестации (переподготовка, на слушателя)",
    )
    COMMISSION_REPORT = "commission_report", "отчёт комиссии"
    MEETING_PROTOCOL = "meeting_protocol", "протокол заседания аттестационной комиссии"


RESULT_DOCUMENT_PROGRAMME_KINDS: dict[str, tuple[str, ...]] = {
    # The form of the statement is titled «… на цикле повышения квалификации» (npc-app1),
    # the protocol of Appendix 1 «… на цикле профессиональной переподготовки» (rgmu-app1);
    # the report (rgmu-app2) and the protocol of the meeting (npc-2.13) cover any cohort.
    # Which documents an organisation keeps is its regulation's data (`result_documents`);
    # this is what each form is for (ADR 0111).
    ResultDocument.ATTESTATION_STATEMENT.value: (ProgrammeKind.QUALIFICATION_UPGRADE.value,),
    ResultDocument.RETRAINING_PROTOCOL.value: (ProgrammeKind.PROFESSIONAL_RETRAINING.value,),
    ResultDocument.COMMISSION_REPORT.value: (
        ProgrammeKind.QUALIFICATION_UPGRADE.value,
        ProgrammeKind.PROFESSIONAL_RETRAINING.value,
    ),
    ResultDocument.MEETING_PROTOCOL.value: (
        ProgrammeKind.QUALIFICATION_UPGRADE.value,
        ProgrammeKind.PROFESSIONAL_RETRAINING.value,
    ),
}
"""The programme kinds each result document's form is made for (ADR 0111)."""


class Signatory(models.TextChoices):
    CHAIR_OR_REPLACEMENT = "chair_or_replacement", "председатель (или замещающее его лицо)"
    MEMBERS = "members", "члены комиссии"
    SECRETARY = "secretary", "секретарь"


class FailedDocument(models.TextChoices):
    TRAINING_RECORD = "training_record", "справка об обучении / о периоде обучения"


class HandoverMode(models.TextChoices):
    IN_PERSON = "in_person", "лично"
    PROXY = "proxy", "доверенному лицу по заверенной доверенности"
    REGISTERED_MAIL = "registered_mail", "заказным почтовым отправлением с уведомлением о вручении"


class AppealAddressee(models.TextChoices):
    APPEAL_COMMISSION_CHAIR = "appeal_commission_chair", "председателю апелляционной комиссии"
    RECTOR = "rector", "ректору"


class AppealFiler(models.TextChoices):
    LEARNER = "learner", "обучившийся лично"
    PROXY = "proxy", "доверенное лицо"


class DayCount(models.TextChoices):
    CALENDAR = "calendar", "календарные дни"
    WORKING = "working", "рабочие дни"


class AppealCommissionKind(models.TextChoices):
    STANDING = "standing", "постоянная, на срок"
    PER_APPEAL = "per_appeal", "создаётся по каждой апелляции"


class QuorumKind(models.TextChoices):
    MIN_MEMBERS = "min_members", "не менее заданного числа членов"
    SHARE_OF_MEMBERS = "share_of_members", "не менее заданной доли членов"


class AppealOutcome(models.TextChoices):
    REJECT = "reject", "отклонить апелляцию и сохранить результат"
    SATISFY_WITH_RESULT = "satisfy_with_result", "удовлетворить апелляцию с новым результатом"
    SATISFY_WITH_RETAKE = (
        "satisfy_with_retake",
        "удовлетворить апелляцию с повторным прохождением аттестации",
    )


class AppealDocument(models.TextChoices):
    APPLICATION = "application", "заявление"
    ATTESTATION_STATEMENT = "attestation_statement", "ведомость итоговой аттестации"
    RETRAINING_PROTOCOL = "retraining_protocol", "протокол итоговой аттестации (переподготовка)"
    WRITTEN_ANSWERS = "written_answers", "письменные ответы обучившегося"
    TESTING_PROTOCOL = "testing_protocol", "индивидуальный протокол из АС ДПО"


class NoticeChannel(models.TextChoices):
    POST = "post", "почтовое отправление"


class SpecialConditionsAddressee(models.TextChoices):
    DEAN = "dean", "декан факультета"


# Values that `rules.py` takes and returns (not stored in a regulation).


class CommissionRole(models.TextChoices):
    CHAIR = "chair", "председатель"
    DEPUTY_CHAIR = "deputy_chair", "заместитель председателя"
    MEMBER = "member", "член комиссии"
    SECRETARY = "secretary", "секретарь"


class VoteChoice(models.TextChoices):
    FOR = "for", "за"
    AGAINST = "against", "против"
    ABSTAIN = "abstain", "воздержался"


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", "решение принято"
    REJECTED = "rejected", "решение отклонено"
    NO_MAJORITY = "no_majority", "решение не принято: нет большинства"
    NOT_COMPETENT = "not_competent", "комиссия неправомочна принимать решение"


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


def __getattr__(name: str) -> Any:  # noqa: ANN401 - a module attribute of any kind
    """Load the rule tree from `schema` on first use (see the module docstring)."""
    if name == "RegulationRules":
        from nmo.regulations.schema import RegulationRules

        return RegulationRules
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _explain_amendment(changes: Mapping[str, Any]) -> Lines:
    """An amendment as the rules it changed, each by its Russian label and values."""
    from nmo.regulations.display import format_stored, label_of_path

    lines: Lines = [("версия", NO_BEFORE, changes["version"])]
    if changes.get("reason"):
        lines.append(("основание", NO_BEFORE, changes["reason"]))
    for path, pair in changes["diff"].items():
        lines.append(
            (
                label_of_path(path),
                format_stored(path, pair["old"]),
                format_stored(path, pair["new"]),
            )
        )
    return lines


# The audit log's words for this app's actions (ADR 0018).
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "regulation.install_preset": "Установлен типовой шаблон положения",
    "regulation.apply_preset": "Организация перешла на типовое положение",
    "regulation.amend": AuditAction("Внесены изменения в положение", explain=_explain_amendment),
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "preset_code": AuditField("типовое положение", choices=choices_of(PresetCode.choices)),
    "template_version": "версия шаблона",
    "diff": "изменения",
}
