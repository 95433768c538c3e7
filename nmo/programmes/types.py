"""Frozen values that cross the app's boundary: inputs of the services and their results."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import TextChoices

from nmo.core.audit import AuditAction, AuditField, choices_of
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    DefenceWork,
    GradeScale,
    Notifier,
    ProgrammeKind,
    RegulationRules,
    StageKind,
)

if TYPE_CHECKING:
    from nmo.programmes.models import Programme


@dataclass(frozen=True)
class RegulationInForce:
    """The rules an organisation works under, with the clause each rule reproduces (from
    the preset the regulation was made from; empty when unknown)."""

    version_id: int
    rules: RegulationRules
    clauses: Mapping[str, str] = field(default_factory=dict)

    def clause(self, path: str) -> str:
        """The clause id of a rule ("npc-2.3"), or "" when the regulation does not say."""
        return self.clauses.get(path, "")


@dataclass(frozen=True)
class ProgrammeData:
    """What staff fill in for a programme. Empty criteria are prefilled from the
    regulation's wording (rgmu-3.2, npc-3.3)."""

    unit_id: int
    kind: ProgrammeKind
    title: str
    hours: int
    attestation_form: AttestationForm
    attestation_hours: int
    remote_share_percent: int = 0
    specialty_ids: tuple[int, ...] = ()
    criteria_excellent: str = ""
    criteria_good: str = ""
    criteria_satisfactory: str = ""
    criteria_unsatisfactory: str = ""
    criteria_passed: str = ""
    criteria_failed: str = ""


@dataclass(frozen=True)
class StageData:
    """One stage as staff fill it in. An empty threshold of a testing stage takes the
    regulation's recommended one (npc-3.5, rgmu-3.6); empty four-point bounds take the
    regulation's bands."""

    kind: StageKind
    scale: GradeScale
    duration_minutes: int
    mode: str
    defence_work: DefenceWork | None = None
    pass_threshold_percent: int | None = None
    excellent_from_percent: int | None = None
    good_from_percent: int | None = None


@dataclass(frozen=True)
class BankRow:
    """One parsed row of an assessment-bank file (`row` is its number in the sheet)."""

    row: int
    kind: str
    text: str
    stage_order: int | None
    options: tuple[str, ...]
    correct_answers: tuple[int, ...]


@dataclass(frozen=True)
class BankImport:
    programme_id: int
    created: int
    replaced: int


# --- what the ФИС ФРДО template for ДПО asks of a learner (ADR 0114) -------------------
# The labels are the template's reference values, written into the file as they stand.

OKSM_RUSSIA = "643"
"""The ОКСМ code of Russia: the citizenship an enrolment gets when none is stated."""


class EducationLevel(TextChoices):
    """«Уровень образования ВО/СПО»: the education a ДПП is built on (273-ФЗ, ст. 76 ч. 3)."""

    HIGHER = "higher", "Высшее образование"
    SECONDARY_VOCATIONAL = "secondary_vocational", "Среднее профессиональное образование"


class StudyForm(TextChoices):
    """«Форма обучения» of a cohort (273-ФЗ, ст. 17 ч. 2)."""

    FULL_TIME = "full_time", "Очная"
    PART_TIME = "part_time", "Очно-заочная"
    EXTRAMURAL = "extramural", "Заочная"


class FundingSource(TextChoices):
    """«Источник финансирования обучения» of one learner (273-ФЗ, ст. 99, 101)."""

    FEDERAL_BUDGET = "federal_budget", "За счет бюджетных ассигнований федерального бюджета"
    REGIONAL_BUDGET = (
        "regional_budget",
        "За счет бюджетных ассигнований бюджета субъекта Российской Федерации",
    )
    LOCAL_BUDGET = "local_budget", "За счет бюджетных ассигнований местного бюджета"
    CONTRACT = "contract", "По договору об оказании платных образовательных услуг"


@dataclass(frozen=True)
class CohortData:
    """What staff fill in for a cohort."""

    starts_on: date
    ends_on: date
    attestation_date: date
    place: AttestationPlace
    title: str = ""
    unit_id: int | None = None
    address: str = ""
    is_remote: bool = False
    uses_videoconference: bool = False
    videoconference_requirements: str = ""
    study_form: str = ""  # a StudyForm value, "" while not stated


