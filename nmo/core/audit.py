"""How an audit line reads to a person (ADR 0018): the action in Russian words, the object
by its kind and name, and what changed as «поле: было → стало».

Core stands below every app and imports none of them. Each app says the words for its own
actions in its `types` module:

    AUDIT_ACTIONS = {"document.sign": "Документ подписан", ...}
    AUDIT_FIELDS = {"learner_result": "результат слушателя", ...}   # optional

`AuditAction` instead of a plain label says more about how the action writes its changes
(two-item lists that are [было, стало], the field a bare before/after is about, or a
function of its own that turns the changes into lines). Core collects these declarations
from the installed `nmo.*` apps on first use, the way Django's admin discovers `admin`
modules. Field names come first from the object's model (`verbose_name`), values are
shown as a person writes them: dates ДД.ММ.ГГГГ, да/нет, choices by their label, links to
other rows by the row's name. Lines written before this module existed read the same way:
nothing is stored differently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from nmo.core.models import AuditEntry

EMPTY = "—"

Lines = list[tuple[str, Any, Any]]
"""An action's own reading of its changes: (field label, before, after) — before is
`NO_BEFORE` for a plain fact."""


class _NoBefore:
    def __repr__(self) -> str:
        return "NO_BEFORE"


NO_BEFORE: Any = _NoBefore()
"""The `before` of a line that states a fact rather than a change."""


@dataclass(frozen=True)
class AuditAction:
    """What an action code means to a person and how its changes read.

    `pairs`: the action writes a change as `{"field": [было, стало]}`, so a two-item list
    is a change, not a list of two things. `subject`: the field a bare
    `{"before": x, "after": y}` is about (a name of the object's model field or of
    `AUDIT_FIELDS`). `fields_of`: the model ("app.model") whose fields the changes name
    when it is not the object's own (a programme's line about one of its stages).
    `fields`: labels of this action's keys that mean something else elsewhere.
    `explain`: the action's own reading of its changes into lines.
    """

    label: str
    pairs: bool = False
    subject: str = ""
    fields_of: str = ""
    fields: Mapping[str, str | AuditField] = field(default_factory=dict)
    explain: Callable[[Mapping[str, Any]], Lines] | None = None


@dataclass(frozen=True)
class AuditField:
    """What a key of the changes means when it is not a field of the object's model:
    its label, the model whose row id it holds (shown by the row's name), or the choices
    its values are codes of (shown by their labels)."""

    label: str
    refers_to: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)


def choices_of(choices: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """A Django `choices` list as the code → label mapping `AuditField` takes."""
    return {str(code): str(label) for code, label in choices}


# The actions core itself writes.
CORE_ACTIONS: Mapping[str, str | AuditAction] = {
    "audit.export": "Выгружен журнал аудита",
    "throttle.unavailable": AuditAction(
        "Отказ: служба учёта попыток не отвечает",
        fields={
            "scope": AuditField(
                "что отклонено",
                choices={
                    "login": "вход",
                    "activation": "активация кода",
                    "reset": "смена пароля по ссылке",
                },
            ),
            "path": "адрес страницы",
        },
    ),
    "audit.verify": "Проверена цепочка журнала аудита",
    "audit.partitions": AuditAction(
        "Созданы месячные разделы журнала аудита", fields={"made": "разделы"}
    ),
    "audit.archive": AuditAction(
        "Месяцы журнала аудита перенесены в архив",
        fields={"months": "месяцы", "boundary": "граница цепочки (последняя запись архива)"},
    ),
    "integrity.file_changed": "Файл документа изменён после подписания (не совпадает SHA-256)",
    "integrity.record_changed": "Данные документа изменены после выдачи (не совпадает слепок)",
}

# Keys many actions write that are not a field of the object's model.
CORE_FIELDS: Mapping[str, str] = {
    "reason": "основание",
    "comment": "комментарий",
    "version": "версия",
    "supersedes": "заменяет версию",
    "replaces": "заменяет документ",
    "file": "файл",
    "count": "количество",
    "created": "создано",
    "updated": "обновлено",
    "removed": "удалено",
    "replaced": "заменено",
    "date": "дата",
    "status": "статус",
    "format": "формат",
    "rows": "строк",
    "filters": "отбор",
    "name": "наименование",
    "title": "название",
    "organisation": "организация",
    "role": "роль",
    "kind": "вид",
    "source": "источник",
    "hours": "часы",
    "year": "год",
    "number": "номер",
    "series": "серия",
    "person": "кто",
    "object_type": "тип объекта",
    "object": "объект",
    "action": "действие",
    "period_from": "с даты",
    "period_to": "по дату",
    "stored_sha256": "хранимый SHA-256",
    "actual_sha256": "SHA-256 файла",
    "changed_fields": "изменённые поля",
    "seal": "печать слепка",
    "checked": "проверено записей",
    "broken": "первое нарушение",
}


@dataclass(frozen=True)
class Registry:
    actions: Mapping[str, AuditAction]
    fields: Mapping[str, AuditField]


def _as_action(value: str | AuditAction) -> AuditAction:
    return value if isinstance(value, AuditAction) else AuditAction(value)


@cache
def registry() -> Registry:
    """Every action code and extra field label the installed apps declare (see the module
    docstring), with core's own."""
    actions = {code: _as_action(v) for code, v in CORE_ACTIONS.items()}
    fields = {key: AuditField(label) for key, label in CORE_FIELDS.items()}
    for config in apps.get_app_configs():
        if not config.name.startswith("nmo."):
            continue
        try:
            module = import_module(f"{config.name}.types")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.types":
                raise
            continue
        for code, value in getattr(module, "AUDIT_ACTIONS", {}).items():
            actions[code] = _as_action(value)
        for key, value in getattr(module, "AUDIT_FIELDS", {}).items():
            fields[key] = value if isinstance(value, AuditField) else AuditField(value)
    return Registry(actions=actions, fields=fields)


def action_label(code: str) -> str:
    """The action in Russian words; an unknown code (an old or foreign line) as it was
    written, so that the line still shows."""
    known = registry().actions.get(code)
    return known.label if known else code


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every known action, by label, for a filter."""
    return sorted(((c, a.label) for c, a in registry().actions.items()), key=lambda x: x[1])


def object_type_choices() -> list[tuple[str, str]]:
    """(type, name) of every model of the project's apps, by name, for a filter."""
    choices = [
        (model._meta.label_lower, _capital(str(model._meta.verbose_name)))
        for model in apps.get_models()
        if model.__module__.startswith("nmo.") and model._meta.label_lower != "core.auditentry"
    ]
    return sorted(choices, key=lambda x: x[1])


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return _capital(str(model._meta.verbose_name)) if model is not None else object_type


# --- Reading one line ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    """One line of what changed: a change (`before` set) or a fact (`before` is None)."""

    field: str
    after: str
    before: str | None = None

    def __str__(self) -> str:
        head = f"{self.field}: " if self.field else ""
        if self.before is None:
            return f"{head}{self.after}"
        return f"{head}{self.before} → {self.after}"


@dataclass(frozen=True)
class EntryView:
    """An audit line as a person reads it."""

    entry: AuditEntry
    action: str
    action_known: bool
    object_kind: str
    object_name: str
    lines: list[ChangeLine] = field(default_factory=list)

    @property
    def object_text(self) -> str:
        """The object as one phrase: «Документ об обучении: Удостоверение № 12 — Иванова»."""
        if not self.object_kind:
            return self.object_name
        if not self.object_name:
            return self.object_kind
        if self.object_name.lower().startswith(self.object_kind.lower()):
            return self.object_name
        return f"{self.object_kind}: {self.object_name}"

    @property
    def changes_text(self) -> str:
        return "\n".join(str(line) for line in self.lines)


def describe_entries(entries: Iterable[AuditEntry]) -> list[EntryView]:
    """Audit lines as people read them; the names of rows the changes point at are
    looked up in one query per kind of row."""
    entries = list(entries)
    names = _Names()
    readers = [_Reader(entry, names) for entry in entries]
    for reader in readers:
        reader.collect()
    names.load()
    return [reader.view() for reader in readers]


def describe_entry(entry: AuditEntry) -> EntryView:
    return describe_entries([entry])[0]


# --- Values -------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def humanise(value: Any) -> str:
    """A stored value as a person writes it: ДД.ММ.ГГГГ, да/нет, «—» for nothing,
    a decimal comma, lists by commas, nested dictionaries as «ключ: значение»."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d.%m.%Y %H:%M")
        )
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float | Decimal):
        return _number(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return ", ".join(humanise(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {humanise(v)}" for k, v in value.items())
    return str(value)


def _number(value: float | Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _string(value: str) -> str:
    if _DECIMAL.match(value):  # a Decimal as JSON stores it: "65.00" → 65, "69.50" → 69,5
        return humanise(Decimal(value).normalize())
    if _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    if _ISO_DATETIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return humanise(moment)
    return value


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _model(object_type: str) -> type[models.Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _model_field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(found, models.Field):
            return found
    return None


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


class _Names:
    """The names of rows the changes point at by id, fetched per model in one query."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = {}
        self.found: dict[tuple[type[models.Model], str], str] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        if isinstance(pk, int | str) and not isinstance(pk, bool) and str(pk).isdigit():
            self.wanted.setdefault(model, set()).add(int(pk))

    def load(self) -> None:
        for model, pks in self.wanted.items():
            # Read-only display of names: the same reach as Django's admin has.
            for row in model._default_manager.filter(pk__in=pks):
                self.found[(model, str(row.pk))] = str(row)

    def name(self, model: type[models.Model], pk: Any) -> str | None:
        return self.found.get((model, str(pk)))


class _Reader:
    """Reads one audit line into an `EntryView`: first `collect` notes the rows to name,
    then `view` builds the lines."""

    def __init__(self, entry: AuditEntry, names: _Names) -> None:
        self.entry = entry
        self.names = names
        self.action = registry().actions.get(entry.action)
        self.model = _model(
            self.action.fields_of if self.action and self.action.fields_of else entry.object_type
        )
        self.subject = self.action.subject if self.action else ""
        self.fields: dict[str, AuditField] = dict(registry().fields)
        for key, value in (self.action.fields if self.action else {}).items():
            self.fields[key] = value if isinstance(value, AuditField) else AuditField(value)

    # What a key is: a field of the object's model, or one the apps declared.

    def label(self, key: str) -> str:
        action_own = self.action.fields.get(key) if self.action else None
        if action_own is not None:
            return self.fields[key].label
        found = _model_field(self.model, key)
        if found is not None and _CYRILLIC.search(str(found.verbose_name)):
            return str(found.verbose_name)
        declared = self.fields.get(key)
        if declared is not None:
            return declared.label
        if found is not None and found.related_model is not None:
            return str(found.related_model._meta.verbose_name)
        return key.replace("_", " ")

    def _related(self, key: str) -> type[models.Model] | None:
        action_own = self.action.fields.get(key) if self.action else None
        if action_own is not None:
            refers_to = self.fields[key].refers_to
            return _model(refers_to) if refers_to else None
        found = _model_field(self.model, key)
        if found is not None and isinstance(found.related_model, type):
            return found.related_model
        declared = self.fields.get(key)
        if declared is not None and declared.refers_to:
            return _model(declared.refers_to)
        return None

    def _choices(self, key: str) -> Mapping[str, str]:
        action_own = self.action.fields.get(key) if self.action else None
        found = _model_field(self.model, key)
        if action_own is None and found is not None and found.choices:
            return {str(k): str(v) for k, v in found.flatchoices}
        declared = self.fields.get(key)
        return declared.choices if declared is not None else {}

    def _walk(self, key: str, value: Any) -> None:
        if isinstance(value, dict):
            for inner, item in value.items():
                if inner in _PAIR_NAMES:
                    self._walk(key, item)
                    if self.subject:
                        self._walk(self.subject, item)
                else:
                    self._walk(inner, item)
        elif isinstance(value, list):
            for item in value:
                self._walk(key, item)
        else:
            related = self._related(key)
            if related is not None:
                self.names.want(related, value)

    def value(self, key: str, value: Any) -> str:
        """A value as a person reads it: a choice by its label, a row by its name, a
        nested record as «поле: значение; …»."""
        if isinstance(value, dict):
            if value and _pair_keys(value):
                before, after = _pair_of(value)
                return f"{self.value(key, before)} → {self.value(key, after)}"
            parts = []
            if "before" in value or "after" in value:
                subject = self.subject or key
                head = f"{self.label(subject)}: " if subject else ""
                before, after = value.get("before"), value.get("after")
                parts.append(f"{head}{self.value(subject, before)} → {self.value(subject, after)}")
            parts += [
                f"{self.label(k)}: {self.value(k, v)}"
                for k, v in value.items()
                if k not in ("before", "after")
            ]
            return "; ".join(parts) if parts else EMPTY
        if isinstance(value, list):
            if not value:
                return EMPTY
            joiner = "\n" if any(isinstance(v, dict) for v in value) else ", "
            return joiner.join(self.value(key, v) for v in value)
        if value is None or value == "":
            return EMPTY
        choices = self._choices(key)
        if str(value) in choices and not isinstance(value, bool):
            return choices[str(value)]
        related = self._related(key)
        if related is not None:
            name = self.names.name(related, value)
            if name is not None:
                return name
        return humanise(value)

    # The shapes the services write.

    def collect(self) -> None:
        if self.action and self.action.explain:
            return
        self._walk("", self.entry.changes)

    def view(self) -> EntryView:
        entry = self.entry
        return EntryView(
            entry=entry,
            action=self.action.label if self.action else entry.action,
            action_known=self.action is not None,
            object_kind=object_type_label(entry.object_type) if entry.object_type else "",
            object_name=entry.object_repr,
            lines=self.lines(),
        )

    def lines(self) -> list[ChangeLine]:
        changes = self.entry.changes
        if changes in (None, {}, [], ""):
            return []
        if not isinstance(changes, dict):
            return [ChangeLine("", self.value("", changes))]
        if self.action and self.action.explain:
            try:
                explained = self.action.explain(changes)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                explained = None  # a line older than its reading: shown the plain way
            if explained is not None:
                return [
                    ChangeLine(
                        label, humanise(after), None if before is NO_BEFORE else humanise(before)
                    )
                    for label, before, after in explained
                ]
        result: list[ChangeLine] = []
        for key, value in changes.items():
            if key not in ("before", "after"):
                result += self._item(key, value)
            elif key == next(k for k in changes if k in ("before", "after")):
                result += self._before_after(changes.get("before"), changes.get("after"))
        return result

    def _change(self, key: str, before: Any, after: Any) -> ChangeLine:
        return ChangeLine(self.label(key), self.value(key, after), self.value(key, before))

    def _before_after(self, before: Any, after: Any) -> list[ChangeLine]:
        if isinstance(before, dict) or isinstance(after, dict):
            old = before if isinstance(before, dict) else {}
            new = after if isinstance(after, dict) else {}
            keys = list(dict.fromkeys([*old, *new]))
            differing = [k for k in keys if old.get(k) != new.get(k)] or keys
            return [self._change(k, old.get(k), new.get(k)) for k in differing]
        if self.subject:
            return [self._change(self.subject, before, after)]
        return [ChangeLine("значение", self.value("", after), self.value("", before))]

    def _item(self, key: str, value: Any) -> list[ChangeLine]:
        if isinstance(value, dict) and value and _pair_keys(value):
            return [self._change(key, *_pair_of(value))]
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(v, dict) and v and _pair_keys(v) for v in value.values())
        ):
            return [self._change(inner, *_pair_of(pair)) for inner, pair in value.items()]
        if (
            self.action is not None
            and self.action.pairs
            and isinstance(value, list)
            and len(value) == 2  # [было, стало]
        ):
            return [self._change(key, value[0], value[1])]
        return [ChangeLine(self.label(key), self.value(key, value))]


_PAIR_NAMES = ("before", "after", "old", "new")


def _pair_keys(value: Mapping[str, Any]) -> bool:
    return set(value) in ({"before", "after"}, {"old", "new"})


def _pair_of(value: Mapping[str, Any]) -> tuple[Any, Any]:
    if "old" in value:
        return value["old"], value["new"]
    return value["before"], value["after"]
