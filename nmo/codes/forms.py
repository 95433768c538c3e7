from typing import Any

from django import forms
from django.utils import timezone

from nmo.codes.rules import MAX_CODES_PER_ISSUE
from nmo.codes.services.issue import MAX_ROSTER_BYTES
from nmo.core.forms import AccessibleForm, DateField, DateInput


class IssueCodesForm(AccessibleForm):
    count = forms.IntegerField(
        label="Сколько кодов выпустить",
        min_value=1,
        max_value=MAX_CODES_PER_ISSUE,
        help_text=(
            f"От 1 до {MAX_CODES_PER_ISSUE}. Коды без участника печатаются на свидетельствах "
            "с пустой строкой для ФИО."
        ),
    )


class RosterUploadForm(AccessibleForm):
    file = forms.FileField(
        label="Список участников (XLSX или CSV)",
        help_text=(
            "Первая строка — заголовки: «ФИО», «E-mail» (или «Электронная почта»), «СНИЛС» "
            "(необязательно). CSV — в кодировке UTF-8 или Windows-1251. Каждый участник "
            "получит код, а участники с адресом — свидетельство по почте."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError(
                f"Файл больше {MAX_ROSTER_BYTES // (1024 * 1024)} МБ: разделите список на части."
            )
        return upload


CODE_HINT = (
    "13 символов вида XXXX-XXXXXXXX из свидетельства НМО: латинские буквы и цифры. "
    "Буквы «O» в коде нет — вводите ноль. Регистр, пробелы и дефисы не важны."
)


class ActivationForm(AccessibleForm):
    code = forms.CharField(
        label="Индивидуальный код подтверждения (ИКП)",
        max_length=100,
        help_text=CODE_HINT,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class SupportRequestForm(AccessibleForm):
    event_title = forms.CharField(label="Название мероприятия", max_length=500)
    event_date = DateField(
        label="Дата проведения",
        widget=DateInput(),
        help_text="Если мероприятие шло несколько дней — любой из них.",
    )
    place = forms.CharField(
        label="Место проведения",
        max_length=500,
        help_text="Город и площадка или «онлайн».",
    )
    typed_code = forms.CharField(
        label="Код подтверждения (ИКП), который не удаётся активировать",
        max_length=100,
        help_text="Как он напечатан в свидетельстве НМО.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Необязательно: что происходит при активации, что ещё важно знать провайдеру.",
    )

    def clean_event_date(self) -> Any:
        value = self.cleaned_data["event_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("Дата проведения не может быть позже сегодняшней.")
        return value


class ResolveForm(AccessibleForm):
    participant = forms.TypedChoiceField(
        label="Участник из списка мероприятия",
        required=False,
        coerce=int,
        empty_value=None,
        help_text=(
            "Если специалист есть в загруженном списке, выберите его: неиспользованный код "
            "участника будет отмечен активированным этим специалистом."
        ),
    )

    def __init__(self, *args: Any, participants: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", "— без привязки к участнику —")]
        for p in participants or []:
            code = getattr(p, "code", None)
            state = "код использован" if code is not None and code.activated_at else "код свободен"
            email = f", {p.email}" if p.email else ""
            choices.append((p.pk, f"{p.full_name}{email} ({state})"))
        self.fields["participant"].choices = choices  # type: ignore[attr-defined]


class RefuseForm(AccessibleForm):
    reason = forms.CharField(
        label="Причина отказа",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Специалист получит её по почте и увидит в списке своих обращений.",
    )


class RouteForm(AccessibleForm):
    activity_id = forms.IntegerField(
        label="Номер аккредитованного мероприятия",
        min_value=1,
        help_text="Обращение уйдёт провайдеру этого мероприятия.",
    )
