"""Forms of the attestation pages: they parse input only; the services check the rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from nmo.accounts.models import Organisation
from nmo.accounts.selectors import list_organisations, list_units, units_for_organisations
from nmo.attestation.models import Commission, CommissionSeat, LearnerResult
from nmo.attestation.rules import grades_of_scale
from nmo.attestation.types import Attendance, Place, RetakeKind
from nmo.catalog.selectors import list_specialties
from nmo.core.forms import AccessibleForm, DateField, DateInput, limit_choices
from nmo.core.uploads import UploadRefused, check_scan_upload
from nmo.programmes.models import ProgrammeStage
from nmo.regulations.types import (
    CommissionRole,
    GradeScale,
    Post,
    RegulationRules,
    RemoteTool,
    StageKind,
    VoteChoice,
)

DATE = DateInput()


class CommissionForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Организация", queryset=list_organisations().none(), empty_label=None
    )
    specialty = forms.ModelChoiceField(
        label="Специальность (номенклатура)",
        queryset=list_specialties(),
        help_text="Постоянно действующая комиссия формируется по специальности.",
    )
    unit = forms.ModelChoiceField(
        label="Подразделение по профилю ДПП", queryset=list_units().none(), required=False
    )
    title = forms.CharField(label="Наименование комиссии", max_length=300)
    order_number = forms.CharField(
        label="Номер приказа об утверждении состава",
        max_length=50,
        help_text="Документ об утверждении состава — как установлено положением организации.",
    )
    order_date = DateField(label="Дата приказа", widget=DATE)
    valid_from = DateField(label="Действует с", widget=DATE)
    valid_to = DateField(
        label="Действует по", widget=DATE, required=False, help_text="Пусто — бессрочно."
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        rules: RegulationRules | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if rules is not None:
            approved_by = rules.commission.approved_by.label
            self.fields[
                "order_number"
            ].help_text = (
                f"Состав комиссии утверждается: {approved_by} — как установлено положением."
            )
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units_for_organisations(  # type: ignore[attr-defined]
            organisations
        )


ROLE_CHOICES = [("", "— место не занято —")] + [
    (r.value, r.label.capitalize()) for r in CommissionRole
]
POST_CHOICES = Post.choices


class SeatForm(forms.Form):
    email = forms.EmailField(
        label="Электронная почта", required=False, help_text="Учётная запись человека в системе."
    )
    role = forms.ChoiceField(label="Роль в комиссии", choices=ROLE_CHOICES, required=False)
    post = forms.CharField(label="Должность (как в приказе)", max_length=300, required=False)
    posts = forms.MultipleChoiceField(
        label="Кем является в организации",
        choices=POST_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Необязательно: по этим отметкам проверяется назначение по положению.",
    )

    def __init__(self, *args: Any, rules: RegulationRules | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if rules is not None:  # no deputy chair where the regulation provides none
            commissions = rules.commission
            roles = [
                role
                for role in CommissionRole
                if role != CommissionRole.DEPUTY_CHAIR
                or commissions.deputy_chair_required
                or commissions.deputy_chair_appointee is not None
            ]
            limit_choices(
                self, "role", roles, blank="— место не занято —", keep=self.initial.get("role")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("email") and not data.get("role"):
            self.add_error("role", "Выберите роль в комиссии.")
        if data.get("role") and not data.get("email"):
            self.add_error("email", "Укажите электронную почту.")
        return data


SeatFormSet = forms.formset_factory(SeatForm, extra=0, min_num=1, max_num=30)


def seat_initial(seats: list[CommissionSeat]) -> list[dict[str, Any]]:
    return [
        {"email": s.person.email, "role": s.role, "post": s.post, "posts": s.posts} for s in seats
    ]


class AttestationForm(forms.Form):
    commission = forms.ModelChoiceField(
        label="Аттестационная комиссия", queryset=Commission.objects.none(), empty_label=None
    )
    held_on = DateField(label="Дата проведения", widget=DATE)
    place = forms.ChoiceField(label="Место проведения", choices=Place.choices)
    address = forms.CharField(label="Адрес или аудитория", max_length=500, required=False)
    videoconference_url = forms.URLField(
        label="Ссылка на видеоконференцию",
        required=False,
        assume_scheme="https",
        help_text="Для дистанционной аттестации: двусторонняя видеосвязь слушателя и комиссии. "
        "Предложена новая комната Jitsi Meet; можно указать ссылку любого сервиса (https).",
    )
    attempt = forms.TypedChoiceField(
        label="Попытка",
        coerce=int,
        choices=[(1, "итоговая аттестация"), (2, "повторная итоговая аттестация")],
    )

    def __init__(
        self,
        *args: Any,
        commissions: QuerySet[Commission],
        rules: RegulationRules | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = commissions  # type: ignore[attr-defined]
        if rules is not None:  # the regulation's places, and remote only where it allows
            places: list[Any] = list(rules.conduct.places_allowed)
            if rules.conduct.remote_modes_allowed and (
                RemoteTool.VIDEOCONFERENCE in rules.conduct.remote_tools
            ):
                places.append(Place.REMOTE)
            limit_choices(self, "place", places, keep=self.initial.get("place"))


class MembersForm(forms.Form):
    present = forms.MultipleChoiceField(
        label="Присутствуют на заседании",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Секретарь не является членом комиссии и не голосует.",
    )
    presiding = forms.ChoiceField(
        label="Председательствует в отсутствие председателя",
        required=False,
        help_text="В НПЦ — заместитель председателя; в РостГМУ — назначенный член комиссии.",
    )

    def __init__(self, *args: Any, seats: list[CommissionSeat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [  # type: ignore[attr-defined]
            (str(s.pk), f"{s.person.full_name} — {s.role_label}") for s in seats
        ]
        self.fields["presiding"].choices = [("", "— председатель присутствует —")] + [  # type: ignore[attr-defined]
            (str(s.pk), f"{s.person.full_name} — {s.role_label}")
            for s in seats
            if s.role != CommissionRole.SECRETARY
        ]


class VotesForm(forms.Form):
    learner = forms.ChoiceField(label="По кому голосуют")
    votes_for = forms.IntegerField(label="За", min_value=0, max_value=50)
    votes_against = forms.IntegerField(label="Против", min_value=0, max_value=50, initial=0)
    abstained = forms.IntegerField(label="Воздержались", min_value=0, max_value=50, initial=0)
    presiding_vote = forms.ChoiceField(
        label="Как голосовал председательствующий",
        required=False,
        choices=[("", "— не указано —")] + [(v.value, v.label) for v in VoteChoice],
        help_text="Нужно при равенстве голосов: голос председательствующего решающий.",
    )

    def __init__(self, *args: Any, results: list[LearnerResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = [("all", "Все явившиеся слушатели (одинаково)")] + [  # type: ignore[attr-defined]
            (str(r.pk), r.enrolment.learner.full_name) for r in results if r.is_present
        ]


class ResultsForm(forms.Form):
    """The grading table: a field per learner and stage (the percentage of a testing
    stage, the grade of any other) and the learner's attendance."""

    def __init__(
        self, *args: Any, results: list[LearnerResult], stages: list[ProgrammeStage], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.results, self.stages = results, stages
        attendance = Attendance.choices
        for result in results:
            name = result.enrolment.learner.full_name
            self.fields[f"att_{result.pk}"] = forms.ChoiceField(
                label=f"Явка: {name}", choices=attendance, initial=result.attendance
            )
            found = {r.stage_id: r for r in result.stage_results.all()}
            for stage in stages:
                key = f"r{result.pk}_s{stage.pk}"
                current = found.get(stage.pk)
                label = f"{name}, этап {stage.order} ({stage.get_kind_display()})"
                if stage.kind == StageKind.TESTING:
                    self.fields[key] = forms.DecimalField(
                        label=f"{label}, % правильных ответов",
                        min_value=Decimal(0),
                        max_value=Decimal(100),
                        decimal_places=2,
                        required=False,
                        initial=current.percent if current else None,
                    )
                else:
                    grades = grades_of_scale(GradeScale(stage.scale))
                    self.fields[key] = forms.ChoiceField(
                        label=label,
                        choices=[("", "—")] + [(g.value, g.label) for g in grades],
                        required=False,
                        initial=current.grade if current else "",
                    )

    def rows(self) -> list[tuple[LearnerResult, Any, list[Any]]]:
        """(result, attendance field, stage fields) per learner, for the table."""
        return [
            (
                r,
                self[f"att_{r.pk}"],
                [self[f"r{r.pk}_s{s.pk}"] for s in self.stages],
            )
            for r in self.results
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Причина",
        widget=forms.Textarea(attrs={"rows": 2}),
        min_length=10,
        max_length=2000,
    )


class RemarksForm(forms.Form):
    learner = forms.ChoiceField(label="Слушатель")
    remarks = forms.CharField(
        label="Замечания, рекомендации комиссии",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args: Any, results: list[LearnerResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = [  # type: ignore[attr-defined]
            (str(r.pk), r.enrolment.learner.full_name) for r in results if r.is_present
        ]


# --- retakes ---------------------------------------------------------------------------


class RetakeApplyForm(AccessibleForm):
    """The learner's personal application; the document fields are for a valid reason."""

    kind = forms.ChoiceField(
        label="Основание",
        choices=RetakeKind.choices,
        widget=forms.HiddenInput,
    )
    document_description = forms.CharField(
        label="Оправдательный документ",
        required=False,
        max_length=500,
        help_text="Например: листок нетрудоспособности № …, медицинское заключение.",
    )
    document_presented_on = DateField(
        label="Дата предъявления документа", required=False, widget=DATE
    )
    reason_ended_on = DateField(
        label="Дата окончания уважительной причины", required=False, widget=DATE
    )
    document_file = forms.FileField(label="Скан документа (необязательно)", required=False)

    DOCUMENT_FIELDS = (
        "document_description",
        "document_presented_on",
        "reason_ended_on",
        "document_file",
    )

    def clean_document_file(self) -> Any:
        upload = self.cleaned_data.get("document_file")
        if upload:
            try:
                check_scan_upload(upload)
            except UploadRefused as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["kind"] = kind
        super().__init__(*args, **kwargs)
        if kind != RetakeKind.VALID_REASON:
            for name in self.DOCUMENT_FIELDS:
                del self.fields[name]


class RetakeGrantForm(AccessibleForm):
    date = DateField(label="Дата аттестации", widget=DATE)
    schedule_order_number = forms.CharField(
        label="Номер распоряжения об индивидуальном графике", required=False, max_length=50
    )
    schedule_order_date = DateField(label="Дата распоряжения", required=False, widget=DATE)
    individual_schedule = forms.CharField(
        label="Индивидуальный график",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RetakeRefuseForm(AccessibleForm):
    reason = forms.CharField(
        label="Причина отказа",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RetakeFileForm(RetakeApplyForm):
    """A learner's paper application recorded by staff on their behalf: the learner's form
    plus the day the application arrived (only staff may give a past day)."""

    filed_on = DateField(
        label="Дата поступления заявления",
        initial=timezone.localdate,
        widget=DATE,
        help_text=(
            "День, когда заявление слушателя поступило в организацию; не позже сегодняшнего дня."
        ),
    )

    field_order = ["filed_on"]
