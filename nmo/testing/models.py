"""The online testing system (АС ДПО, rgmu-6.1): test forms drawn from the programme's
assessment bank, test sessions of an attestation, each learner's attempts with their
ticket, answers and event log (ADR 0301).

The timer is the server's: an attempt's `deadline` is stored when it starts and never
moves; an answer is accepted only while `status` is open and now is before the deadline.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from nmo.core.models import BaseModel
from nmo.regulations.types import Grade


class QuestionKind(models.TextChoices):
    SINGLE = "single", "один правильный ответ"
    MULTIPLE = "multiple", "несколько правильных ответов"


class AttemptStatus(models.TextChoices):
    OPEN = "open", "идёт"
    SUBMITTED = "submitted", "завершена слушателем"
    CLOSED = "closed", "завершена по истечении времени"
    ANNULLED = "annulled", "аннулирована"


class EventKind(models.TextChoices):
    STARTED = "started", "начало попытки"
    RESUMED = "resumed", "возобновление (повторный вход)"
    TIME_EXTENDED = "time_extended", "время продлено (особые условия)"
    ANSWER_SAVED = "answer_saved", "ответ сохранён"
    ANSWER_REFUSED = "answer_refused", "ответ отклонён: время истекло"
    SUBMITTED = "submitted", "завершена слушателем"
    CLOSED = "closed", "завершена по истечении времени"
    SCORED = "scored", "результат перенесён в аттестацию"
    NOT_TRANSFERRED = "not_transferred", "результат не перенесён в аттестацию"
    ANNULLED = "annulled", "аннулирована"
    NEW_ATTEMPT_GRANTED = "granted", "назначена новая попытка"


class GrantBasis(models.TextChoices):
    """Why the department gives a learner a new attempt after annulling one (ADR 0307): a
    technical fault or another valid reason it records. Never a retake: a retake of the
    attestation follows the commission's decision, on the learner's application (ADR 0108)."""

    TECHNICAL = "technical", "технический сбой или иная уважительная причина"


class TestForm(BaseModel):
    """How the test of a programme's testing stage is drawn from the assessment bank: the
    number of questions, the blueprint (how many from each section of the bank, a section
    being a range of item numbers), the time limit and the attempts allowed. The passing
    bands are the stage's own (npc-3.5, rgmu-3.6)."""

    stage = models.OneToOneField(
        "programmes.ProgrammeStage",
        verbose_name="этап",
        on_delete=models.PROTECT,
        related_name="test_form",
    )
    question_count = models.PositiveSmallIntegerField("число вопросов")
    blueprint = models.JSONField("разделы билета", default=list, blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField("время на тест, минут")
    attempts_allowed = models.PositiveSmallIntegerField("число попыток", default=1)
    shuffle_options = models.BooleanField("перемешивать варианты ответа", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто составил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "форма теста"
        verbose_name_plural = "формы тестов"
        constraints = [
            models.CheckConstraint(condition=Q(question_count__gte=1), name="form_questions_pos"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1), name="form_limit_pos"),
            models.CheckConstraint(condition=Q(attempts_allowed__gte=1), name="form_attempts_pos"),
        ]

    def __str__(self) -> str:
        return f"Тест: {self.stage.programme} — {self.question_count} вопросов"


class TestSession(BaseModel):
    """The test of an attestation's testing stage, open to its admitted learners from
    `opens_at` until `closes_at` (the last moment an attempt may start; an attempt started
    runs its full time, extensions included)."""

    attestation = models.ForeignKey(
        "attestation.Attestation",
        verbose_name="аттестация",
        on_delete=models.PROTECT,
        related_name="test_sessions",
    )
    form = models.ForeignKey(
        TestForm, verbose_name="форма теста", on_delete=models.PROTECT, related_name="sessions"
    )
    opens_at = models.DateTimeField("начало")
    closes_at = models.DateTimeField("последний момент начала попытки")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто назначил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "сеанс тестирования"
        verbose_name_plural = "сеансы тестирования"
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["attestation", "form"], name="session_once"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="session_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Тестирование {self.opens_at:%d.%m.%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("testing:session_detail", kwargs={"pk": self.pk})


class Attempt(BaseModel):
    """One learner's attempt at a session's test: the ticket drawn with `seed`, the
    deadline fixed at the start, the score when submitted or closed at the deadline."""

    session = models.ForeignKey(
        TestSession, verbose_name="сеанс", on_delete=models.PROTECT, related_name="attempts"
    )
    learner_result = models.ForeignKey(
        "attestation.LearnerResult",
        verbose_name="слушатель на аттестации",
        on_delete=models.PROTECT,
        related_name="test_attempts",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="слушатель",
        on_delete=models.PROTECT,
        related_name="test_attempts",
    )
    number = models.PositiveSmallIntegerField("номер попытки")
    status = models.CharField(
        "состояние", max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.OPEN
    )
    seed = models.BigIntegerField("зерно билета")
    started_at = models.DateTimeField("начало")
    deadline = models.DateTimeField("окончание времени")
    extension_minutes = models.PositiveSmallIntegerField("продление, минут", default=0)
    finished_at = models.DateTimeField("окончание", null=True, blank=True)
    page_opened_at = models.DateTimeField("страница теста впервые открыта", null=True, blank=True)
    score = models.PositiveSmallIntegerField("верных ответов", null=True, blank=True)
    max_score = models.PositiveSmallIntegerField("вопросов", null=True, blank=True)
    percent = models.DecimalField(
        "правильных ответов, %", max_digits=5, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField("оценка", max_length=20, blank=True)
    annulled_reason = models.TextField("причина аннулирования", blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто аннулировал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "попытка тестирования"
        verbose_name_plural = "попытки тестирования"
        ordering = ["session", "learner_result", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "learner_result", "number"], name="attempt_number_once"
            ),
            models.UniqueConstraint(
                fields=["session", "learner_result"],
                condition=Q(status="open"),
                name="attempt_one_open",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("started_at")),
                name="attempt_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gte=0) & Q(percent__lte=100)),
                name="attempt_percent_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="attempt_open_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"Попытка {self.number}: {self.learner}"

    @property
    def status_label(self) -> str:
        return AttemptStatus(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    @property
    def grade_label(self) -> str:
        """The grade in words («отлично», «зачтено»…); "" before scoring."""
        return Grade(self.grade).label if self.grade else ""


class AttemptQuestion(models.Model):
    """A question of an attempt's ticket, in the order the learner sees it, with the order
    its options were shown in (`option_order`: the bank's 0-based option indices)."""

    attempt = models.ForeignKey(
        Attempt, verbose_name="попытка", on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("номер в билете")
    item = models.ForeignKey(
        "programmes.AssessmentItem",
        verbose_name="тестовое задание",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("вид вопроса", max_length=20, choices=QuestionKind.choices)
    option_order = models.JSONField("порядок вариантов")

    class Meta:
        verbose_name = "вопрос билета"
        verbose_name_plural = "вопросы билета"
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="ticket_position_once"),
            models.UniqueConstraint(fields=["attempt", "item"], name="ticket_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.item}"


class Answer(models.Model):
    """The learner's current answer to a question of the ticket: the chosen options (ids =
    the bank's option index + 1), saved as they are given (autosave)."""

    attempt = models.ForeignKey(
        Attempt, verbose_name="попытка", on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        AttemptQuestion, verbose_name="вопрос", on_delete=models.CASCADE, related_name="+"
    )
    chosen = models.JSONField("выбранные варианты", default=list)
    flagged = models.BooleanField("отмечен для возврата", default=False)
    saved_at = models.DateTimeField("сохранено")
    saves = models.PositiveIntegerField("сохранений", default=1)

    class Meta:
        verbose_name = "ответ"
        verbose_name_plural = "ответы"
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.chosen}"


class AttemptEvent(models.Model):
    """One line of an attempt's event log (shown in its protocol, rgmu-app4)."""

    attempt = models.ForeignKey(
        Attempt, verbose_name="попытка", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("событие", max_length=20, choices=EventKind.choices)
    at = models.DateTimeField("время")
    details = models.JSONField("подробности", default=dict, blank=True)

    class Meta:
        verbose_name = "событие попытки"
        verbose_name_plural = "события попыток"
        ordering = ["attempt", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%H:%M:%S} {self.get_kind_display()}"


class AttemptGrant(BaseModel):
    """A new attempt the department gives a learner after annulling one (ADR 0307): its own
    window (`opens_at`–`closes_at`, the last moment it may start), the basis (a technical
    fault or another valid reason; not a retake, ADR 0108) and, once the learner starts it,
    the attempt it became."""

    session = models.ForeignKey(
        TestSession, verbose_name="сеанс", on_delete=models.PROTECT, related_name="grants"
    )
    learner_result = models.ForeignKey(
        "attestation.LearnerResult",
        verbose_name="слушатель на аттестации",
        on_delete=models.PROTECT,
        related_name="test_grants",
    )
    annulled_attempt = models.OneToOneField(
        Attempt,
        verbose_name="аннулированная попытка",
        on_delete=models.PROTECT,
        related_name="grant",
    )
    basis = models.CharField("основание", max_length=20, choices=GrantBasis.choices)
    opens_at = models.DateTimeField("начать можно с")
    closes_at = models.DateTimeField("начать можно до")
    comment = models.TextField("комментарий", blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто назначил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempt = models.OneToOneField(
        Attempt,
        verbose_name="попытка по назначению",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="granted_by_grant",
    )

    class Meta:
        verbose_name = "назначение новой попытки"
        verbose_name_plural = "назначения новых попыток"
        ordering = ["session", "learner_result", "opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="grant_window_order"
            ),
        ]

    def __str__(self) -> str:
        return f"Новая попытка с {self.opens_at:%d.%m.%Y %H:%M}"

    @property
    def basis_label(self) -> str:
        return GrantBasis(self.basis).label
