"""Values of the cycles app that cross boundaries: the choices its ledger and rules store
(`TextChoices` declared once with their Russian label), a cycle rule's terms, progress
figures, the result of a completion report and the cabinet's data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import TextChoices

from nmo.core.audit import AuditAction, AuditField

if TYPE_CHECKING:
    from nmo.cycles.models import CreditEntry, Cycle, ModuleCompletion, PlanItem


class CreditSource(TextChoices):
    """How an entry came into the ledger."""

    CODE = "code", "Активация ИКП"
    MODULE = "module", "Электронный модуль"
    SUPPORT = "support", "Решение провайдера по обращению"
    PROGRAMME = "programme", "Программа ДПП"
    SYNC = "sync", "Синхронизация с порталом учёта кредитов"
    CORRECTION = "correction", "Исправление (сторнирование)"


class CreditKind(TextChoices):
    """What kind of educational activity an entry records; a cycle rule says which kinds
    feed which of its parts. The order is the order the parts are shown in."""

    PROGRAMME = "programme", "Программа ДПП в образовательной организации"
    EVENT = "event", "Учебные мероприятия"
    MODULE = "module", "Электронные учебные модули"


class OverflowPolicy(TextChoices):
    """What happens to hours beyond a part's requirement."""

    NONE = "none", "Сверх требуемого не засчитывается"
    INTO_TOTAL = "into_total", "Сверх требуемого засчитывается в общий объём"


@dataclass(frozen=True)
class RuleTerms:
    """A cycle rule as plain data (faq-cycle-hours): required hours per part, the kinds of
    activity that feed each part, what happens to a part's excess, the minimal remote
    share of the programme and the length of a cycle in years."""

    total: int
    parts: Mapping[str, int]
    part_kinds: Mapping[str, tuple[str, ...]]
    overflow: Mapping[str, str]
    min_remote_share: Decimal
    years: int


@dataclass(frozen=True)
class PartProgress:
    """One part of a cycle: required hours, what the ledger holds for it (`earned`), how
    much of that counts for the part (`counted`, at most `required`) and the excess."""

    name: str
    label: str
    required: int
    earned: int
    counted: int
    excess: int
    excess_counts_in_total: bool

    @property
    def is_met(self) -> bool:
        return self.counted >= self.required

    @property
    def remaining(self) -> int:
        return max(0, self.required - self.counted)

    @property
    def percent(self) -> int:
        """The share of the requirement reached, 0–100, for a progress bar."""
        if self.required <= 0:
            return 100
        return max(0, min(100, self.counted * 100 // self.required))

    @property
    def bar_step(self) -> int:
        """The percent in steps of 5, for the bar's width class (no inline styles); any
        progress at all shows at least one step, so 6 of 144 is not an empty bar."""
        return visible_step(self.percent, started=self.counted > 0)


def visible_step(percent: int, *, started: bool) -> int:
    """A bar's width in steps of 5%: rounded down, but never 0 once there is progress."""
    step = percent // 5 * 5
    return 5 if started and step == 0 else step


@dataclass(frozen=True)
class ProgressFigures:
    """A cycle's progress under its rule: parts, the total and the programme's remote share."""

    total_required: int
    total_earned: int
    parts: tuple[PartProgress, ...]
    programme_hours: int
    remote_hours: int
    remote_share: Decimal | None
    min_remote_share: Decimal
    remote_share_applies: bool
    remote_share_met: bool

    @property
    def total_percent(self) -> int:
        if self.total_required <= 0:
            return 100
        return max(0, min(100, self.total_earned * 100 // self.total_required))

    @property
    def total_bar_step(self) -> int:
        return visible_step(self.total_percent, started=self.total_earned > 0)

    @property
    def total_capped(self) -> int:
        """The total for a progress bar, whose value may not pass its maximum."""
        return max(0, min(self.total_earned, self.total_required))

    @property
    def total_remaining(self) -> int:
        return max(0, self.total_required - self.total_earned)

    @property
    def is_complete(self) -> bool:
        return (
            self.total_earned >= self.total_required
            and all(part.is_met for part in self.parts)
            and self.remote_share_met
        )

    @property
    def earned_by_part(self) -> dict[str, int]:
        return {part.name: part.earned for part in self.parts}

    @property
    def required_by_part(self) -> dict[str, int]:
        return {part.name: part.required for part in self.parts}

    @property
    def remote_percent(self) -> int | None:
        if self.remote_share is None:
            return None
        return int(self.remote_share * 100)

    @property
    def min_remote_percent(self) -> int:
        return int(self.min_remote_share * 100)


@dataclass(frozen=True)
class CycleProgress:
    """A cycle together with its progress."""

    cycle: Cycle
    progress: ProgressFigures


@dataclass(frozen=True)
class CompletionResult:
    """What a module completion report did: `created` is False for a repeated report,
    which returns the first completion and its credit entry unchanged."""

    completion: ModuleCompletion
    entry: CreditEntry
    created: bool


@dataclass(frozen=True)
class ProgrammeReport:
    """What an organisation's report of a completed ДПП did: the ledger entry, the
    specialist's cycle of that specialty covering the day (None when there is none yet),
    and `created`, False for a repeat of the same document number."""

    entry: CreditEntry
    cycle_id: int | None
    created: bool


@dataclass(frozen=True)
class PlanLine:
    """One item of a learning plan and whether the ledger already holds its credits."""

    item: PlanItem
    is_done: bool


@dataclass(frozen=True)
class CycleCard:
    """What the cabinet shows for one cycle: progress and the learning plan."""

    cycle: Cycle
    progress: ProgressFigures
    plan: tuple[PlanLine, ...] = field(default_factory=tuple)

    @property
    def planned_count(self) -> int:
        return len(self.plan)

    @property
    def done_count(self) -> int:
        return sum(1 for line in self.plan if line.is_done)


# The audit log's words for this app's actions (ADR 0018).
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "credit.post": "Начислены кредиты",
    "credit.programme": "Зачтены часы за программу повышения квалификации",
    "credit.programme_reverse": "Часы за программу ДПП сторнированы: документ отозван",
    "credit.reverse": "Начисление кредитов сторнировано",
    "credit.sync": "Кредиты перенесены с портала учёта кредитов",
    "cycle.enter": "Начат пятилетний цикл",
    "cycle_rule.add": "Добавлено правило цикла",
    "cycle_rule.default": "Правило цикла назначено для новых циклов",
    "module.complete": "Освоен модуль",
    "plan.add": "Мероприятие добавлено в план обучения",
    "plan.remove": "Мероприятие убрано из плана обучения",
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "entry": AuditField("запись о кредитах", refers_to="cycles.creditentry"),
    "credit_entry": AuditField("запись о кредитах", refers_to="cycles.creditentry"),
    "specialist": AuditField("специалист", refers_to="accounts.user"),
    "total": "всего часов",
    "min_remote_share": "минимальная доля ДОТ",
    "default": "для новых циклов",
    "occurred_on": "дата образовательной активности",
    "remote_hours": "из них с ДОТ",
    "reference": "основание",
    "cycle": AuditField("пятилетний цикл", refers_to="cycles.cycle"),
}
