"""Convert the frozen rule dataclasses to plain JSON-ready dicts and back, checking types.

Pure: no ORM, no I/O. The rule dataclasses use a small set of field types, and this module
knows exactly those: `int`, `bool`, `str`, a choice, `X | None` of those, `tuple[E, ...]`
of a choice, and a nested dataclass. A choice is an enum that is also a `str` (the
`TextChoices` of `types`); it is stored as its code. Each field carries its Russian label
and bounds in `dataclasses.field(metadata=rule(...))`, so one description serves
validation, the pages and the amendment form.

Errors are collected, never raised one by one: `parse()` returns the built object or a
mapping "dotted.path" → [Russian messages].
"""

import dataclasses
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

TEXT_MAX = 2000
"""The longest text a rule may hold (grade criteria)."""


class Unit(StrEnum):
    """What a number in the rules counts; the pages say it in Russian."""

    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"
    PERCENT = "percent"
    MINUTES = "minutes"
    PERSONS = "persons"
    TIMES = "times"


def rule(
    label: str,
    *,
    unit: Unit | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
    nonempty: bool = False,
    hint: str = "",
) -> dict[str, Any]:
    """Describe a rule field for `dataclasses.field(metadata=...)`: its Russian label, unit
    and bounds. Rule fields have no default: every preset states every rule."""
    return {
        "label": label,
        "unit": unit,
        "min": min_value,
        "max": max_value,
        "nonempty": nonempty,
        "hint": hint,
    }


@dataclass(frozen=True)
class FieldInfo:
    """One leaf of a rule tree: where it is, what it holds and how it is described."""

    path: str
    label: str
    kind: str  # "int", "bool", "str", "enum", "enums"
    optional: bool
    enum: type[Enum] | None
    unit: Unit | None
    min_value: int | None
    max_value: int | None
    nonempty: bool
    hint: str
    topic: str  # the first path segment
    group_label: str  # the label of the nested dataclass holding the leaf ("" at top)


def _split_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0], True
    return tp, False


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum) and issubclass(tp, str)


def _enum_tuple_item(tp: Any) -> type[Enum] | None:
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis and _is_enum(args[0]):
            item: type[Enum] = args[0]
            return item
    return None


def _kind(tp: Any) -> tuple[str, type[Enum] | None]:
    if tp is bool:
        return "bool", None
    if tp is int:
        return "int", None
    if tp is str:
        return "str", None
    if _is_enum(tp):
        enum_type: type[Enum] = tp
        return "enum", enum_type
    item = _enum_tuple_item(tp)
    if item is not None:
        return "enums", item
    if dataclasses.is_dataclass(tp):
        return "dataclass", None
    raise TypeError(f"unsupported rule field type: {tp!r}")


def iter_fields(cls: type[Any], prefix: str = "", group_label: str = "") -> Iterator[FieldInfo]:
    """Yield every leaf field of a rule dataclass, depth first, in declaration order."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp, optional = _split_optional(hints[f.name])
        kind, enum_type = _kind(tp)
        path = f"{prefix}{f.name}"
        label = str(f.metadata.get("label", f.name))
        if kind == "dataclass":
            yield from iter_fields(tp, f"{path}.", label if prefix else "")
            continue
        yield FieldInfo(
            path=path,
            label=label,
            kind=kind,
            optional=optional,
            enum=enum_type,
            unit=f.metadata.get("unit"),
            min_value=f.metadata.get("min"),
            max_value=f.metadata.get("max"),
            nonempty=bool(f.metadata.get("nonempty", False)),
            hint=str(f.metadata.get("hint", "")),
            topic=path.split(".", 1)[0],
            group_label=group_label,
        )


def topics(cls: type[Any]) -> list[tuple[str, str]]:
    """Return (name, Russian label) of each top-level field of a rule dataclass."""
    return [(f.name, str(f.metadata.get("label", f.name))) for f in dataclasses.fields(cls)]


def dump(obj: Any) -> dict[str, Any]:
    """Turn a rule dataclass into a JSON-ready dict (enums as their values, tuples as lists)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        out[f.name] = _dump_value(getattr(obj, f.name))
    return out


