"""Forms of the catalog pages: the public catalogue's filters, a provider's application,
the commission's queue filters and decision. They parse input; the rules are checked by
the services."""

from typing import Any

from django import forms

from nmo.accounts.models import Organisation
from nmo.accounts.selectors import list_organisations
from nmo.catalog.models import Activity
from nmo.catalog.rules import (
    DESCRIPTION_MAX_LENGTH,
    HOURS_REQUESTED_MAX,
    HOURS_REQUESTED_MIN,
    LOCATION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from nmo.catalog.selectors import list_specialties
from nmo.catalog.types import ActivityData, ActivityFormat, ActivityKind, ActivityStatus, Decision
from nmo.core.forms import AccessibleForm, DateField, DateInput

DATE_WIDGET: dict[str, Any] = {"widget": DateInput()}


def _specialty_choices(*, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [(s.code, f"{s.name} ({s.code})") for s in list_specialties()]
    return [("", blank), *choices] if blank is not None else choices


class ReviewFilterForm(AccessibleForm):
    q = forms.CharField(
        label="Название содержит",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    specialty = forms.ChoiceField(label="Специальность", required=False)
    kind = forms.ChoiceField(
        label="Вид", required=False, choices=[("", "Мероприятия и модули"), *ActivityKind.choices]
    )
    country = forms.ChoiceField(
        label="Место проведения",
        required=False,
        choices=[("", "Любое"), ("RU", "Россия"), ("foreign", "За рубежом")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialty"].choices = _specialty_choices(blank="Все специальности")  # type: ignore[attr-defined]


class ProviderActivitiesFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Статус", required=False, choices=[("", "Все"), *ActivityStatus.choices]
    )


class ActivityForm(AccessibleForm):
    """A provider's application (заявка на оценку)."""

    provider = forms.ModelChoiceField(
        label="Провайдер",
        queryset=list_organisations().none(),
        help_text="Вы представляете нескольких провайдеров: от чьего имени подаётся заявка.",
    )
    kind = forms.ChoiceField(label="Вид", choices=ActivityKind.choices)
    title = forms.CharField(label="Название", max_length=TITLE_MAX_LENGTH)
    specialties = forms.MultipleChoiceField(
        label="Специальности",
        help_text="Одна или несколько специальностей номенклатуры. Чтобы выбрать несколько, "
        "удерживайте Ctrl (на Mac — ⌘).",
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    format = forms.ChoiceField(
        label="Формат",
        choices=ActivityFormat.choices,
        help_text="Электронный модуль изучается онлайн.",
    )
    starts_on = DateField(label="Дата начала", **DATE_WIDGET)
    ends_on = DateField(
        label="Дата окончания",
        help_text="Для модуля — последний день, когда он доступен.",
        **DATE_WIDGET,
    )
    location = forms.CharField(
        label="Место проведения",
        required=False,
        max_length=LOCATION_MAX_LENGTH,
        help_text="Обязательно для очного мероприятия: город и адрес.",
    )
    country = forms.CharField(
        label="Страна",
        max_length=2,
        initial="RU",
        help_text="Двухбуквенный код ISO 3166-1, например RU — Россия. Баллы за мероприятия "
        "за рубежом в системе НМО не учитываются.",
        widget=forms.TextInput(attrs={"size": 2, "autocomplete": "country"}),
    )
    hours_requested = forms.IntegerField(
        label="Запрошено часов (кредитов)",
        min_value=HOURS_REQUESTED_MIN,
        max_value=HOURS_REQUESTED_MAX,
        help_text="Академических часов: 1 час = 1 кредит (ЗЕТ).",
    )
    description = forms.CharField(
        label="Описание",
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(
        self,
        *args: Any,
        providers: list[Organisation] | None = None,
        activity: Activity | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = _specialty_choices()
        if activity is not None:
            # A specialty withdrawn since submission stays selectable on its application.
            offered = {code for code, _ in choices}
            choices += [
                (s.code, f"{s.name} ({s.code}, выведена из номенклатуры)")
                for s in activity.specialties.all()
                if s.code not in offered
            ]
        self.fields["specialties"].choices = choices  # type: ignore[attr-defined]
        providers = providers or []
        if len(providers) > 1:
            field = self.fields["provider"]
            field.queryset = list_organisations(  # type: ignore[attr-defined]
                within=[p.pk for p in providers]
            )
        else:
            del self.fields["provider"]
        self._describe_fields()

    @classmethod
    def initial_for(cls, activity: Activity) -> dict[str, Any]:
        return {
            "kind": activity.kind,
            "title": activity.title,
            "specialties": [s.code for s in activity.specialties.all()],
            "format": activity.format,
            "starts_on": activity.starts_on,
            "ends_on": activity.ends_on,
            "location": activity.location,
            "country": activity.country,
            "hours_requested": activity.hours_requested,
            "description": activity.description,
        }

    def to_data(self) -> ActivityData:
        data = self.cleaned_data
        return ActivityData(
            kind=data["kind"],
            title=data["title"],
            specialties=tuple(data["specialties"]),
            format=data["format"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            location=data["location"],
            country=data["country"],
            hours_requested=data["hours_requested"],
            description=data["description"],
        )


class DecisionForm(AccessibleForm):
    decision = forms.ChoiceField(
        label="Решение", choices=Decision.choices, widget=forms.RadioSelect
    )
    credits = forms.IntegerField(
        label="Кредиты (ЗЕТ)",
        required=False,
        min_value=1,
        help_text="Для аккредитации: целое число от 1 до запрошенного числа часов.",
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=5000,
        help_text="При отклонении обязателен: причину получит провайдер.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
