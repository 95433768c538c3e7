"""Refusals of the credit ledger, cycles, completions and the learning plan."""

from nmo.core.exceptions import Conflict, NotFound, ValidationFailed

__all__ = [
    "ActivityNotInCatalogue",
    "AlreadyCredited",
    "CycleInvalid",
    "CycleOverlaps",
    "CycleRuleInvalid",
    "EntryAlreadyReversed",
    "EntryFromOtherPortal",
    "EntryNotReversible",
    "ModuleCompletionInvalid",
    "ModuleNotInCatalogue",
    "NoDefaultCycleRule",
    "PlanItemDone",
    "PlanItemInvalid",
    "ProgrammeHoursInvalid",
    "ProgrammeHoursRecorded",
    "ReversalInvalid",
    "SpecialistNotFound",
    "SyncedCreditInvalid",
]


class AlreadyCredited(Conflict):
    """The specialist already holds the credits of this activity."""

    code = "already_credited"
    default_message = "Кредиты за это мероприятие уже начислены вам ранее."


class ActivityNotInCatalogue(ValidationFailed):
    """Only accredited catalogue activities carry credits (faq-only-listed); a foreign one
    only while the switch is on (faq-foreign: raised with code
    `foreign_credits_not_counted`)."""

    code = "activity_not_in_catalogue"
    default_message = "Кредиты начисляются только за мероприятия и модули из каталога."


class ModuleNotInCatalogue(Conflict):
    """A completion was reported for something that is not an accredited e-module of the
    catalogue (or a foreign one while foreign credits are off: code
    `foreign_credits_not_counted`)."""

    code = "module_not_in_catalogue"
    default_message = (
        "Кредиты начисляются только за электронные учебные модули, опубликованные в каталоге."
    )


class ModuleCompletionInvalid(ValidationFailed):
    code = "completion_invalid"
    default_message = "Проверьте данные об освоении модуля."


class SpecialistNotFound(NotFound):
    """No specialist with that SNILS or e-mail is registered."""

    code = "specialist_not_found"
    default_message = "Специалист с таким СНИЛС или адресом электронной почты не зарегистрирован."


class CycleInvalid(ValidationFailed):
    code = "cycle_invalid"
    default_message = "Проверьте специальность и дату начала цикла."


class CycleOverlaps(Conflict):
    """Two cycles of one specialist in one specialty may not share a day."""

    code = "cycle_overlaps"
    default_message = "По этой специальности у вас уже есть цикл, пересекающийся с этими датами."


class NoDefaultCycleRule(Conflict):
    code = "no_default_cycle_rule"
    default_message = "Не задано правило пятилетнего цикла. Обратитесь к администратору."


class CycleRuleInvalid(ValidationFailed):
    code = "cycle_rule_invalid"
    default_message = "Проверьте правило цикла."


class EntryNotReversible(Conflict):
    """A reversing entry cannot itself be reversed."""

    code = "entry_not_reversible"
    default_message = "Сторнирующую запись нельзя сторнировать."


class EntryFromOtherPortal(Conflict):
    """A credit brought over from the credit portal by the link between the portals is
    corrected there, not here: its correction reaches this ledger with the next
    synchronisation (ADR 0502)."""

    code = "entry_from_other_portal"
    default_message = (
        "Эта запись перенесена с портала учёта кредитов и здесь не исправляется: исправьте "
        "её на портале учёта кредитов, исправление придёт сюда при синхронизации."
    )


class EntryAlreadyReversed(Conflict):
    code = "entry_already_reversed"
    default_message = "Эта запись уже сторнирована."


class ReversalInvalid(ValidationFailed):
    code = "reversal_invalid"
    default_message = "Укажите причину исправления."


class ProgrammeHoursInvalid(ValidationFailed):
    code = "programme_hours_invalid"
    default_message = "Проверьте часы программы."


class ProgrammeHoursRecorded(Conflict):
    code = "programme_already_recorded"
    default_message = "Часы по этому документу уже записаны."


class PlanItemInvalid(Conflict):
    """The activity cannot be planned in this cycle (not in the catalogue, another
    specialty, outside the cycle's dates, already planned)."""

    code = "plan_item_invalid"
    default_message = "Это мероприятие нельзя добавить в план этого цикла."


class PlanItemDone(Conflict):
    code = "plan_item_done"
    default_message = "Кредиты за этот пункт уже начислены: выполненный пункт остаётся в плане."


class SyncedCreditInvalid(ValidationFailed):
    """A record from the credit portal that this portal cannot book (faq-sync-why): an
    unknown specialty, a kind of activity it does not count, a correction of a record it
    never received."""

    code = "synced_credit_invalid"
    default_message = "Запись с портала учёта кредитов не может быть учтена."