@dataclass(frozen=True)
class LearnerRow:
    """One learner to enrol (a form, a file row or an API item); `row` numbers it in the
    source (1-based sheet row, or 0-based index of an API list)."""

    row: int
    last_name: str
    first_name: str
    middle_name: str = ""
    snils: str = ""
    email: str = ""
    phone: str = ""
    contract_number: str = ""
    contract_date: date | None = None
    sex: str = ""  # "male" | "female" | "" (not given: inferred for a new account)
    birth_date: date | None = None
    # What the FRDO template asks (ADR 0114); "" = not stated (citizenship: Russia).
    citizenship: str = ""
    education_level: str = ""
    diploma_last_name: str = ""
    diploma_series: str = ""
    diploma_number: str = ""
    funding_source: str = ""


@dataclass(frozen=True)
class FrdoDetails:
    """What a learner states for ФИС ФРДО on the enrolment page (stored values)."""

    citizenship: str = ""
    education_level: str = ""
    diploma_last_name: str = ""
    diploma_series: str = ""
    diploma_number: str = ""
    funding_source: str = ""

    def as_row(self) -> "LearnerRow":
        return LearnerRow(
            row=0,
            last_name="",
            first_name="",
            citizenship=self.citizenship,
            education_level=self.education_level,
            diploma_last_name=self.diploma_last_name,
            diploma_series=self.diploma_series,
            diploma_number=self.diploma_number,
            funding_source=self.funding_source,
        )


@dataclass(frozen=True)
class EnrolmentImport:
    """What an enrolment import did: accounts `created` or found (`existing`), learners
    newly `enrolled` and those `already_enrolled` in the cohort (left as they were)."""

    cohort_id: int
    created: int
    existing: int
    enrolled: int
    already_enrolled: int
    enrolment_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class AdmissionFacts:
    """What admission depends on for one learner (npc-2.3, rgmu-2.3)."""

    programme_completed: bool
    curriculum_completed: bool
    failed_assessments: tuple[str, ...] = ()
    open_debts: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdmissionResult:
    """The admission decision for one learner: `reasons` are the conditions not met, as
    Russian sentences naming the clause; `overridden` when staff changed the decision."""

    admission_id: int
    enrolment_id: int
    learner_id: int
    learner_name: str
    admitted: bool
    reasons: tuple[str, ...]
    overridden: bool
    justification: str = ""


@dataclass(frozen=True)
class NoticeRun:
    """What one run of `send_due_notices` did."""

    notices: int = 0
    delivered: int = 0
    failed: int = 0


@dataclass(frozen=True)
class NoticePlan:
    """When a notice is due and who sends it, as the regulation says."""

    kind: str
    due_on: date
    notified_by: Notifier | None


@dataclass(frozen=True)
class CompletionOutcome:
    """What marking learners as having mastered the programme did, by learner's name:
    marked now, marked before, and refused with the reason (in Russian)."""

    marked: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SpecialConditionsRequest:
    """What a disabled learner asks for in the written application (rgmu-7.6, rgmu-7.7):
    for each attestation stage whether an assistant and extra time are needed (the ids of
    the programme's stages), the technical means, accessible premises, and the individual
    features (medical; staff only).

    A caller that gives no stage ids may say it per kind instead: `needs_assistant` means
    every stage, `extra_time_written` every written stage, `extra_time_oral` every oral
    one. With stage ids the three flags are ignored."""

    needs_assistant: bool = False
    extra_time_written: bool = False
    extra_time_oral: bool = False
    assistant_stage_ids: tuple[int, ...] = ()
    extra_time_stage_ids: tuple[int, ...] = ()
    technical_means: str = ""
    accessible_premises: bool = False
    individual_features: str = ""


@dataclass(frozen=True)
class SpecialConditionsGrant:
    """What the organisation grants (rgmu-7.2, rgmu-7.4): minutes within the regulation's
    (or the law's, ADR 0305) ceilings and only for what the learner asked."""

    assistant: bool = False
    written_minutes: int = 0
    oral_minutes: int = 0
    technical_means: str = ""
    accessible_premises: bool = False


