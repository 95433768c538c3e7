"""Forms of the appeals pages: they parse input only; the services check the rules."""

from typing import Any

from django import forms

from nmo.appeals.models import AppealCommission, AppealSeat
from nmo.appeals.types import AppealResolution, AppealSubject, AppellantAttendance
from nmo.core.forms import DateField, DateInput
from nmo.core.uploads import UploadRefused, check_scan_upload
from nmo.regulations.types import Grade, Post, VoteChoice

DATE = DateInput()


class AppealFileForm(forms.Form):
    """The application (Appendix 2 НПЦ / Appendix 3 РостГМУ); staff also give the day a
    paper application arrived and the proxy who brought it."""

    subject = forms.ChoiceField(
        label="Прошу рассмотреть мою апелляцию",
        choices=AppealSubject.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label="Содержание претензии", widget=forms.Textarea(attrs={"rows": 6}))
    phone = forms.CharField(label="Контактный телефон", max_length=40, required=False)
    postal_address = forms.CharField(
        label="Почтовый адрес для уведомления о решении",
        max_length=500,
        required=False,
        help_text="О решении апелляционной комиссии сообщают почтовым отправлением.",
    )

    def __init__(self, *args: Any, on_behalf: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if on_behalf:
            self.fields["filed_on"] = DateField(
                label="Дата поступления заявления", widget=DATE, required=False,
                help_text="Пусто — сегодня. Срок подачи проверяется по этой дате.",
            )  # fmt: skip
            self.fields["proxy_name"] = forms.CharField(
                label="Доверенное лицо (ФИО), если заявление подал не сам слушатель",
                max_length=300,
                required=False,
            )
            self.fields["proxy_power_of_attorney"] = forms.CharField(
                label="Доверенность: номер, дата, кем удостоверена", max_length=300,
                required=False,
            )  # fmt: skip


POST_KIND_CHOICES = [("", "— выберите —"), *Post.choices]
POST_KIND_HINT = "По ней проверяется, что положение назначает на это место из числа таких лиц."


def _post_kind(label: str, help_text: str = POST_KIND_HINT) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=POST_KIND_CHOICES, required=False, help_text=help_text
    )


class CommissionForm(forms.Form):
    """The order approving an appeal commission and its seats, by e-mail of each person,
    with the post as the order writes it and what the person is in the organisation
    (`Post`, checked against the posts the regulation appoints the seat from)."""

    title = forms.CharField(label="Наименование", max_length=300, initial="Апелляционная комиссия")
    order_number = forms.CharField(label="Номер приказа", max_length=50)
    order_date = DateField(label="Дата приказа", widget=DATE)
    chair = forms.EmailField(label="Председатель: e-mail сотрудника")
    chair_post = forms.CharField(label="Председатель: должность", max_length=300, required=False)
    chair_post_kind = _post_kind("Председатель: кем является в организации")
    deputy = forms.EmailField(label="Заместитель председателя: e-mail", required=False)
    deputy_post = forms.CharField(
        label="Заместитель председателя: должность", max_length=300, required=False
    )
    deputy_post_kind = _post_kind("Заместитель председателя: кем является в организации")
    members = forms.CharField(
        label="Члены комиссии",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="По одному в строке: e-mail; должность.",
    )
    members_post_kind = _post_kind(
        "Члены комиссии: кем являются в организации",
        "Для каждого из членов комиссии, перечисленных выше. " + POST_KIND_HINT,
    )
    secretary = forms.EmailField(label="Секретарь: e-mail")
    secretary_post = forms.CharField(label="Секретарь: должность", max_length=300, required=False)
    secretary_post_kind = _post_kind("Секретарь: кем является в организации")


class AssignForm(forms.Form):
    commission = forms.ModelChoiceField(
        label="Постоянная апелляционная комиссия", queryset=AppealCommission.objects.none()
    )

    def __init__(self, *args: Any, commissions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = commissions  # type: ignore[attr-defined]


class ScheduleForm(forms.Form):
    hearing_on = DateField(label="Дата заседания", widget=DATE)
    place = forms.CharField(label="Место заседания", max_length=300)
    late_reason = forms.CharField(
        label="Причина, если заседание позже срока рассмотрения",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class HearingForm(forms.Form):
    present = forms.MultipleChoiceField(
        label="Присутствуют на заседании", widget=forms.CheckboxSelectMultiple, required=False
    )
    appellant_attendance = forms.ChoiceField(
        label="Заявитель на заседании", choices=AppellantAttendance.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    discussion = forms.CharField(
        label="Содержание обсуждения", widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, seats: list[AppealSeat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [  # type: ignore[attr-defined]
            (str(s.pk), f"{s.person.full_name} — {s.role_label}") for s in seats
        ]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Предложенное решение", choices=AppealResolution.choices, widget=forms.RadioSelect
    )
    new_grade = forms.ChoiceField(
        label="Новый результат (при удовлетворении с результатом)",
        choices=[("", "—"), *Grade.choices],
        required=False,
    )
    retake_on = DateField(
        label="Дата повторного прохождения (при удовлетворении с повторным прохождением)",
        widget=DATE,
        required=False,
    )

    def __init__(self, *args: Any, seats: list[AppealSeat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seat_fields = []
        for seat in seats:
            name = f"vote_{seat.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"Голос: {seat.person.full_name} ({seat.role_label})",
                choices=VoteChoice.choices,
                widget=forms.RadioSelect,
            )
            self.seat_fields.append((seat.pk, name))

    def votes(self) -> dict[int, str]:
        return {pk: self.cleaned_data[name] for pk, name in self.seat_fields}


class NoticeForm(forms.Form):
    posted_on = DateField(label="Дата отправки письма", widget=DATE)
    tracking = forms.CharField(label="Почтовый идентификатор", max_length=40, required=False)


class NoticeAddressForm(forms.Form):
    postal_address = forms.CharField(label="Почтовый адрес заявителя (с индексом)", max_length=500)


class AnswersScanForm(forms.Form):
    scan = forms.FileField(label="Скан письменных ответов обучившегося (PDF, JPEG или PNG)")

    def clean_scan(self) -> Any:
        scan = self.cleaned_data["scan"]
        try:
            check_scan_upload(scan)
        except UploadRefused as exc:
            raise forms.ValidationError(exc.message) from exc
        return scan
