from django import forms

from nmo.core.forms import AccessibleForm, DateField, DateInput
from nmo.workcalendar.rules import DECREE_MAX, NAME_MAX
from nmo.workcalendar.types import DayKind


class MarkDayForm(AccessibleForm):
    date = DateField(
        label="Дата",
        widget=DateInput(),
        help_text="Например, 2025-11-01.",
    )
    is_working = forms.TypedChoiceField(
        label="Режим дня",
        choices=[("0", "Нерабочий день"), ("1", "Рабочий день")],
        coerce=lambda value: value == "1",
        initial="0",
    )
    kind = forms.ChoiceField(
        label="Вид дня",
        choices=DayKind.choices,
        help_text="Рабочим днём могут быть только виды «рабочая суббота/воскресенье» "
        "и «рабочий день (отмена нерабочего дня)».",
    )
    name = forms.CharField(
        label="Наименование",
        max_length=NAME_MAX,
        required=False,
        help_text="Например, «Новый год» или «Выходной (перенесено с 04.01.2025)».",
    )
    decree = forms.CharField(
        label="Основание",
        max_length=DECREE_MAX,
        help_text="Реквизиты документа, например «Постановление Правительства РФ "
        "от 04.10.2024 № 1335».",
        error_messages={
            "required": "Укажите реквизиты документа, на основании которого меняется день."
        },
    )


class ResetDayForm(forms.Form):
    date = DateField(widget=forms.HiddenInput)