@dataclass(frozen=True)
class SpecialConditions:
    """The special conditions granted to a learner for one enrolment, applied at every
    stage without retyping: what the testing system adds to a written test's time limit
    (`written_minutes`), the oral preparation extension, the assistant, the technical
    means and accessible premises the commission must provide. Nothing medical."""

    enrolment_id: int
    application_id: int
    assistant: bool
    written_minutes: int
    oral_minutes: int
    technical_means: str
    accessible_premises: bool
    granted_on: date | None
    assistant_stage_ids: frozenset[int] = frozenset()
    extra_time_stage_ids: frozenset[int] = frozenset()
    # What the application asked per kind of stage (its yes/no flags) and which kinds
    # («written», «oral») its remaining stage links cover: the links only narrow the flags.
    assistant_asked: bool = False
    extra_time_written_asked: bool = False
    extra_time_oral_asked: bool = False
    extra_time_kinds: frozenset[str] = frozenset()

    def extra_minutes_for(self, stage_id: int, *, oral: bool) -> int:
        """The minutes granted on top of one stage (rgmu-7.4, rgmu-7.7): the oral
        preparation extension for an oral stage, the written one otherwise — for a stage
        the learner asked extra time for, or, when the application names no stage of that
        kind (filed before the per-stage choice, a programme without stages then, the
        stage removed since), for every stage of the kind asked (ADR 0305)."""
        minutes = self.oral_minutes if oral else self.written_minutes
        if stage_id in self.extra_time_stage_ids:
            return minutes
        kind = "oral" if oral else "written"
        asked = self.extra_time_oral_asked if oral else self.extra_time_written_asked
        return minutes if asked and kind not in self.extra_time_kinds else 0

    def assistant_at(self, stage_id: int) -> bool:
        """Whether the assistant is granted at the stage: asked for that stage, or asked
        with no stage named (then at every stage, ADR 0305)."""
        if not self.assistant:
            return False
        if self.assistant_stage_ids:
            return stage_id in self.assistant_stage_ids
        return self.assistant_asked


@dataclass(frozen=True)
class NoticeTimeliness:
    """Whether a cohort notice reached its learners on time: `overdue` — its date has
    passed and someone has not got it; `late_count` — learners who got it after the date."""

    overdue: bool
    late_count: int

    @property
    def is_late(self) -> bool:
        return self.overdue or self.late_count > 0


# The audit log's words for this app's actions (ADR 0018).
_STAGE = "programmes.programmestage"
# --- The public catalogue of programmes (issue 15, ADR 0116) ------------------------------


