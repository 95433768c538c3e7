"""Forms of the documents pages: they parse input; every rule is checked by the services."""

from typing import Any

from django import forms

from nmo.accounts.selectors import list_organisations
from nmo.core.forms import AccessibleForm, DateField, DateInput
from nmo.documents.layouts import BLANKS
from nmo.documents.models import HandoverModeChoices
from nmo.documents.types import BlankKind, DocumentKind, DocumentStatus, PrintMode, RevocationGround


class RegisterFilterForm(forms.Form):
    """Filters of the register page (GET)."""

    organisation = forms.ModelChoiceField(
        label="Организация",
        queryset=list_organisations().none(),
        required=False,
        empty_label="все мои организации",
    )
    kind = forms.ChoiceField(
        label="Вид документа",
        choices=[("", "все виды"), *DocumentKind.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label="Состояние",
        choices=[("", "все"), *DocumentStatus.choices],
        required=False,
    )
    year = forms.IntegerField(label="Год выдачи", required=False, min_value=2000, max_value=2100)
    q = forms.CharField(
        label="Слушатель или номер",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text="Фамилия (часть ФИО), номер по реестру или регистрационный номер.",
    )

    def __init__(self, *args: Any, organisations: Any, many: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if many:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]


class HandoverForm(forms.Form):
    """How the document reached its holder (npc-2.14, rgmu-2.14). The fields of the proxy
    and of the registered mail are optional here; the service says which are required."""

    mode = forms.ChoiceField(
        label="Способ выдачи",
        choices=HandoverModeChoices.choices,
        help_text="По доверенности — заполните ФИО, номер и дату доверенности; заказным "
        "письмом — почтовый идентификатор.",
    )
    handed_on = DateField(label="Дата выдачи (отправки)", widget=DateInput())
    recipient_name = forms.CharField(
        label="ФИО доверенного лица",
        required=False,
        max_length=460,
        help_text="Только при выдаче по доверенности.",
    )
    power_of_attorney_number = forms.CharField(
        label="Номер доверенности",
        required=False,
        max_length=100,
        help_text="Доверенность, заверенная в установленном порядке.",
    )
    power_of_attorney_date = DateField(
        label="Дата доверенности", required=False, widget=DateInput()
    )
    tracking_number = forms.CharField(
        label="Почтовый идентификатор (ШПИ)",
        required=False,
        max_length=30,
        help_text="Только для заказного письма с уведомлением о вручении: 14 цифр или "
        "RA123456789RU.",
    )


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(
        label="Основание",
        choices=[("", "выберите основание"), *RevocationGround.choices],
        help_text="Так документ попадёт в выгрузку для ФИС ФРДО: подтверждение утраты, "
        "обмена или уничтожения.",
    )
    reason = forms.CharField(
        label="Причина аннулирования",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Причина и дата будут видны на странице проверки документа по QR-коду.",
    )


class GroundForm(forms.Form):
    ground = forms.ChoiceField(
        label="Основание аннулирования",
        choices=[("", "выберите основание"), *RevocationGround.choices],
        help_text="Нужно для выгрузки в ФИС ФРДО; указывается один раз.",
    )


class RegisterSettingsForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Организация", queryset=list_organisations().none(), empty_label=None
    )
    kind = forms.ChoiceField(label="Вид документа", choices=DocumentKind.choices)
    series = forms.CharField(
        label="Серия",
        required=False,
        max_length=20,
        help_text="Печатается перед номером. Для дипломов — серия используемых бланков.",
    )
    registration_prefix = forms.CharField(
        label="Префикс регистрационного номера",
        required=False,
        max_length=10,
        help_text="Например, ПК: регистрационный номер будет ПК-15.",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class OrganisationDetailsForm(AccessibleForm):
    """What the organisation's qualification documents print about it (issue 12)."""

    full_name = forms.CharField(
        label="Полное наименование",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Как в уставе; печатается на документах о квалификации.",
    )
    short_name = forms.CharField(
        label="Сокращённое наименование",
        required=False,
        max_length=200,
        help_text="Используется в тексте документа («прошла обучение в …»).",
    )
    details = forms.CharField(
        label="Адрес и реквизиты",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Адрес, ОГРН, лицензия — как печатаются под наименованием.",
    )
    city = forms.CharField(label="Город", max_length=100, help_text="Например, Ростов-на-Дону.")
    head_post = forms.CharField(
        label="Должность руководителя", max_length=200, help_text="Например, Ректор."
    )
    head_name = forms.CharField(
        label="Руководитель", max_length=200, help_text="Инициалы и фамилия: И. И. Иванов."
    )
    secretary_post = forms.CharField(
        label="Должность секретаря",
        max_length=200,
        help_text="Кто подписывает документы о квалификации вместе с руководителем.",
    )
    secretary_name = forms.CharField(
        label="Секретарь", max_length=200, help_text="Инициалы и фамилия: П. П. Петрова."
    )


POSITION_PARTS = (
    ("x", "X, мм"),
    ("y", "Y, мм"),
    ("width", "ширина, мм"),
    ("size", "шрифт, пт"),
)


class BlankLayoutForm(AccessibleForm):
    """The sheet's size and each field's position on one blank (ADR 0112); numbers are
    typed as text (a comma or a dot) and checked by the service."""

    page_width = forms.CharField(label="Ширина листа, мм", max_length=10)
    page_height = forms.CharField(label="Высота листа, мм", max_length=10)

    def __init__(self, *args: Any, blank: BlankKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spec = BLANKS[blank]
        if spec.row_step_mm is not None:
            self.fields["row_step"] = forms.CharField(label="Шаг строк таблицы, мм", max_length=10)
        self.rows: list[tuple[str, str, list[str]]] = []
        for field in spec.fields:
            names = []
            for part, label in POSITION_PARTS:
                name = f"{field.code}__{part}"
                self.fields[name] = forms.CharField(
                    label=f"{field.label}: {label}", required=False, max_length=10
                )
                names.append(name)
            self.rows.append((field.code, field.label, names))
        self._describe_fields()

    def positions(self) -> dict[str, dict[str, str]]:
        """The positions as typed, by field code."""
        data = self.cleaned_data
        return {
            code: {part: data.get(f"{code}__{part}", "") for part, _ in POSITION_PARTS}
            for code, _, _ in self.rows
        }

    def field_of(self) -> dict[str, str]:
        """Where a service's message about a field goes: its X input."""
        return {code: f"{code}__x" for code, _, _ in self.rows}

    def bound_rows(self) -> list[tuple[str, list[Any], list[str]]]:
        return [
            (label, [self[name] for name in names], [e for n in names for e in self[n].errors])
            for _, label, names in self.rows
        ]


class PrintForm(forms.Form):
    """How a qualification document is printed (GET): the full form on A4, or only the
    values on the organisation's blank (the diploma's or its supplement's)."""

    mode = forms.ChoiceField(label="Как печатать", choices=PrintMode.choices)
    blank = forms.ChoiceField(label="Бланк", choices=BlankKind.choices, required=False)
