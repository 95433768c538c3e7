"""The rule tree of a regulation: every rule in which the organisations' regulations differ,
or that is a number, as one frozen dataclass (`RegulationRules`), with its JSON form.

Private to the regulations app; other apps take `RegulationRules` from `types`. Each field
carries its Russian label and bounds (`codec.rule`); `codec` reads and writes the tree and
`consistency` checks that its rules do not contradict each other.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from nmo.core.exceptions import ValidationFailed
from nmo.regulations import codec
from nmo.regulations.codec import Unit, rule
from nmo.regulations.consistency import consistency_errors
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

SCHEMA_VERSION = 2
"""The shape of the stored rule tree; `to_dict` writes it as "schema". Version 2 added
the posts the appeal commission is appointed from (`AppealRules.chair_from` and the
others, ADR 0402); a version-1 tree is read with them empty: the regulation version
written then restricted no post, and a version is never rewritten."""

ANY_POST = "Пусто — любой сотрудник организации."

_ADDED_IN_2 = {
    "appeal": ("chair_from", "deputy_chair_from", "members_from", "secretary_from"),
}

# Every field has no default: a preset states every rule, with its clause.


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
    chair_from: tuple[Post, ...] = field(
        metadata=rule("Председатель апелляционной комиссии назначается из числа", hint=ANY_POST)
    )
    deputy_chair_from: tuple[Post, ...] = field(
        metadata=rule("Заместитель председателя назначается из числа", hint=ANY_POST)
    )
    members_from: tuple[Post, ...] = field(
        metadata=rule("Члены апелляционной комиссии назначаются из числа", hint=ANY_POST)
    )
    secretary_from: tuple[Post, ...] = field(
        metadata=rule("Секретарь апелляционной комиссии назначается из числа", hint=ANY_POST)
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
        if schema == 1:
            body = _upgrade_from_1(body)
        elif schema != SCHEMA_VERSION:
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


def _upgrade_from_1(body: dict[str, Any]) -> dict[str, Any]:
    """Read a version-1 tree as version 2: the rules added since are empty (no post
    restricted), the rest is checked as it is."""
    for topic, names in _ADDED_IN_2.items():
        section = body.get(topic)
        if isinstance(section, Mapping):
            body[topic] = {**{name: [] for name in names}, **section}
    return body