@dataclass(frozen=True)
class CatalogueCardData:
    """What the organisation states on a programme's card in the public catalogue: a short
    description, the price (None — not sold under a contract), whether an educational
    certificate pays for it, and the seats offered in each upcoming cohort (cohort id →
    seats; None — the cohort takes no applications)."""

    summary: str = ""
    price: Decimal | None = None
    by_certificate: bool = False
    seats: Mapping[int, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgrammeCatalogueFilters:
    """The catalogue's filters as they apply to programmes: `q` a substring of the title,
    `specialty` a specialty code, `kind` ПК/ПП (ProgrammeKind), `format` «online» (fully
    distance learning) or «in_person» (with a classroom part), and `date_from`/`date_to`
    keep the programmes with an open cohort whose dates overlap that period."""

    q: str = ""
    specialty: str = ""
    kind: str = ""
    format: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class ProgrammeCataloguePage:
    """One page of the programmes in the catalogue: each programme with its organisation,
    specialties and `open_cohorts` (upcoming cohorts that take applications, each with
    `seats_left`) loaded, and the total number of matching programmes."""

    items: "list[Programme]"
    total: int
    number: int
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "programme.catalogue_card": "Изменена карточка программы в каталоге",
    "programme.publish": "Программа опубликована в каталоге",
    "programme.unpublish": "Программа снята с публикации в каталоге",
    "programme.create": "Создана программа",
    "programme.update": "Изменена программа",
    "programme.set_curriculum": "Изменены квалификация и дисциплины (модули) программы",
    "programme.add_stage": AuditAction("Добавлен этап итоговой аттестации", fields_of=_STAGE),
    "programme.update_stage": AuditAction("Изменён этап итоговой аттестации", fields_of=_STAGE),
    "programme.remove_stage": AuditAction("Удалён этап итоговой аттестации", fields_of=_STAGE),
    "programme.import_assessment_bank": "Загружен фонд оценочных средств",
    "programmes.send_notice": "Разослано уведомление слушателям",
    "programmes.retry_notice": "Назначена повторная рассылка уведомления",
    "admission.decide": AuditAction(
        "Принято решение о допуске к итоговой аттестации", fields_of="programmes.admission"
    ),
    "admission.override": "Решение о допуске изменено вручную",
    "admission.retake": "Слушатель допущен к повторной аттестации",
    "cohort.create": "Создана группа",
    "cohort.update": "Изменена группа",
    "cohort.enrol_learners": AuditAction(
        "Зачислены слушатели",
        fields={
            "source": AuditField(
                "откуда", choices={"form": "форма на странице", "api": "через API"}
            ),
            "created": "новых учётных записей",
        },
    ),
    "enrolment.update": "Изменены сведения о слушателе",
    "enrolment.intermediate_result": AuditAction(
        "Записан результат промежуточной аттестации", fields_of="programmes.intermediateresult"
    ),
    "enrolment.debt": "Записана задолженность",
    "enrolment.clear_debt": "Задолженность погашена",
    "special_conditions.file": "Подано заявление о специальных условиях итоговой аттестации",
    "special_conditions.grant": "Предоставлены специальные условия итоговой аттестации",
    "special_conditions.refuse": "Отказано в специальных условиях итоговой аттестации",
    "programme_application.file": "Подана заявка на обучение",
    "programme_application.withdraw": "Заявка на обучение отозвана",
    "programme_application.accept": "Заявка на обучение принята, специалист зачислен",
    "programme_application.decline": "Заявка на обучение отклонена",
    "programme_application.contract": "Записан договор по заявке на обучение",
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "enrolment": AuditField("слушатель", refers_to="programmes.enrolment"),
    "cohort": AuditField("группа", refers_to="programmes.cohort"),
    "programme": AuditField("программа", refers_to="programmes.programme"),
    "order": "номер этапа",
    "admitted": "допущен",
    "refused": "не допущено",
    "decisions": "решения",
    "overridden": "решение изменено вручную",
    "justification": "обоснование",
    "reasons": "причины недопуска",
    "attempt": "попытка",
    "delivered": "доставлено",
    "failed": "не доставлено",
    "recipients": "получателей",
    "existing": "уже были в системе",
    "enrolled": "зачислено",
    "already_enrolled": "уже зачислены",
    "snils_filled_for": "СНИЛС дополнен",
    "debt": "задолженность",
    "cleared_on": "дата погашения",
    "passed": "пройдена",
    "assessed_on": "дата",
    "stage_kind": AuditField("вид этапа", choices=choices_of(StageKind.choices)),
    "supporting_documents": "подтверждающих документов",
    "citizenship": "гражданство (код ОКСМ)",
    "education_level": AuditField(
        "уровень образования ВО/СПО", choices=choices_of(EducationLevel.choices)
    ),
    "diploma_last_name": "фамилия в дипломе о ВО/СПО",
    "diploma_series": "серия диплома о ВО/СПО",
    "diploma_number": "номер диплома о ВО/СПО",
    "funding_source": AuditField(
        "источник финансирования обучения", choices=choices_of(FundingSource.choices)
    ),
    "study_form": AuditField("форма обучения", choices=choices_of(StudyForm.choices)),
    "payment_basis": "основание обучения",
    "voucher_number": "номер образовательного сертификата",
    "employer_name": "работодатель",
    "contract_number": "номер договора",
    "contract_date": "дата договора",
    "contract_payer": "заказчик по договору",
    "decision_reason": "причина отказа",
}


@dataclass(frozen=True)
class DisciplineData:
    """One discipline (module) of a programme's curriculum as staff type it: its title and
    hours (a row of the diploma's supplement)."""

    title: str
    hours: int


@dataclass(frozen=True)
class CurriculumData:
    """What a retraining diploma states from its programme: the qualification awarded, the
    field of professional activity, and the disciplines (modules) with their hours."""

    qualification_title: str = ""
    practice_field: str = ""
    disciplines: tuple[DisciplineData, ...] = ()


@dataclass(frozen=True)
class ApplicationRequest:
    """What a specialist fills in to apply for a cohort: how the training is paid for —
    an educational certificate (its number), a contract with the specialist, or a contract
    with the employer (its name) — and an optional comment."""

    payment_basis: str
    voucher_number: str = ""
    employer_name: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ContractData:
    """The training contract the organisation records for an accepted application; an
    empty payer is taken from the payment basis (the specialist or the employer)."""

    number: str
    concluded_on: date | None
    payer: str = ""


@dataclass(frozen=True)
class CohortSuggestion:
    """An open cohort the cabinet suggests beside the specialist's cycles: what its line
    shows, small enough to keep in the cache."""

    cohort_id: int
    programme_title: str
    organisation: str
    hours: int
    starts_on: date
    ends_on: date
