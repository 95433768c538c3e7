"""Forms of the testing pages."""

from typing import Any

from django import forms

from nmo.testing.models import GrantBasis
from nmo.testing.rules import MAX_ATTEMPTS, MAX_LIMIT_MINUTES, MAX_QUESTIONS
from nmo.testing.types import Section


class TestFormForm(forms.Form):
    question_count = forms.IntegerField(
        label="Число вопросов в билете", min_value=1, max_value=MAX_QUESTIONS
    )
    time_limit_minutes = forms.IntegerField(
        label="Время на тест, минут", min_value=1, max_value=MAX_LIMIT_MINUTES
    )
    attempts_allowed = forms.IntegerField(
        label="Число попыток", min_value=1, max_value=MAX_ATTEMPTS, initial=1
    )
    shuffle_options = forms.BooleanField(
        label="Перемешивать варианты ответа", required=False, initial=True
    )
    blueprint = forms.CharField(
        label="Разделы билета (необязательно)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "По строке на раздел: название; номер первого задания ФОС; номер последнего; "
            "сколько вопросов взять. Например: «Общие вопросы; 1; 40; 10». Пусто — вопросы "
            "берутся из всего ФОС этапа."
        ),
    )

    def clean_blueprint(self) -> tuple[Section, ...]:
        sections = []
        for n, line in enumerate(self.cleaned_data["blueprint"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 4 or not all(p.isdigit() for p in parts[1:]):
                raise forms.ValidationError(
                    f"Строка {n}: нужно «название; с номера; по номер; число вопросов»."
                )
            sections.append(Section(parts[0][:200], int(parts[1]), int(parts[2]), int(parts[3])))
        return tuple(sections)


class SessionForm(forms.Form):
    opens_at = forms.TimeField(label="Начало тестирования (время)")
    closes_at = forms.TimeField(label="Начать попытку можно до (время)")


class AnnulForm(forms.Form):
    reason = forms.CharField(
        label="Причина аннулирования",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


class GrantForm(forms.Form):
    """A new attempt after an annulment (ADR 0307); empty times: from now, for as long as
    the session's window."""

    basis = forms.ChoiceField(
        label="Основание новой попытки", choices=GrantBasis.choices, widget=forms.RadioSelect
    )
    opens_at = forms.DateTimeField(
        label="Начать можно с", required=False, input_formats=DATETIME_LOCAL
    )
    closes_at = forms.DateTimeField(
        label="Начать можно до", required=False, input_formats=DATETIME_LOCAL
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def blueprint_text(blueprint: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{s['title']}; {s['from_number']}; {s['to_number']}; {s['count']}" for s in blueprint
    )
