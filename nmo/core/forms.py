"""The base of every page form: each input is tied to its hint and its errors for screen
readers (WCAG 2.1 AA: aria-describedby, aria-invalid)."""

from collections.abc import Mapping
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
