"""The rules of a regulation in plain Russian, grouped by topic, for the pages."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Choices

from nmo.core.russian import plural
from nmo.regulations import codec
from nmo.regulations.codec import FieldInfo, Unit
from nmo.regulations.schema import RegulationRules
from nmo.regulations.types import Anchor, Direction, Notifier

_FORMS: dict[Unit, tuple[str, str, str]] = {
    Unit.WORKING_DAYS: ("рабочий день", "рабочих дня", "рабочих дней"),
    Unit.DAYS: ("день", "дня", "дней"),
    Unit.MONTHS: ("месяц", "месяца", "месяцев"),
    Unit.MINUTES: ("минута", "минуты", "минут"),
    Unit.PERSONS: ("человек", "человека", "человек"),
    Unit.TIMES: ("раз", "раза", "раз"),
}

NOT_SET = "не установлено"


def format_value(info: FieldInfo, value: Any) -> str:
    """Say a rule's value in Russian."""
    if value is None:
        return NOT_SET
    if info.kind == "bool":
        return "да" if value else "нет"
    if info.kind == "int":
        if info.unit == Unit.PERCENT:
            return f"{value}%"
        if info.unit in _FORMS:
            return f"{value} {plural(int(value), _FORMS[info.unit])}"
        return str(value)
    if info.kind == "enum":
        return value.label if isinstance(value, Choices) else str(value)
    if info.kind == "enums":
        return "; ".join(v.label for v in value) if value else "—"
    return str(value) or "—"


_ANCHOR_DAY = {
    Anchor.COHORT_START: "в день начала обучения",
    Anchor.COHORT_END: "в день окончания обучения",
}
_ANCHOR_OF = {Anchor.COHORT_START: "начала обучения", Anchor.COHORT_END: "окончания обучения"}


def notice_sentence(
    notified_by: Notifier | None, anchor: Anchor, days: int, direction: Direction
) -> str:
    """Say when a notice is due, e.g. "не позднее чем за 10 рабочих дней до окончания
    обучения"."""
    if days == 0:
        when = _ANCHOR_DAY[anchor]
    elif direction == Direction.BEFORE:
        when = (
            f"не позднее чем за {days} {plural(days, _FORMS[Unit.WORKING_DAYS])} до "
            f"{_ANCHOR_OF[anchor]}"
        )
    else:
        when = f"не позднее {days}-го рабочего дня после {_ANCHOR_OF[anchor]}"
    who = notified_by.label if notified_by is not None else "кто — положение не указывает"
    return f"{when}; сообщает: {who}"


@dataclass(frozen=True)
class RuleRow:
    path: str
    label: str
    value: str
    clause: str
    changed: bool


@dataclass(frozen=True)
class RuleTopic:
    name: str
    label: str
    rows: list[RuleRow]


def _get(rules: RegulationRules, path: str) -> Any:
    value: Any = rules
    for part in path.split("."):
        value = getattr(value, part)
    return value


def describe(
    rules: RegulationRules,
    clauses: Mapping[str, str],
    baseline: RegulationRules | None = None,
) -> list[RuleTopic]:
    """Return the rules grouped by topic, each with its value in Russian, the clause it
    comes from and whether it differs from `baseline` (the preset)."""
    rows: dict[str, list[RuleRow]] = {}
    done_groups: set[str] = set()
    accessibility_off = not rules.accessibility.special_conditions_regulated
    for info in codec.iter_fields(RegulationRules):
        value = _get(rules, info.path)
        changed = baseline is not None and _get(baseline, info.path) != value
        group = info.path.rsplit(".", 1)[0]
        if info.topic == "notices":
            if group in done_groups:
                continue
            done_groups.add(group)
            timing = _get(rules, group)
            changed = baseline is not None and _get(baseline, group) != timing
            text = notice_sentence(
                timing.notified_by, timing.anchor, timing.working_days, timing.direction
            )
            row = RuleRow(group, info.group_label, text, clauses.get(info.path, ""), changed)
        else:
            text = format_value(info, value)
            if (
                accessibility_off
                and info.topic == "accessibility"
                and info.path != "accessibility.special_conditions_regulated"
            ):
                text = "положение не устанавливает"
            row = RuleRow(info.path, info.label, text, clauses.get(info.path, ""), changed)
        rows.setdefault(info.topic, []).append(row)
    return [
        RuleTopic(name, label, rows.get(name, [])) for name, label in codec.topics(RegulationRules)
    ]


def format_stored(path: str, value: Any) -> str:
    """Say a value as stored in a version's JSON (codes, lists) in Russian."""
    info = next((i for i in codec.iter_fields(RegulationRules) if i.path == path), None)
    if info is None or value is None:
        return NOT_SET if value is None else str(value)
    if info.enum is not None and info.kind == "enum" and value in info.enum._value2member_map_:
        value = info.enum(value)
    elif info.enum is not None and info.kind == "enums" and isinstance(value, list):
        value = tuple(info.enum(v) for v in value if v in info.enum._value2member_map_)
    return format_value(info, value)


def label_of_path(path: str) -> str:
    """Return the Russian label of a rule by its dotted path (the path if unknown)."""
    for info in codec.iter_fields(RegulationRules):
        if info.path == path:
            return f"{info.group_label}: {info.label}" if info.group_label else info.label
    return path
