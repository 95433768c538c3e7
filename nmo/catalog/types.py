"""Values of the catalog that cross app boundaries: the choices of an activity, the data
of an application and the filters and pages of the public catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import TextChoices

from nmo.core.audit import AuditAction, AuditField

if TYPE_CHECKING:
    from nmo.catalog.models import Activity


class ActivityKind(TextChoices):
    """The two catalogues of faq-join-steps step 4: «Мероприятия» and «Модули»."""

    EVENT = "event", "Учебное мероприятие"
    MODULE = "module", "Электронный учебный модуль"


class ActivityFormat(TextChoices):
    IN_PERSON = "in_person", "Очно (аудиторно)"
    ONLINE = "online", "Онлайн (дистанционно)"


class ActivityStatus(TextChoices):
    SUBMITTED = "submitted", "Подана на оценку"
    ACCREDITED = "accredited", "Аккредитована"
    REJECTED = "rejected", "Отклонена"


class Decision(TextChoices):
    """What the accreditation commission decides on an application."""

    ACCREDITED = "accredited", "Аккредитовать"
    REJECTED = "rejected", "Отклонить"


@dataclass(frozen=True)
class ActivityData:
    """An application as the provider fills it in (page form or API body).

    `specialties` are codes of the nomenclature; the service resolves and checks them.
    """

    kind: str
    title: str
    specialties: tuple[str, ...]
    format: str
    starts_on: date
    ends_on: date
    hours_requested: int
    location: str = ""
    country: str = "RU"
    description: str = ""


@dataclass(frozen=True)
class CatalogueFilters:
    """What the public catalogue is narrowed by; empty values do not filter.

    `specialty` is a specialty code; `date_from`/`date_to` keep the activities whose dates
    overlap that period.
    """

    q: str = ""
    specialty: str = ""
    kind: str = ""
    format: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class CataloguePage:
    """One page of the catalogue: its activities (provider and specialties loaded) and the
    number of activities matching the filters on all pages."""

    items: list[Activity]
    total: int
    number: int
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# The audit log's words for this app's actions (ADR 0018).
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "specialty.load": "Загружена номенклатура специальностей",
    "specialty.create": "Добавлена специальность",
    "specialty.update": AuditAction("Изменена специальность", pairs=True),
    "activity.submit": "Подана заявка на оценку мероприятия",
    "activity.update": AuditAction("Изменена заявка на оценку мероприятия", pairs=True),
    "activity.accredit": AuditAction("Мероприятие аккредитовано", pairs=True),
    "activity.reject": AuditAction("В аккредитации мероприятия отказано", pairs=True),
    "credit_policy.update": AuditAction("Изменено правило учёта кредитов за рубежом", pairs=True),
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "kept_admin_edits": "сохранены правки администратора",
    "provider": "провайдер",
    "specialties": "специальности",
    "level": "уровень",
    "code": "код",
    "activity": AuditField("мероприятие или модуль", refers_to="catalog.activity"),
    "specialty": AuditField("специальность", refers_to="catalog.specialty"),
}
