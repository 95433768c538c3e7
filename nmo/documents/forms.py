"""Forms of the documents pages: they parse input; every rule is checked by the services."""

from typing import Any

from django import forms

from nmo.accounts.selectors import list_organisations
from nmo.core.forms import DateField, DateInput
from nmo.documents.models import HandoverModeChoices
from nmo.documents.types import DocumentKind, DocumentStatus, RevocationGround


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
