"""Forms of the regulation pages. The amendment form is built from the rule tree itself:
one form per topic, one field per rule, so a new rule needs no form code."""

from collections.abc import Mapping
from typing import Any

from django import forms

from nmo.accounts.selectors import list_organisations
from nmo.core.forms import AccessibleForm
from nmo.regulations import codec
from nmo.regulations.codec import FieldInfo
from nmo.regulations.presets import PRESETS
from nmo.regulations.schema import RegulationRules


def field_name(path: str) -> str:
    """The form field of a rule inside its topic form: "first_day__anchor"."""
    return path.split(".", 1)[1].replace(".", "__")


def _form_field(info: FieldInfo, clause: str) -> forms.Field:
    label = f"{info.group_label}: {info.label}" if info.group_label else info.label
    hints = [info.hint] if info.hint else []
    if info.optional:
        hints.append("Оставьте пустым, если положение этого не устанавливает.")
    if clause:
        hints.append(f"Источник: {clause}.")
    help_text = " ".join(hints)
    if info.kind == "bool":
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    if info.kind == "int":
        attrs: dict[str, Any] = {"inputmode": "numeric"}
        if info.min_value is not None:
            attrs["min"] = info.min_value
        if info.max_value is not None:
            attrs["max"] = info.max_value
        return forms.IntegerField(
            label=label,
            required=not info.optional,
            help_text=help_text,
            widget=forms.NumberInput(attrs=attrs),
        )
    if info.kind == "str":
        return forms.CharField(
            label=label,
            required=False,
            help_text=help_text,
            max_length=codec.TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    if info.enum is None:
        raise TypeError(info.path)
    choices = [(member.value, member.label) for member in info.enum]
    if info.kind == "enum":
        if info.optional:
            choices = [("", "— не установлено —"), *choices]
        return forms.ChoiceField(
            label=label, choices=choices, required=not info.optional, help_text=help_text
        )
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
    )


REASON_FIELD = "reason"


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label="Основание изменения",
        max_length=2000,
        help_text="Например: «Приказ директора от 15.01.2026 № 12 о внесении изменений в "
        "Положение». Изменения вносятся в том же порядке, в каком утверждено положение.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Укажите основание изменения, например реквизиты приказа."},
    )


def topic_infos(topic: str) -> list[FieldInfo]:
    """Return the rules of one topic of the rule tree."""
    return [info for info in codec.iter_fields(RegulationRules) if info.topic == topic]


def build_amendment_form(
    rules: RegulationRules, topic: str, clauses: Mapping[str, str], data: Any = None
) -> AccessibleForm:
    """Return the amendment form of one topic: a field per rule, filled with the values in
    force, and the reason for the change."""
    infos = topic_infos(topic)
    fields: dict[str, forms.Field] = {
        field_name(i.path): _form_field(i, clauses.get(i.path, "")) for i in infos
    }
    fields[REASON_FIELD] = _reason_field()
    form_class = type(f"{topic.title().replace('_', '')}AmendmentForm", (AccessibleForm,), fields)
    current = codec.flatten(rules.to_dict())
    initial = {field_name(i.path): current.get(i.path) for i in infos}
    form: AccessibleForm = form_class(data=data, initial=initial)
    return form


def _as_stored(info: FieldInfo, value: Any) -> Any:
    if info.kind == "enum":
        return value or None
    if info.kind == "enums":
        # Keep the order of the choices, so re-ticking the same boxes changes nothing.
        order = [m.value for m in info.enum or ()]
        return sorted(value or [], key=order.index)
    if info.kind == "str":
        return (value or "").strip()
    return value


def changes_from(form: AccessibleForm, topic: str, rules: RegulationRules) -> dict[str, Any]:
    """Return {dotted path: new value} for every rule the valid form changes."""
    current = codec.flatten(rules.to_dict())
    changes: dict[str, Any] = {}
    for info in topic_infos(topic):
        value = _as_stored(info, form.cleaned_data.get(field_name(info.path)))
        old = current.get(info.path)
        if info.kind == "enums":
            order = [m.value for m in info.enum or ()]
            old = sorted(old or [], key=order.index)
        if old != value:
            changes[info.path] = value
    return changes


def attach_errors(
    form: AccessibleForm, errors: Mapping[str, list[str]], labels: Mapping[str, str]
) -> None:
    """Put a service's errors (by dotted path) next to their fields; an error about a rule
    of another topic goes on top, named by its label."""
    for path, messages in errors.items():
        name = REASON_FIELD if path == REASON_FIELD else (field_name(path) if "." in path else "")
        for message in messages:
            if name and name in form.fields:
                form.add_error(name, message)
            elif path in labels:
                form.add_error(None, f"{labels[path]}: {message}")
            else:
                form.add_error(None, message)


class ApplyPresetForm(AccessibleForm):
    organisation = forms.ModelChoiceField(
        label="Организация",
        queryset=list_organisations().none(),
        empty_label=None,
        error_messages={"invalid_choice": "Выберите организацию из списка."},
    )
    preset_code = forms.ChoiceField(
        label="Пресет положения",
        choices=[(code.value, preset.title) for code, preset in PRESETS.items()],
        help_text="Правила выбранного пресета станут версией 1 положения организации; "
        "их можно будет изменить.",
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
