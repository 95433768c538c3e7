"""Refusals of the programmes app, each with a stable code."""

from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = [
    "AdmissionOverrideInvalid",
    "ApplicationExists",
    "ApplicationInvalid",
    "ApplicationNotOpen",
    "AssessmentBankFileInvalid",
    "CatalogueCardInvalid",
    "CohortClosedForApplications",
    "CohortInvalid",
    "LearnersInvalid",
    "NoSeatsLeft",
    "NoticeNotRetryable",
    "ProgrammeBreachesRegulation",
    "ProgrammeInvalid",
    "ProgrammeNotReady",
    "SpecialConditionsInvalid",
    "SpecialConditionsNotOpen",
    "StageInvalid",
]


class ProgrammeInvalid(ValidationFailed):
    code = "programme_invalid"
    default_message = "Программа заполнена с ошибками."


class ProgrammeBreachesRegulation(ValidationFailed):
    """The programme's kind, form, stages or scales are not allowed by the organisation's
    regulation; each message names the clause."""

    code = "programme_breaches_regulation"
    default_message = "Программа не соответствует положению об итоговой аттестации."


class CatalogueCardInvalid(ValidationFailed):
    """The catalogue card is filled wrongly, or the programme could not be used by a
    specialist if it were published (no specialty, no upcoming cohort with seats, no way
    to pay); each message says what to add."""

    code = "catalogue_card_invalid"
    default_message = "Программу нельзя опубликовать в каталоге в таком виде."


class StageInvalid(ValidationFailed):
    code = "stage_invalid"
    default_message = "Этап итоговой аттестации заполнен с ошибками."


class StageInUse(Conflict):
    """A stage that already has results of an attestation cannot be removed."""

    code = "stage_in_use"
    default_message = "Этап нельзя удалить: по нему уже есть результаты аттестации."


class ProgrammeNotReady(Conflict):
    """A cohort cannot start on a programme that breaches the regulation in force or lacks
    the stages of its attestation."""

    code = "programme_not_ready"
    default_message = "Программа не готова: проверьте этапы итоговой аттестации."


class AssessmentBankFileInvalid(ValidationFailed):
    code = "assessment_bank_file_invalid"
    default_message = "Файл ФОС не загружен: исправьте ошибки и загрузите его снова."


class CohortInvalid(ValidationFailed):
    code = "cohort_invalid"
    default_message = "Группа заполнена с ошибками."


class LearnersInvalid(ValidationFailed):
    code = "learners_invalid"
    default_message = "Слушатели не зачислены: исправьте ошибки и повторите."


class AdmissionOverrideInvalid(ValidationFailed):
    code = "admission_override_invalid"
    default_message = "Решение о допуске не изменено: укажите обоснование."


class NoticeNotRetryable(Conflict):
    code = "notice_not_retryable"
    default_message = "Повторно отправить можно только уведомление, отправка которого не удалась."


class SpecialConditionsInvalid(ValidationFailed):
    code = "special_conditions_invalid"
    default_message = "Заявление о специальных условиях заполнено с ошибками."


class SpecialConditionsNotOpen(Conflict):
    code = "special_conditions_not_open"
    default_message = "Решение по этому заявлению уже принято."


class ApplicationInvalid(ValidationFailed):
    code = "application_invalid"
    default_message = "Заявка на обучение заполнена с ошибками."


class ApplicationExists(Conflict):
    code = "application_exists"
    default_message = (
        "Вы уже подали заявку в эту группу: дождитесь решения организации или отзовите заявку."
    )


class ApplicationNotOpen(Conflict):
    code = "application_not_open"
    default_message = "По этой заявке решение уже принято или она отозвана."


class CohortClosedForApplications(Conflict):
    code = "cohort_closed_for_applications"
    default_message = "Группа не принимает заявок."


class NoSeatsLeft(Conflict):
    """The cohort's seats offered in the catalogue are all taken (ADR 0117)."""

    code = "no_seats_left"
    default_message = "Свободных мест в группе не осталось: выберите другую группу программы."
