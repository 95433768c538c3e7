"""Forms of the cabinet: enter a cycle, search the catalogue for the plan, reverse an entry."""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from nmo.core.forms import DateField, DateInput


class QuickSelect(forms.Select):
    """A <select> rendered in Python rather than one sub-template per option: the
    nomenclature has about a hundred specialties and the cabinet shows it on every visit.
    The attributes Django adds (aria-describedby, aria-invalid, required) are kept."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = "" if value is None else str(value[0] if isinstance(value, list) else value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (code, " selected" if str(code) == selected else "", label)
                for code, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class EnterCycleForm(forms.Form):
    """A specialist opts in to a five-year cycle (faq-voluntary, faq-portal-cycles)."""

    specialty = forms.ChoiceField(
        label="Специальность",
        widget=QuickSelect,
        help_text="Из номенклатуры специальностей (приказ Минздрава России № 700н).",
    )
    starts_on = DateField(
        label="Дата начала цикла",
        help_text="Обычно — дата сертификата специалиста или свидетельства об аккредитации. "
        "Цикл длится пять лет.",
        widget=DateInput(),
    )

    def __init__(self, *args: Any, specialties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = [("", "— выберите —"), *specialties]  # type: ignore[attr-defined]


class PlanSearchForm(forms.Form):
    q = forms.CharField(label="Название содержит", required=False, max_length=200)


class PlanAddForm(forms.Form):
    activity = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ReversalForm(forms.Form):
    reason = forms.CharField(
        label="Причина исправления",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Сохраняется в журнале кредитов и журнале аудита; специалист получит письмо.",
    )