def _dump_value(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dump(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_dump_value(v) for v in value]
    return value


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten a nested dict into "dotted.path" → leaf value."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def parse(cls: type[Any], data: Any, prefix: str = "") -> tuple[Any, dict[str, list[str]]]:
    """Build `cls` from a dict, or return the errors by dotted path (then the object is None)."""
    errors: dict[str, list[str]] = {}
    where = prefix.rstrip(".") or "__all__"
    if not isinstance(data, Mapping):
        return None, {where: ["Ожидается объект с полями правил."]}
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in data:
        if key not in names:
            errors.setdefault(f"{prefix}{key}", []).append("Неизвестное поле.")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        path = f"{prefix}{f.name}"
        if f.name not in data:
            errors.setdefault(path, []).append("Обязательное поле.")
            continue
        tp, optional = _split_optional(hints[f.name])
        value, problems = _parse_value(tp, optional, data[f.name], f.metadata, path)
        for p, messages in problems.items():
            errors.setdefault(p, []).extend(messages)
        values[f.name] = value
    if errors:
        return None, errors
    return cls(**values), {}


def _parse_value(
    tp: Any, optional: bool, raw: Any, meta: Mapping[str, Any], path: str
) -> tuple[Any, dict[str, list[str]]]:
    if raw is None:
        if optional:
            return None, {}
        return None, {path: ["Значение обязательно."]}
    kind, enum_type = _kind(tp)
    if kind == "dataclass":
        return parse(tp, raw, f"{path}.")
    if kind == "bool":
        if not isinstance(raw, bool):
            return None, {path: ["Ожидается «да» или «нет» (true или false)."]}
        return raw, {}
    if kind == "int":
        return _parse_int(raw, meta, path)
    if kind == "str":
        if not isinstance(raw, str):
            return None, {path: ["Ожидается строка."]}
        if len(raw) > TEXT_MAX:
            return None, {path: [f"Не более {TEXT_MAX} символов."]}
        return raw.strip(), {}
    if enum_type is None:  # "enum" and "enums" always carry their enum type
        raise TypeError(f"no enum type for {path}")
    if kind == "enum":
        return _parse_enum(enum_type, raw, path)
    return _parse_enums(enum_type, raw, meta, path)


def _parse_int(raw: Any, meta: Mapping[str, Any], path: str) -> tuple[Any, dict[str, list[str]]]:
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None, {path: ["Ожидается целое число."]}
    low, high = meta.get("min"), meta.get("max")
    if low is not None and raw < low:
        if raw < 0 <= low:
            return None, {path: ["Значение не может быть отрицательным."]}
        return None, {path: [f"Значение должно быть не меньше {low}."]}
    if high is not None and raw > high:
        return None, {path: [f"Значение должно быть не больше {high}."]}
    return raw, {}


def _allowed(enum_type: type[Enum]) -> str:
    return ", ".join(m.value for m in enum_type)


def _parse_enum(enum_type: type[Enum], raw: Any, path: str) -> tuple[Any, dict[str, list[str]]]:
    if not isinstance(raw, str) or raw not in enum_type._value2member_map_:
        return None, {path: [f"Недопустимое значение «{raw}». Допустимо: {_allowed(enum_type)}."]}
    return enum_type(raw), {}


def _parse_enums(
    enum_type: type[Enum], raw: Any, meta: Mapping[str, Any], path: str
) -> tuple[Any, dict[str, list[str]]]:
    if not isinstance(raw, list | tuple):
        return None, {path: ["Ожидается список значений."]}
    messages: list[str] = []
    items: list[Enum] = []
    for item in raw:
        if not isinstance(item, str) or item not in enum_type._value2member_map_:
            messages.append(f"Недопустимое значение «{item}». Допустимо: {_allowed(enum_type)}.")
            continue
        member = enum_type(item)
        if member in items:
            messages.append(f"Значение «{item}» указано дважды.")
            continue
        items.append(member)
    if not raw and meta.get("nonempty"):
        messages.append("Выберите хотя бы одно значение.")
    if messages:
        return None, {path: messages}
    return tuple(items), {}
