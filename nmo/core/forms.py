"""The base of every page form: each input is tied to its hint and its errors for screen
readers (WCAG 2.1 AA: aria-describedby, aria-invalid)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from nmo.core.exceptions import DomainError


class AccessibleForm(forms.Form):
    """A form whose inputs point at their hint and error texts; templates render those
    texts with the ids used here (templates/includes/form.html)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe_fields()

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_fields()

    def add_error(self, field: str | None, error: Any) -> None:
        # Errors a service adds after validation must be announced with their field too.
        super().add_error(field, error)
        self._describe_fields()

    def _describe_fields(self) -> None:
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            describedby = []
            if field.help_text:
                describedby.append(f"{auto_id}_helptext")
            # `_errors` rather than `errors`: reading `errors` would validate the form
            # here, before a subclass has finished setting up its fields.
            if self._errors is not None and name in self._errors:
                describedby.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if describedby:
                field.widget.attrs["aria-describedby"] = " ".join(describedby)


def show_refusal(
    form: forms.Form, exc: DomainError, field_of: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: each message next to its field where the form
    has that field (`field_of` renames service fields to form fields), the rest, or the
    refusal itself when it names no field, at the top."""
    errors: dict[str, list[str]] = getattr(exc, "errors", None) or {}
    for field, messages in errors.items():
        name = (field_of or {}).get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
    if not errors:
        form.add_error(None, exc.message)


DATE_PLACEHOLDER = "ДД.ММ.ГГГГ"
# What the browser lets through before the server parses it: ДД.ММ.ГГГГ (also Д.М.ГГ) or ISO.
DATE_PATTERN = r"\d{1,2}\.\d{1,2}\.(\d{2}|\d{4})|\d{4}-\d{1,2}-\d{1,2}"


class DateInput(forms.DateInput):
    """A date typed as ДД.ММ.ГГГГ whatever the browser's locale: a text input with a numeric
    keyboard, a pattern and a visible format hint tied to it (aria-describedby), not
    <input type=date>, whose display follows the browser's locale (mm/dd/yyyy in English).
    The field parses ДД.ММ.ГГГГ and ISO (config/formats/ru/formats.py)."""

    input_type = "text"
    template_name = "core/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "inputmode": "numeric",
            "pattern": DATE_PATTERN,
            "placeholder": DATE_PLACEHOLDER,
            "title": "Дата в формате ДД.ММ.ГГГГ, например 05.10.2026",
            "autocomplete": "off",
            "maxlength": "10",
            "class": "date-input",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d.%m.%Y")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        hint_id = f"{widget_attrs.get('id') or name}_format"
        described = [hint_id, *str(widget_attrs.get("aria-describedby", "")).split()]
        widget_attrs["aria-describedby"] = " ".join(dict.fromkeys(described))
        context["widget"]["hint_id"] = hint_id
        return context


class DateField(forms.DateField):
    """A date field with the ДД.ММ.ГГГГ widget and a Russian answer that names the format."""

    widget = DateInput
    default_error_messages = {
        "invalid": "Введите дату в формате ДД.ММ.ГГГГ, например 05.10.2026.",
    }


def limit_choices(
    form: forms.BaseForm,
    name: str,
    allowed: Sequence[Any],
    *,
    blank: str | None = None,
    keep: Any = None,
) -> None:
    """Offer in the choice field `name` only the `allowed` values (TextChoices members, in
    the order the field lists them) — what the organisation's regulation permits — instead
    of refusing the others after submit. `blank` adds an empty first choice; `keep` is a
    value already stored (an older record), still offered so that it shows, marked."""
    field = form.fields.get(name)
    if field is None:
        return
    wanted = {str(getattr(value, "value", value)) for value in allowed}
    stored = str(getattr(keep, "value", keep)) if keep not in (None, "") else None
    choices: list[tuple[Any, Any]] = []
    for value, label in field.choices:  # type: ignore[attr-defined]
        if value == "":
            continue
        if str(value) in wanted:
            choices.append((value, label))
        elif str(value) == stored:
            choices.append((value, f"{label} (положение больше не предусматривает)"))
    if blank is not None:
        choices.insert(0, ("", blank))
    field.choices = choices  # type: ignore[attr-defined]
    field.error_messages["invalid_choice"] = (
        "Положение организации не предусматривает этот вариант: выберите из списка."
    )
