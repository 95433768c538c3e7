"""Forms of the programmes pages: they parse input; every rule is checked by the services."""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms

from nmo.accounts.models import Sex
from nmo.accounts.selectors import list_organisations, list_units, units_for_organisations
from nmo.catalog.selectors import list_specialties
from nmo.core.forms import AccessibleForm, DateField, DateInput, limit_choices
from nmo.programmes.models import EnrolmentStatus, Programme, StageMode
from nmo.programmes.rules import (
    DIPLOMA_NAME_MAX,
    DIPLOMA_NUMBER_MAX,
    DIPLOMA_SERIES_MAX,
    SEATS_MAX,
    SUMMARY_MAX,
    citizenship_of,
)
from nmo.programmes.types import (
    OKSM_RUSSIA,
    EducationLevel,
    FrdoDetails,
    FundingSource,
    StudyForm,
)
from nmo.programmes.xlsx import MAX_FILE_BYTES
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    DefenceWork,
    GradeScale,
    ProgrammeKind,
    RegulationRules,
    RemoteTool,
    StageKind,
)


def _choice(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


CRITERIA_HINT = "Если оставить пустым, подставляется формулировка положения организации."


def _criterion(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=CRITERIA_HINT,
    )


class ProgrammeForm(AccessibleForm):
    organisation = forms.ModelChoiceField(
        label="Организация", queryset=list_organisations().none(), empty_label=None
    )
    unit = forms.ModelChoiceField(
        label="Подразделение, реализующее программу",
        queryset=list_units().none(),
        help_text=("Кафедра или структурное подразделение, разработавшее программу."),
    )
    kind = forms.ChoiceField(label="Вид программы", choices=ProgrammeKind.choices)
    title = forms.CharField(label="Наименование программы", max_length=500)
    hours = forms.IntegerField(label="Объём, академических часов", min_value=1, max_value=10_000)
    specialties = forms.ModelMultipleChoiceField(
        label="Специальности",
        queryset=list_specialties(),
        required=False,
        help_text="Можно выбрать несколько: удерживайте Ctrl (Cmd на Mac).",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    remote_share_percent = forms.IntegerField(
        label="Доля обучения с ДОТ и ЭО, %",
        min_value=0,
        max_value=100,
        initial=0,
        help_text="0 — полностью очно, 100 — полностью дистанционно.",
    )
    attestation_form = forms.ChoiceField(
        label="Форма итоговой аттестации", choices=AttestationForm.choices
    )
    attestation_hours = forms.IntegerField(
        label="Объём итоговой аттестации, академических часов", min_value=1, max_value=10_000
    )
    criteria_excellent = _criterion("Критерий «отлично»")
    criteria_good = _criterion("Критерий «хорошо»")
    criteria_satisfactory = _criterion("Критерий «удовлетворительно»")
    criteria_unsatisfactory = _criterion("Критерий «неудовлетворительно»")
    criteria_passed = _criterion("Критерий «зачтено»")
    criteria_failed = _criterion("Критерий «не зачтено»")

    FIELD_OF = {"unit_id": "unit", "specialty_ids": "specialties"}

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        programme: Programme | None = None,
        rules: RegulationRules | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if rules is not None:  # only what the organisation's regulation allows
            limit_choices(
                self, "kind", rules.programmes.kinds_allowed, keep=programme and programme.kind
            )
            limit_choices(
                self,
                "attestation_form",
                rules.conduct.forms_allowed,
                keep=programme and programme.attestation_form,
            )
        _choice(self, "organisation").queryset = organisations
        _choice(self, "unit").queryset = units_for_organisations(
            organisations, with_organisation=True
        )
        if programme is not None or organisations.count() == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            first = programme.organisation if programme is not None else organisations.first()
            self.fields["organisation"].initial = first
        if programme is not None:
            self.fields["organisation"].disabled = True


class StageForm(AccessibleForm):
    """A stage of the final attestation; with `rules`, only the stage kinds, defended works
    and grade scales of the organisation's regulation are offered."""

    kind = forms.ChoiceField(label="Вид этапа", choices=StageKind.choices)
    defence_work = forms.ChoiceField(
        label="Защищаемая работа",
        choices=[("", "— (только для этапа «защита работы»)"), *DefenceWork.choices],
        required=False,
    )
    scale = forms.ChoiceField(label="Шкала оценок", choices=GradeScale.choices)
    duration_minutes = forms.IntegerField(
        label="Продолжительность, минут", min_value=1, max_value=1440
    )
    mode = forms.ChoiceField(label="Форма ответа", choices=StageMode.choices)
    pass_threshold_percent = forms.IntegerField(
        label="Порог положительного результата тестирования, %",
        required=False,
        min_value=0,
        max_value=100,
        help_text=("Только для тестирования. Пусто — рекомендуемый положением порог (70%)."),
    )
    excellent_from_percent = forms.IntegerField(
        label="«Отлично» от, %",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Только для тестирования по четырёхбалльной шкале; пусто — по положению.",
    )
    good_from_percent = forms.IntegerField(
        label="«Хорошо» от, %",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Только для тестирования по четырёхбалльной шкале; пусто — по положению.",
    )

    def __init__(self, *args: Any, rules: RegulationRules | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rules is None:
            return
        initial = self.initial
        limit_choices(self, "kind", rules.conduct.stage_kinds_allowed, keep=initial.get("kind"))
        limit_choices(
            self,
            "defence_work",
            rules.conduct.defence_works_allowed,
            blank="— (только для этапа «защита работы»)",
            keep=initial.get("defence_work"),
        )
        if not rules.conduct.defence_works_allowed:
            self.fields["defence_work"].widget = forms.HiddenInput()
        limit_choices(self, "scale", rules.grading.scales_allowed, keep=initial.get("scale"))


class BankImportForm(AccessibleForm):
    file = forms.FileField(
        label="Файл ФОС (XLSX)",
        help_text=(
            "Столбцы «Вид», «Этап», «Текст», «Вариант 1»…, «Правильные ответы». "
            "Скачайте образец ниже."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    replace = forms.BooleanField(
        label="Заменить прежние материалы ФОС (иначе новые добавляются к ним)", required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"Файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ.")
        return upload


class CohortForm(AccessibleForm):
    programme = forms.ModelChoiceField(label="Программа", queryset=Programme.objects.none())
    title = forms.CharField(
        label="Наименование группы",
        max_length=200,
        required=False,
        help_text="Например, «ПК-05/2026». Можно не заполнять.",
    )
    unit = forms.ModelChoiceField(
        label="Подразделение",
        queryset=list_units().none(),
        required=False,
        help_text="Пусто — подразделение, реализующее программу.",
    )
    starts_on = DateField(label="Начало обучения", widget=DateInput())
    ends_on = DateField(label="Окончание обучения", widget=DateInput())
    attestation_date = DateField(label="Планируемая дата итоговой аттестации", widget=DateInput())
    place = forms.ChoiceField(label="Место проведения аттестации", choices=AttestationPlace.choices)
    address = forms.CharField(label="Адрес или аудитория", max_length=500, required=False)
    is_remote = forms.BooleanField(label="Аттестация с применением ДОТ и ЭО", required=False)
    uses_videoconference = forms.BooleanField(
        label="Аттестация в режиме двусторонней видеоконференции",
        required=False,
    )
    videoconference_requirements = forms.CharField(
        label="Технические требования к оборудованию и каналам связи",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Обязательно для видеоконференции: отправляется слушателям в срок, "
            "установленный положением."
        ),
    )
    study_form = forms.ChoiceField(
        label="Форма обучения",
        choices=[("", "не указана"), *StudyForm.choices],
        required=False,
        help_text="Для выгрузки в ФИС ФРДО: форма, в которой обучается вся группа.",
    )

    FIELD_OF = {"unit_id": "unit"}

    def __init__(
        self,
        *args: Any,
        programmes: Any,
        units: Any,
        editing: bool = False,
        rules: RegulationRules | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if rules is not None:  # only the places and remote modes the regulation allows
            limit_choices(
                self, "place", rules.conduct.places_allowed, keep=self.initial.get("place")
            )
            if not rules.conduct.remote_modes_allowed and not self.initial.get("is_remote"):
                self._not_offered("is_remote")
            if RemoteTool.VIDEOCONFERENCE not in rules.conduct.remote_tools and not (
                self.initial.get("uses_videoconference")
            ):
                self._not_offered("uses_videoconference", "videoconference_requirements")
        _choice(self, "programme").queryset = programmes
        _choice(self, "unit").queryset = units
        if editing:
            self.fields["programme"].disabled = True

    def _not_offered(self, *names: str) -> None:
        """A choice the regulation does not offer: not shown, and always empty."""
        for name in names:
            field = self.fields[name]
            field.widget = forms.HiddenInput()
            field.disabled = True
            field.initial = field.to_python(None)
            self.fields["programme"].required = False


class FrdoFieldsMixin(forms.Form):
    """What a learner states for ФИС ФРДО (ADR 0114): citizenship, the diploma of higher
    or secondary vocational education the programme builds on, the funding source."""

    citizenship = forms.CharField(
        label="Гражданство (код страны по ОКСМ)",
        max_length=60,
        required=False,
        initial=OKSM_RUSSIA,
        help_text="Три цифры: Россия — 643, Беларусь — 112, Казахстан — 398. Пусто — Россия.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    education_level = forms.ChoiceField(
        label="Уровень образования (диплом, на основании которого зачислен)",
        choices=[("", "не указан"), *EducationLevel.choices],
        required=False,
    )
    diploma_last_name = forms.CharField(
        label="Фамилия, указанная в дипломе о ВО или СПО",
        max_length=DIPLOMA_NAME_MAX,
        required=False,
        help_text="Только если отличается от нынешней фамилии слушателя.",
    )
    diploma_series = forms.CharField(
        label="Серия диплома о ВО или СПО", max_length=DIPLOMA_SERIES_MAX, required=False
    )
    diploma_number = forms.CharField(
        label="Номер диплома о ВО или СПО", max_length=DIPLOMA_NUMBER_MAX, required=False
    )
    funding_source = forms.ChoiceField(
        label="Источник финансирования обучения",
        choices=[("", "не указан"), *FundingSource.choices],
        required=False,
    )

    def clean_citizenship(self) -> str:
        raw = self.cleaned_data.get("citizenship") or ""
        code = citizenship_of(raw)
        if code is None:
            raise forms.ValidationError(
                "Укажите трёхзначный код страны по ОКСМ (Россия — 643), а не «%(value)s».",
                params={"value": raw[:40]},
            )
        return code

    def frdo_details(self) -> FrdoDetails:
        data = self.cleaned_data
        return FrdoDetails(
            citizenship=data["citizenship"],
            education_level=data["education_level"],
            diploma_last_name=data["diploma_last_name"],
            diploma_series=data["diploma_series"],
            diploma_number=data["diploma_number"],
            funding_source=data["funding_source"],
        )


class LearnerForm(FrdoFieldsMixin, AccessibleForm):
    last_name = forms.CharField(label="Фамилия", max_length=150)
    first_name = forms.CharField(label="Имя", max_length=150)
    middle_name = forms.CharField(label="Отчество", max_length=150, required=False)
    snils = forms.CharField(
        label="СНИЛС",
        max_length=20,
        required=False,
        help_text="11 цифр, например 112-233-445 95. По СНИЛС находится учётная запись слушателя.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Электронная почта",
        max_length=254,
        required=False,
        help_text="Нужна, если слушателя ещё нет в системе: на неё придут уведомления.",
    )
    phone = forms.CharField(label="Телефон", max_length=30, required=False)
    sex = forms.ChoiceField(
        label="Пол",
        choices=[("", "не указан"), *Sex.choices],
        required=False,
        help_text="Если не указать, определится по отчеству; слушатель может исправить.",
    )
    birth_date = DateField(label="Дата рождения", required=False, widget=DateInput())
    contract_number = forms.CharField(label="Номер договора", max_length=100, required=False)
    contract_date = DateField(label="Дата договора", required=False, widget=DateInput())

    field_order = ["last_name", "first_name", "middle_name", "snils", "email", "phone", "sex",
                   "birth_date", "contract_number", "contract_date"]  # fmt: skip


class LearnersImportForm(AccessibleForm):
    file = forms.FileField(
        label="Список слушателей (XLSX)",
        help_text=(
            "Столбцы «Фамилия», «Имя», «Отчество» (или «ФИО»), «СНИЛС», «E-mail», «Телефон», "
            "«Номер договора», «Дата договора»; по желанию «Пол» (м/ж), «Дата рождения» и "
            "сведения для ФИС ФРДО: «Гражданство (код ОКСМ)», «Уровень образования ВО/СПО», "
            "«Фамилия в дипломе о ВО/СПО», «Серия диплома о ВО/СПО», «Номер диплома о ВО/СПО», "
            "«Источник финансирования». Скачайте образец ниже."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"Файл больше {MAX_FILE_BYTES // (1024 * 1024)} МБ.")
        return upload


class EnrolmentForm(FrdoFieldsMixin, AccessibleForm):
    programme_completed = forms.BooleanField(label="Программа освоена", required=False)
    curriculum_completed = forms.BooleanField(
        label="Учебный (индивидуальный) план выполнен в полном объёме", required=False
    )
    status = forms.ChoiceField(label="Состояние", choices=EnrolmentStatus.choices)
    contract_number = forms.CharField(label="Номер договора", max_length=100, required=False)
    contract_date = DateField(label="Дата договора", required=False, widget=DateInput())

    field_order = ["programme_completed", "curriculum_completed", "status", "contract_number",
                   "contract_date"]  # fmt: skip


class IntermediateResultForm(AccessibleForm):
    title = forms.CharField(label="Промежуточная аттестация", max_length=300)
    passed = forms.TypedChoiceField(
        label="Результат",
        choices=[("1", "пройдена"), ("0", "не пройдена")],
        coerce=lambda value: value == "1",
    )
    assessed_on = DateField(label="Дата", widget=DateInput())


class DebtForm(AccessibleForm):
    description = forms.CharField(label="Задолженность", max_length=500)


class DebtClearForm(AccessibleForm):
    cleared_on = DateField(label="Дата погашения", widget=DateInput())


class AdmissionOverrideForm(AccessibleForm):
    admitted = forms.TypedChoiceField(
        label="Решение",
        choices=[("1", "допустить к итоговой аттестации"), ("0", "не допускать")],
        coerce=lambda value: value == "1",
    )
    justification = forms.CharField(
        label="Обоснование",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Обязательно: не менее 20 символов. Попадает в журнал аудита.",
    )


class CurriculumForm(AccessibleForm):
    """The qualification awarded, the field of professional activity and the disciplines
    (modules) with hours, one a line, that a retraining diploma and its supplement print."""

    qualification_title = forms.CharField(
        label="Присваиваемая квалификация",
        required=False,
        max_length=300,
        help_text="Печатается в дипломе: «присвоена квалификация …» (например, «Врач-кардиолог»).",
    )
    practice_field = forms.CharField(
        label="Сфера профессиональной деятельности",
        required=False,
        max_length=500,
        help_text="Печатается в дипломе: «право на ведение профессиональной деятельности в сфере "
        "…» (например, «кардиологии»).",
    )
    disciplines = forms.CharField(
        label="Дисциплины (модули) и часы",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="По одной в строке: наименование, тире и число академических часов, например "
        "«Кардиология — 36». Печатаются в приложении к диплому в этом порядке.",
    )


class PriceField(forms.Field):
    """A price in roubles as people type it: «12 500», «12500,50», «12500.50»."""

    def to_python(self, value: Any) -> Decimal | None:
        text = "".join(str(value or "").split()).replace(",", ".")
        if not text:
            return None
        if len(text) > 20:
            raise forms.ValidationError("Стоимость — от 0 до 10 000 000 руб.")
        try:
            price = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                "Введите стоимость числом, например 12 500 или 12 500,50."
            ) from None
        if not price.is_finite() or abs(price) >= Decimal("1e12"):
            raise forms.ValidationError("Стоимость — от 0 до 10 000 000 руб.")
        if price != price.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                "Стоимость указывается в рублях и копейках: не больше двух знаков после запятой."
            )
        return price


class CatalogueCardForm(AccessibleForm):
    """The programme's card in the public catalogue and the seats of its upcoming cohorts
    (one field `seats_<cohort id>` per cohort)."""

    summary = forms.CharField(
        label="Описание для каталога",
        required=False,
        max_length=SUMMARY_MAX,
        help_text="Чему научится специалист и для кого программа. Видно всем посетителям.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    price = PriceField(
        label="Стоимость обучения, руб.",
        required=False,
        help_text="Пусто — программа не продаётся по договору (например, только по сертификату).",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12, "maxlength": 20}),
    )
    by_certificate = forms.BooleanField(
        label="Можно оплатить образовательным сертификатом", required=False
    )

    def __init__(self, *args: Any, cohorts: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohorts = list(cohorts)
        self.cohort_fields: list[str] = []
        for cohort in self.cohorts:
            name = f"seats_{cohort.pk}"
            taken = getattr(cohort, "seats_taken", 0)
            self.fields[name] = forms.IntegerField(
                label=f"Мест в группе «{cohort}»",
                required=False,
                min_value=1,
                max_value=SEATS_MAX,
                help_text=f"Уже обучается: {taken}. Пусто — группа не принимает заявок "
                "через каталог.",
            )
            self.initial.setdefault(name, cohort.seats)
            self.cohort_fields.append(name)
        self._describe_fields()

    def seats(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("seats_")): self.cleaned_data.get(name)
            for name in self.cohort_fields
        }
