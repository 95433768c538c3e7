"""Programmes (ДПП), their stages and assessment banks, cohorts with their learners,
notices to learners and admission to the final attestation.

The choices are the regulation's own (`nmo.regulations.types`), so a programme's kind,
form, stage kind, scale and place are the same codes, with the same labels, as the
organisation's regulation allows.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from nmo.core.models import BaseModel
from nmo.programmes.types import OKSM_RUSSIA, EducationLevel, FundingSource, StudyForm
from nmo.regulations.types import (
    AttestationForm,
    AttestationPlace,
    DefenceWork,
    GradeScale,
    ProgrammeKind,
    StageKind,
)


class StageMode(models.TextChoices):
    WRITTEN = "written", "письменно"
    ORAL = "oral", "устно"


class Programme(BaseModel):
    """A programme of additional professional education (ДПП) of an organisation: its kind,
    hours, specialties, the share of remote learning, and the form, duration and grade
    criteria of its final attestation (npc-2.4–2.6, rgmu-2.4–2.6, rgmu-3.2)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="подразделение, реализующее программу",
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    kind = models.CharField("вид программы", max_length=30, choices=ProgrammeKind.choices)
    title = models.CharField("наименование", max_length=500)
    # The folded title the public catalogue searches, as Activity.title_search (ADR 0116).
    title_search = models.CharField(max_length=500, editable=False, default="")
    hours = models.PositiveIntegerField("объём, академических часов")
    specialties = models.ManyToManyField(
        "catalog.Specialty", verbose_name="специальности", related_name="programmes", blank=True
    )
    remote_share_percent = models.PositiveSmallIntegerField(
        "доля обучения с ДОТ и ЭО, %",
        default=0,
        help_text="0 — очно, 100 — полностью дистанционно (npc-2.4, rgmu-2.4).",
    )
    attestation_form = models.CharField(
        "форма итоговой аттестации", max_length=20, choices=AttestationForm.choices
    )
    attestation_hours = models.PositiveSmallIntegerField(
        "объём итоговой аттестации, академических часов"
    )
    criteria_excellent = models.TextField("критерий «отлично»", blank=True)
    criteria_good = models.TextField("критерий «хорошо»", blank=True)
    criteria_satisfactory = models.TextField("критерий «удовлетворительно»", blank=True)
    criteria_unsatisfactory = models.TextField("критерий «неудовлетворительно»", blank=True)
    criteria_passed = models.TextField("критерий «зачтено»", blank=True)
    criteria_failed = models.TextField("критерий «не зачтено»", blank=True)
    # What a retraining diploma states (issue 12): «присвоена квалификация …» and «предоставляет
    # право на ведение профессиональной деятельности в сфере …».
    qualification_title = models.CharField("присваиваемая квалификация", max_length=300, blank=True)
    practice_field = models.CharField(
        "сфера профессиональной деятельности",
        max_length=500,
        blank=True,
        help_text="Печатается в дипломе: «право на ведение профессиональной деятельности "
        "в сфере …».",
    )
    # The public catalogue's card of the programme (issue 15, faq-join-steps): whether it is
    # offered to specialists, what it costs and whether an educational certificate pays for it
    # (faq-portal-cycles).
    published = models.BooleanField("опубликована в каталоге", default=False)
    summary = models.TextField("описание для каталога", blank=True)
    price = models.DecimalField(
        "стоимость обучения, руб.", max_digits=10, decimal_places=2, null=True, blank=True
    )
    by_certificate = models.BooleanField(
        "можно обучаться по образовательному сертификату", default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто создал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "программа ДПП"
        verbose_name_plural = "программы ДПП"
        ordering = ["organisation__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remote_share_percent__lte=100), name="programme_remote_share_0_100"
            ),
            models.CheckConstraint(condition=Q(hours__gte=1), name="programme_hours_positive"),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="programme_price_not_negative",
            ),
        ]
        # The public catalogue's filters (ADR 0116): kind and the share of distance learning
        # among the published programmes; migration 0007 adds a pg_trgm index on
        # title_search on PostgreSQL. Specialties use the link table's own indexes.
        indexes = [
            models.Index(
                fields=["kind", "remote_share_percent"],
                name="programme_published_kind_idx",
                condition=Q(published=True),
            ),
            models.Index(
                fields=["remote_share_percent"],
                name="programme_published_remote_idx",
                condition=Q(published=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        from nmo.catalog.rules import search_key

        self.title_search = search_key(self.title)[:500]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "title_search"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme_detail", kwargs={"pk": self.pk})

    @property
    def price_text(self) -> str:
        """The price as the catalogue prints it: «12 500 руб.», «12 500,50 руб.» (groups
        parted by a no-break space), «бесплатно» for 0, "" when there is none."""
        if self.price is None:
            return ""
        if not self.price:
            return "бесплатно"
        whole = f"{self.price:,.2f}".replace(",", "\u00a0").replace(".", ",")
        return f"{whole.removesuffix(',00')}\u00a0руб."


class ProgrammeDiscipline(BaseModel):
    """One discipline (module) of the programme's curriculum with its hours, in `order`: the
    rows of the supplement (приложение) to a retraining diploma."""

    programme = models.ForeignKey(
        Programme, verbose_name="программа", on_delete=models.CASCADE, related_name="disciplines"
    )
    order = models.PositiveSmallIntegerField("номер")
    title = models.CharField("дисциплина (модуль)", max_length=300)
    hours = models.PositiveIntegerField("объём, академических часов")

    class Meta:
        verbose_name = "дисциплина (модуль) программы"
        verbose_name_plural = "дисциплины (модули) программы"
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="discipline_order_once"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="discipline_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} ч)"


class ProgrammeStage(BaseModel):
    """One stage of the programme's final attestation, in `order` (1, 2, …): testing, case
    tasks, practical skills, interview or the defence of a work (npc-2.5, rgmu-2.5).

    A testing stage carries the programme's pass threshold (npc-3.5, rgmu-3.6) and, on the
    four-point scale, the lower bounds of «отлично» and «хорошо»; the threshold is then the
    lower bound of «удовлетворительно» (rgmu-3.6)."""

    programme = models.ForeignKey(
        Programme, verbose_name="программа", on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField("номер этапа")
    kind = models.CharField("вид этапа", max_length=20, choices=StageKind.choices)
    defence_work = models.CharField(
        "защищаемая работа", max_length=20, choices=DefenceWork.choices, blank=True
    )
    scale = models.CharField("шкала оценок", max_length=20, choices=GradeScale.choices)
    pass_threshold_percent = models.PositiveSmallIntegerField(
        "порог положительного результата тестирования, %", null=True, blank=True
    )
    excellent_from_percent = models.PositiveSmallIntegerField(
        "«отлично» от, %", null=True, blank=True
    )
    good_from_percent = models.PositiveSmallIntegerField("«хорошо» от, %", null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField("продолжительность, минут")
    mode = models.CharField("форма ответа", max_length=10, choices=StageMode.choices)

    class Meta:
        verbose_name = "этап итоговой аттестации"
        verbose_name_plural = "этапы итоговой аттестации"
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="stage_unique_order"),
            models.CheckConstraint(condition=Q(order__gte=1), name="stage_order_positive"),
            models.CheckConstraint(
                condition=Q(pass_threshold_percent__isnull=True)
                | Q(pass_threshold_percent__lte=100),
                name="stage_threshold_0_100",
            ),
            models.CheckConstraint(
                condition=Q(kind="testing") | Q(pass_threshold_percent__isnull=True),
                name="stage_threshold_only_for_testing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()}"


class AssessmentItemKind(models.TextChoices):
    TEST_QUESTION = "test_question", "тестовое задание"
    CASE_TASK = "case_task", "ситуационная задача (кейс)"
    SKILL = "skill", "практический навык"
    INTERVIEW_QUESTION = "interview_question", "вопрос для собеседования"
    ESSAY_TOPIC = "essay_topic", "тема реферата или аттестационной работы"


class AssessmentItem(BaseModel):
    """One item of the programme's assessment bank (ФОС, npc-2.7): a test question with its
    options and correct answers, a case task, a practical skill, an interview question or
    the topic of an essay or attestation work.

    `options` is the list of answer texts of a test question; `correct_answers` the
    0-based indices of the right ones in `options`. Both are empty for other kinds."""

    programme = models.ForeignKey(
        Programme,
        verbose_name="программа",
        on_delete=models.CASCADE,
        related_name="assessment_items",
    )
    number = models.PositiveIntegerField("номер")
    kind = models.CharField("вид", max_length=30, choices=AssessmentItemKind.choices)
    text = models.TextField("текст")
    options = models.JSONField("варианты ответа", default=list, blank=True)
    correct_answers = models.JSONField("правильные ответы", default=list, blank=True)
    stage = models.ForeignKey(
        ProgrammeStage,
        verbose_name="этап",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessment_items",
    )

    class Meta:
        verbose_name = "материал ФОС"
        verbose_name_plural = "фонд оценочных средств"
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="item_unique_number"),
        ]
        indexes = [models.Index(fields=["programme", "kind"], name="item_programme_kind_idx")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class Cohort(BaseModel):
    """One run of a programme (цикл обучения, группа) with its dates, the planned date,
    place and remote mode of the final attestation, and the version of the regulation it is
    held under (pinned when the cohort is created)."""

    programme = models.ForeignKey(
        Programme, verbose_name="программа", on_delete=models.PROTECT, related_name="cohorts"
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="подразделение",
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    title = models.CharField("наименование группы", max_length=200, blank=True)
    starts_on = models.DateField("начало обучения")
    ends_on = models.DateField("окончание обучения")
    attestation_date = models.DateField("планируемая дата итоговой аттестации")
    place = models.CharField(
        "место проведения аттестации", max_length=30, choices=AttestationPlace.choices
    )
    address = models.CharField("адрес или аудитория", max_length=500, blank=True)
    is_remote = models.BooleanField("аттестация с применением ДОТ и ЭО", default=False)
    uses_videoconference = models.BooleanField("аттестация по видеоконференции", default=False)
    videoconference_requirements = models.TextField(
        "технические требования к оборудованию и каналам связи", blank=True
    )
    # The form every learner of the cohort studies in, for ФИС ФРДО (ADR 0114).
    study_form = models.CharField(
        "форма обучения", max_length=20, choices=StudyForm.choices, blank=True
    )
    # Places offered to specialists through the catalogue (issue 15); None — the cohort
    # takes no applications (the organisation enrols its own learners).
    seats = models.PositiveIntegerField("мест для записи через каталог", null=True, blank=True)
    regulation_version = models.ForeignKey(
        "regulations.RegulationVersion",
        verbose_name="версия положения",
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто создал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "группа (цикл обучения)"
        verbose_name_plural = "группы (циклы обучения)"
        ordering = ["-starts_on", "programme__title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cohort_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(attestation_date__gte=models.F("starts_on"))
                & Q(attestation_date__lte=models.F("ends_on")),
                name="cohort_attestation_within_training",
            ),
            models.CheckConstraint(
                condition=Q(uses_videoconference=False) | Q(is_remote=True),
                name="cohort_videoconference_is_remote",
            ),
        ]
        # The catalogue's open cohorts of a programme (seats offered), by start (ADR 0116).
        indexes = [
            models.Index(
                fields=["programme", "starts_on", "ends_on"],
                name="cohort_open_start_idx",
                condition=Q(seats__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        dates = f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"
        return f"{self.title or self.programme.title} ({dates})"

    def get_absolute_url(self) -> str:
        return reverse("programmes:cohort_detail", kwargs={"pk": self.pk})


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "обучается"
    WITHDRAWN = "withdrawn", "отчислен"


class Enrolment(BaseModel):
    """A learner in a cohort, with the training contract and what admission depends on:
    the programme mastered and the (individual) curriculum done in full (npc-2.3,
    rgmu-2.3). A withdrawn learner is not completing the programme and gets no admission
    decision."""

    cohort = models.ForeignKey(
        Cohort, verbose_name="группа", on_delete=models.PROTECT, related_name="enrolments"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="слушатель",
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    contract_number = models.CharField("номер договора", max_length=100, blank=True)
    contract_date = models.DateField("дата договора", null=True, blank=True)
    programme_completed = models.BooleanField("программа освоена", default=False)
    curriculum_completed = models.BooleanField(
        "учебный (индивидуальный) план выполнен в полном объёме", default=False
    )
    status = models.CharField(
        "состояние",
        max_length=20,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    # What the learner stated at enrolment for ФИС ФРДО (ADR 0114): personal data, shown
    # to the organisation's staff and the learner only.
    citizenship = models.CharField(
        "гражданство (код страны по ОКСМ)", max_length=3, default=OKSM_RUSSIA
    )
    education_level = models.CharField(
        "уровень образования ВО/СПО", max_length=30, choices=EducationLevel.choices, blank=True
    )
    diploma_last_name = models.CharField(
        "фамилия, указанная в дипломе о ВО или СПО",
        max_length=150,
        blank=True,
        help_text="Пусто — как нынешняя фамилия слушателя.",
    )
    diploma_series = models.CharField("серия документа о ВО/СПО", max_length=20, blank=True)
    diploma_number = models.CharField("номер документа о ВО/СПО", max_length=30, blank=True)
    funding_source = models.CharField(
        "источник финансирования обучения",
        max_length=30,
        choices=FundingSource.choices,
        blank=True,
    )

    class Meta:
        verbose_name = "зачисление слушателя"
        verbose_name_plural = "слушатели групп"
        ordering = ["cohort", "learner__last_name", "learner__first_name", "learner__middle_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "learner"], name="enrolment_unique_learner"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} — {self.cohort}"


class IntermediateResult(BaseModel):
    """The result of one intermediate assessment (промежуточная аттестация) of a learner.
    A later result under the same title supersedes an earlier one (a passed resit)."""

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name="слушатель",
        on_delete=models.CASCADE,
        related_name="intermediate_results",
    )
    title = models.CharField("промежуточная аттестация", max_length=300)
    passed = models.BooleanField("пройдена")
    assessed_on = models.DateField("дата")

    class Meta:
        verbose_name = "результат промежуточной аттестации"
        verbose_name_plural = "результаты промежуточных аттестаций"
        ordering = ["enrolment", "assessed_on", "id"]

    def __str__(self) -> str:
        return f"{self.title}: {'пройдена' if self.passed else 'не пройдена'}"


class Debt(BaseModel):
    """An outstanding debt of a learner (академическая или иная задолженность); it stops
    admission where the regulation says so (rgmu-2.3) until it is cleared."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name="слушатель", on_delete=models.CASCADE, related_name="debts"
    )
    description = models.CharField("задолженность", max_length=500)
    cleared_on = models.DateField("погашена", null=True, blank=True)

    class Meta:
        verbose_name = "задолженность"
        verbose_name_plural = "задолженности"
        ordering = ["enrolment", "created_at", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def is_outstanding(self) -> bool:
        return self.cleared_on is None


class NoticeKind(models.TextChoices):
    FIRST_DAY = "first_day", "форма, условия и дата итоговой аттестации"
    VIDEOCONFERENCE = "videoconference", "технические требования к видеоконференции"


class NoticeStatus(models.TextChoices):
    PLANNED = "planned", "запланировано"
    SENDING = "sending", "отправляется"
    SENT = "sent", "отправлено"
    FAILED = "failed", "ошибка отправки"
    CANCELLED = "cancelled", "отменено"


class CohortNotice(BaseModel):
    """A notice the regulation requires the learners of a cohort to receive by a date: the
    form, conditions and date of the attestation on the first day of training (npc-2.2,
    rgmu-2.2) and the technical requirements of a videoconference attestation (npc-6.2,
    rgmu-6.3). Sent by e-mail by `send_due_notices`; every learner gets it once
    (`NoticeDelivery`)."""

    cohort = models.ForeignKey(
        Cohort, verbose_name="группа", on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField("уведомление", max_length=20, choices=NoticeKind.choices)
    due_on = models.DateField("срок")
    sender = models.CharField("кто сообщает", max_length=500, blank=True)
    status = models.CharField(
        "состояние", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PLANNED
    )
    claimed_at = models.DateTimeField("начало отправки", null=True, blank=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    recipients_count = models.PositiveIntegerField("получателей", default=0)
    error = models.TextField("ошибка", blank=True)

    class Meta:
        verbose_name = "уведомление слушателям"
        verbose_name_plural = "уведомления слушателям"
        ordering = ["cohort", "due_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kind"], name="notice_unique_kind"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="notice_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.cohort}"


class NoticeDelivery(models.Model):
    """One learner's copy of a notice: written once, when the e-mail has gone out, so that
    nobody gets the same notice twice and a learner enrolled later still gets it."""

    notice = models.ForeignKey(
        CohortNotice,
        verbose_name="уведомление",
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name="слушатель", on_delete=models.CASCADE, related_name="deliveries"
    )
    email = models.EmailField("адрес", max_length=254)
    sent_at = models.DateTimeField("отправлено", auto_now_add=True)

    class Meta:
        verbose_name = "доставка уведомления"
        verbose_name_plural = "доставки уведомлений"
        ordering = ["notice", "sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "enrolment"], name="delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.email}"


class Admission(BaseModel):
    """The decision whether a learner may sit the final attestation (npc-2.3, rgmu-2.3),
    one per enrolment and attempt (1 — the attestation, 2 — the retake).

    `reasons` lists, in Russian with the clause, every condition of the regulation the
    learner did not meet when the decision was taken. Staff may override the decision with
    a written `justification`; an overridden decision is kept when admission is decided
    again."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name="слушатель", on_delete=models.PROTECT, related_name="admissions"
    )
    attempt = models.PositiveSmallIntegerField("попытка", default=1)
    admitted = models.BooleanField("допущен")
    reasons = models.JSONField("причины недопуска", default=list, blank=True)
    decided_at = models.DateTimeField("решение принято")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто принял решение",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    overridden = models.BooleanField("решение изменено вручную", default=False)
    justification = models.TextField("обоснование изменения", blank=True)

    class Meta:
        verbose_name = "допуск к итоговой аттестации"
        verbose_name_plural = "допуски к итоговой аттестации"
        ordering = ["enrolment", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "attempt"], name="admission_per_attempt"),
            models.CheckConstraint(condition=Q(attempt__gte=1), name="admission_attempt_positive"),
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(justification=""),
                name="admission_override_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.learner}: {'допущен' if self.admitted else 'не допущен'}"


class SpecialConditionsStatus(models.TextChoices):
    FILED = "filed", "подано, ждёт решения"
    GRANTED = "granted", "специальные условия предоставлены"
    REFUSED = "refused", "в предоставлении отказано"


def special_conditions_document_path(instance: "SpecialConditionsDocument", filename: str) -> str:
    """Store a supporting document under a random name: the file name a learner gave (a
    diagnosis, a name) never reaches the file system or a URL."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if extension not in ("pdf", "jpg", "jpeg", "png"):
        extension = "bin"
    return f"special_conditions/{uuid.uuid4().hex}.{extension}"


class SpecialConditionsApplication(BaseModel):
    """A disabled learner's written application for special conditions at the final
    attestation of one enrolment (rgmu-7.2, rgmu-7.4, rgmu-7.6): an assistant, extra time
    for the written (test) stages and for preparing an oral answer, technical means,
    accessible premises, with supporting documents; filed by the learner or recorded by
    staff from a paper application. Once granted, the granted conditions attach to the
    enrolment and every stage reads them (`selectors.special_conditions_for`).

    `individual_features` and the documents are medical: only the learner and the
    organisation's staff see them, never the commission or other learners."""

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name="слушатель",
        on_delete=models.PROTECT,
        related_name="special_conditions_applications",
    )
    filed_on = models.DateField("дата подачи")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подал",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf = models.BooleanField("записано сотрудником по бумажному заявлению", default=False)
    # What was asked, for each attestation stage (rgmu-7.7: "для каждого аттестационного
    # испытания"); the three booleans below summarise it (any stage, by the stage's form).
    assistant_stages = models.ManyToManyField(
        ProgrammeStage,
        verbose_name="этапы, на которых нужен ассистент",
        blank=True,
        related_name="+",
    )
    extra_time_stages = models.ManyToManyField(
        ProgrammeStage,
        verbose_name="этапы, на которых нужно больше времени",
        blank=True,
        related_name="+",
    )
    needs_assistant = models.BooleanField("нужен ассистент", default=False)
    # The stages named here that were removed from the programme since («2. Тестирование»):
    # staff are warned (ADR 0305).
    removed_stages = models.JSONField(
        "этапы, удалённые из программы после подачи", default=list, blank=True
    )
    extra_time_written = models.BooleanField(
        "нужно больше времени на письменные испытания и тестирование", default=False
    )
    extra_time_oral = models.BooleanField(
        "нужно больше времени на подготовку к устному ответу", default=False
    )
    technical_means = models.TextField("технические средства", blank=True)
    accessible_premises = models.BooleanField("нужна доступная аудитория", default=False)
    individual_features = models.TextField(
        "особенности психофизического развития, индивидуальные возможности, состояние здоровья",
        blank=True,
    )
    deadline = models.DateField("срок подачи по положению", null=True, blank=True)
    is_late = models.BooleanField("подано после срока", default=False)
    status = models.CharField(
        "состояние",
        max_length=10,
        choices=SpecialConditionsStatus.choices,
        default=SpecialConditionsStatus.FILED,
    )
    granted_assistant = models.BooleanField("ассистент", default=False)
    granted_written_minutes = models.PositiveSmallIntegerField(
        "дополнительно на письменные испытания и тестирование, минут", default=0
    )
    granted_oral_minutes = models.PositiveSmallIntegerField(
        "дополнительно на подготовку к устному ответу, минут", default=0
    )
    granted_technical_means = models.TextField("технические средства", blank=True)
    granted_accessible_premises = models.BooleanField("доступная аудитория", default=False)
    late_acceptance_reason = models.TextField("почему принято после срока", blank=True)
    decision_reason = models.TextField("основание решения", blank=True)
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто принял решение",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    @staticmethod
    def _on_stages(stages: list[ProgrammeStage], *, with_mode: bool) -> str:
        names = [
            f"{s.order}. {s.get_kind_display()}"
            + (f" ({s.get_mode_display()})" if with_mode else "")
            for s in stages
        ]
        return ("на этапе: " if len(names) == 1 else "на этапах: ") + "; ".join(names)

    @property
    def assistant_text(self) -> str:
        """«нужен на этапе: 1. …» / «нужен на этапах: 1. …; 2. …» / «нужен на всех этапах»."""
        stages = sorted(self.assistant_stages.all(), key=lambda s: s.order)
        if stages:
            return "нужен " + self._on_stages(stages, with_mode=False)
        return "нужен на всех этапах" if self.needs_assistant else "не нужен"

    @property
    def extra_time_text(self) -> str:
        """The stages named, and per kind «на всех …» where none of that kind is named
        (the flags apply, ADR 0305)."""
        stages = sorted(self.extra_time_stages.all(), key=lambda s: s.order)
        parts = [self._on_stages(stages, with_mode=True)] if stages else []
        if self.extra_time_written and not any(s.mode != StageMode.ORAL for s in stages):
            parts.append("на всех письменных этапах и тестировании")
        if self.extra_time_oral and not any(s.mode == StageMode.ORAL for s in stages):
            parts.append("на подготовке к устному ответу на всех устных этапах")
        return "нужно " + ", ".join(parts) if parts else "не нужно"

    @property
    def removed_stages_warning(self) -> str:
        """Staff's warning that the application names stages no longer in the programme."""
        if not self.removed_stages:
            return ""
        names = "; ".join(f"«{name}»" for name in self.removed_stages)
        what = (
            "назван этап, удалённый"
            if len(self.removed_stages) == 1
            else "названы этапы, удалённые"
        )
        return (
            f"В заявлении {what} из программы после подачи: {names}. Уточните у слушателя, "
            "на каких этапах нужны условия: если в заявлении не осталось этапа того же "
            "вида, условия действуют на всех этапах этого вида."
        )

    class Meta:
        verbose_name = "заявление о специальных условиях"
        verbose_name_plural = "заявления о специальных условиях"
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(status__in=["filed", "granted"]),
                name="special_conditions_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(is_late=False) | ~Q(late_acceptance_reason=""),
                name="special_conditions_late_grant_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_reason=""),
                name="special_conditions_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Заявление о специальных условиях от {self.filed_on:%d.%m.%Y}"

    @property
    def status_label(self) -> str:
        return SpecialConditionsStatus(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == SpecialConditionsStatus.FILED


class SpecialConditionsDocument(models.Model):
    """A supporting document of an application for special conditions (a medical report,
    the rehabilitation programme), stored under a random name and served only to the
    learner and the organisation's staff."""

    application = models.ForeignKey(
        SpecialConditionsApplication,
        verbose_name="заявление",
        on_delete=models.CASCADE,
        related_name="documents",
    )
    file = models.FileField("файл", upload_to=special_conditions_document_path)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=100)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_at = models.DateTimeField("загружен", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто загрузил",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "подтверждающий документ"
        verbose_name_plural = "подтверждающие документы"
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.original_name


class PaymentBasis(models.TextChoices):
    """How a specialist's training is paid for (faq-join-steps, faq-portal-cycles)."""

    EDUCATION_VOUCHER = "education_voucher", "образовательный сертификат"
    SPECIALIST_CONTRACT = "specialist_contract", "договор со специалистом"
    EMPLOYER_CONTRACT = "employer_contract", "договор с работодателем"


class ApplicationStatus(models.TextChoices):
    FILED = "filed", "подана"
    ACCEPTED = "accepted", "принята"
    DECLINED = "declined", "отклонена"
    WITHDRAWN = "withdrawn", "отозвана"


APPLICATION_HOLDS_SEAT = (ApplicationStatus.FILED, ApplicationStatus.ACCEPTED)
"""A filed application holds its seat until it is decided or withdrawn (ADR 0117)."""


class ProgrammeApplication(BaseModel):
    """A specialist's application (заявка на обучение) for a cohort offered in the catalogue
    (faq-join-steps, steps 1–2): how the training is paid for, the organisation's decision
    with its reason and the contract it records. Acceptance enrols the specialist — the
    same account — as a learner of the cohort (`enrolment`)."""

    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="специалист",
        on_delete=models.PROTECT,
        related_name="programme_applications",
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name="группа", on_delete=models.PROTECT, related_name="applications"
    )
    payment_basis = models.CharField(
        "основание обучения", max_length=30, choices=PaymentBasis.choices
    )
    voucher_number = models.CharField(
        "номер образовательного сертификата", max_length=50, blank=True
    )
    employer_name = models.CharField("работодатель", max_length=500, blank=True)
    comment = models.TextField("комментарий специалиста", blank=True)
    status = models.CharField(
        "состояние",
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.FILED,
    )
    decision_reason = models.TextField("причина отказа", blank=True)
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто принял решение",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("отозвана", null=True, blank=True)
    contract_number = models.CharField("номер договора", max_length=100, blank=True)
    contract_date = models.DateField("дата договора", null=True, blank=True)
    contract_payer = models.CharField(
        "заказчик (плательщик) по договору", max_length=500, blank=True
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name="зачисление",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )

    class Meta:
        verbose_name = "заявка на обучение"
        verbose_name_plural = "заявки на обучение"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["specialist", "cohort"],
                condition=Q(status__in=["filed", "accepted"]),
                name="application_one_active",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="application_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(payment_basis="education_voucher") | ~Q(voucher_number=""),
                name="application_voucher_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(payment_basis="employer_contract") | ~Q(employer_name=""),
                name="application_employer_named",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(enrolment__isnull=False),
                name="application_accepted_enrols",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status"], name="application_cohort_status")]

    def __str__(self) -> str:
        return f"Заявка на обучение № {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == ApplicationStatus.FILED

    def get_absolute_url(self) -> str:
        return reverse("programmes:my_applications") + f"#application-{self.pk}"
