"""Forms of the special-conditions pages (rgmu-7.*): they parse input; the services check
every rule."""

from collections.abc import Sequence
from typing import Any

from django import forms

from nmo.core.forms import AccessibleForm, DateField, DateInput
from nmo.core.uploads import MAX_SCAN_BYTES, megabytes


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SpecialConditionsForm(AccessibleForm):
    """The written application: the assistant and extra time are asked for each stage of
    the programme's attestation (rgmu-7.7: "для каждого аттестационного испытания")."""

    assistant_stages = forms.TypedMultipleChoiceField(
        label="Ассистент нужен на этапах (помощь занять место, прочитать и оформить задание, "
        "общаться с комиссией)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_time_stages = forms.TypedMultipleChoiceField(
        label="Больше времени нужно на этапах",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="На письменном этапе и тестировании продлевается время сдачи, на устном — "
        "время подготовки к ответу.",
    )
    # Offered instead of the stages while the programme has none yet (ADR 0305): they
    # apply to every stage of the kind, including the stages added later.
    needs_assistant = forms.BooleanField(
        label="Нужен ассистент (помощь занять место, прочитать и оформить задание, общаться "
        "с комиссией)",
        required=False,
    )
    extra_time_written = forms.BooleanField(
        label="Нужно больше времени на письменных испытаниях и тестировании", required=False
    )
    extra_time_oral = forms.BooleanField(
        label="Нужно больше времени на подготовку к устному ответу", required=False
    )
    technical_means = forms.CharField(
        label="Технические средства, которыми вы будете пользоваться",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Например: программа экранного доступа, увеличитель, слуховой аппарат.",
    )
    accessible_premises = forms.BooleanField(
        label="Нужна доступная аудитория (пандус, лифт, первый этаж, специальное кресло)",
        required=False,
    )
    individual_features = forms.CharField(
        label="Особенности психофизического развития, индивидуальные возможности, состояние "
        "здоровья",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Видят только вы и сотрудники организации, принимающие решение; комиссия "
        "и другие слушатели — нет.",
    )
    documents = MultipleFileField(
        label="Подтверждающие документы",
        required=False,
        help_text=f"PDF, JPEG или PNG, до {megabytes(MAX_SCAN_BYTES)} каждый, не более 5 "
        "файлов. Можно не прикладывать, если документы уже есть в организации.",
    )

    def __init__(self, *args: Any, stages: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not stages:  # the stages are not set yet: ask per kind of stage
            del self.fields["assistant_stages"], self.fields["extra_time_stages"]
            return
        for name in ("needs_assistant", "extra_time_written", "extra_time_oral"):
            del self.fields[name]
        for name, prefix in (
            ("assistant_stages", "Ассистент"),
            ("extra_time_stages", "Больше времени"),
        ):
            self.fields[name].choices = [  # type: ignore[attr-defined]
                (
                    stage.pk,
                    f"{prefix}: этап {stage.order}, {stage.get_kind_display()} "
                    f"({stage.get_mode_display()})",
                )
                for stage in stages
            ]


class SpecialConditionsFileForm(SpecialConditionsForm):
    """Staff record a learner's paper application with the day it arrived."""

    filed_on = DateField(label="Дата поступления заявления", widget=DateInput())

    field_order = ["filed_on"]


class SpecialConditionsGrantForm(AccessibleForm):
    assistant = forms.BooleanField(label="Ассистент", required=False)
    written_minutes = forms.IntegerField(
        label="Дополнительно на письменные испытания и тестирование, минут",
        min_value=0,
        max_value=600,
        initial=0,
    )
    oral_minutes = forms.IntegerField(
        label="Дополнительно на подготовку к устному ответу, минут",
        min_value=0,
        max_value=600,
        initial=0,
    )
    technical_means = forms.CharField(
        label="Технические средства",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accessible_premises = forms.BooleanField(label="Доступная аудитория", required=False)
    late_acceptance_reason = forms.CharField(
        label="Почему заявление, поданное после срока, принимается",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Только для заявлений, поданных после срока: не короче 20 символов.",
    )


class SpecialConditionsRefuseForm(AccessibleForm):
    reason = forms.CharField(
        label="Основание отказа",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
