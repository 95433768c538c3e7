"""Forms of the application pages (заявки на обучение, ADR 0117): they parse input; the
services check every rule."""

from typing import cast

from django import forms

from nmo.core.forms import AccessibleForm, DateField
from nmo.programmes.models import ApplicationStatus, PaymentBasis


class ApplyForm(AccessibleForm):
    payment_basis = forms.ChoiceField(
        label="Основание обучения",
        choices=[("", "— выберите —"), *PaymentBasis.choices],
        error_messages={"required": "Выберите, как будет оплачено обучение."},
    )
    voucher_number = forms.CharField(
        label="Номер образовательного сертификата",
        required=False,
        max_length=50,
        help_text="Только при обучении по образовательному сертификату.",
    )
    employer_name = forms.CharField(
        label="Работодатель (наименование организации)",
        required=False,
        max_length=500,
        help_text="Только при договоре с работодателем.",
    )
    comment = forms.CharField(
        label="Комментарий для организации",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, by_certificate: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not by_certificate:
            field = cast(forms.ChoiceField, self.fields["payment_basis"])
            field.choices = [
                ("", "— выберите —"),
                *(c for c in PaymentBasis.choices if c[0] != PaymentBasis.EDUCATION_VOUCHER),
            ]
            del self.fields["voucher_number"]


class ContractForm(AccessibleForm):
    contract_number = forms.CharField(label="Номер договора", required=False, max_length=100)
    contract_date = DateField(label="Дата договора", required=False)
    contract_payer = forms.CharField(
        label="Заказчик (плательщик)",
        required=False,
        max_length=500,
        help_text="Пусто — специалист или работодатель, указанный в заявке.",
    )


class DeclineForm(AccessibleForm):
    reason = forms.CharField(
        label="Причина отказа",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Специалист получит её в письме.",
        error_messages={"required": "Укажите причину отказа."},
    )


class ApplicationFilterForm(AccessibleForm):
    status = forms.ChoiceField(
        label="Состояние",
        required=False,
        choices=[("", "все"), *ApplicationStatus.choices],
    )
    cohort = forms.TypedChoiceField(label="Группа", required=False, coerce=int, empty_value=None)
    q = forms.CharField(label="Специалист (ФИО или e-mail)", required=False, max_length=100)

    def __init__(self, *args: object, cohorts: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast(forms.ChoiceField, self.fields["cohort"])
        field.choices = [("", "все"), *cohorts]
