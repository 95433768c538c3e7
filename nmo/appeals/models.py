"""Appeals against the result of a final attestation (chapter 5 of both seed regulations):
the application, the appeal commission with its seats (standing for a year at НПЦ, formed
per appeal at РостГМУ), the hearing with the attendance and the open vote, the decision,
the protocol signed by everyone present and frozen, and the postal notice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from nmo.appeals.types import (
    AppealResolution,
    AppealStatus,
    AppealSubject,
    AppellantAttendance,
    ProtocolStatus,
)
from nmo.core.models import BaseModel
from nmo.regulations.types import AppealCommissionKind, CommissionRole, Grade, Post, VoteChoice


class AppealCommission(BaseModel):
    """An appeal commission approved by an order: a standing one for a term (npc-5.3) or
    one formed for a single appeal (rgmu-5.3)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="appeal_commissions",
    )
    kind = models.CharField("вид", max_length=20, choices=AppealCommissionKind.choices)
    title = models.CharField("наименование", max_length=300)
    order_number = models.CharField("номер приказа", max_length=50)
    order_date = models.DateField("дата приказа")
    valid_to = models.DateField("срок полномочий до", null=True, blank=True)
    regulation_version = models.ForeignKey(
        "regulations.RegulationVersion",
        verbose_name="версия положения",
        on_delete=models.PROTECT,
        related_name="appeal_commissions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто внёс",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "апелляционная комиссия"
        verbose_name_plural = "апелляционные комиссии"
        ordering = ["organisation", "-order_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} (приказ № {self.order_number} от {self.order_date:%d.%m.%Y})"

    @property
    def is_standing(self) -> bool:
        return self.kind == AppealCommissionKind.STANDING


class AppealSeat(models.Model):
    """A person's seat on an appeal commission: chair, deputy chair, member or secretary
    (npc-5.4); the secretary does not vote."""

    commission = models.ForeignKey(
        AppealCommission, verbose_name="комиссия", on_delete=models.CASCADE, related_name="seats"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        on_delete=models.PROTECT,
        related_name="appeal_seats",
    )
    role = models.CharField("роль", max_length=20, choices=CommissionRole.choices)
    post = models.CharField("должность", max_length=300, blank=True)
    post_kind = models.CharField(
        "кем является в организации",
        max_length=40,
        choices=Post.choices,
        blank=True,
        help_text="По ней проверяется, что положение назначает на это место из числа таких лиц.",
    )

    class Meta:
        verbose_name = "место в апелляционной комиссии"
        verbose_name_plural = "состав апелляционной комиссии"
        ordering = ["commission", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "person"], name="appeal_seat_once"),
        ]

    def __str__(self) -> str:
        return f"{CommissionRole(self.role).label}: {self.person}"

    @property
    def role_label(self) -> str:
        return CommissionRole(self.role).label

    @property
    def can_vote(self) -> bool:
        return self.role != CommissionRole.SECRETARY


class Appeal(BaseModel):
    """A learner's appeal against one result (one attempt) of a final attestation."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    learner_result = models.ForeignKey(
        "attestation.LearnerResult",
        verbose_name="результат итоговой аттестации",
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="заявитель",
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    regulation_version = models.ForeignKey(
        "regulations.RegulationVersion",
        verbose_name="версия положения",
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    subject = models.CharField("предмет", max_length=20, choices=AppealSubject.choices)
    text = models.TextField("содержание претензии")
    phone = models.CharField("контактный телефон", max_length=40, blank=True)
    postal_address = models.CharField("почтовый адрес", max_length=500, blank=True)
    addressed_to = models.CharField("кому адресовано", max_length=300)
    filed_on = models.DateField("дата подачи", db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто внёс",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf = models.BooleanField(
        "подана через учебный отдел (бумажное заявление)", default=False
    )
    proxy_name = models.CharField("доверенное лицо", max_length=300, blank=True)
    proxy_power_of_attorney = models.CharField("доверенность", max_length=300, blank=True)
    results_announced_on = models.DateField("результаты объявлены")
    filing_deadline = models.DateField("подать не позднее")
    hearing_due_on = models.DateField("рассмотреть не позднее")
    commission_due_on = models.DateField("утвердить комиссию не позднее", null=True, blank=True)
    status = models.CharField(
        "состояние", max_length=20, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    commission = models.ForeignKey(
        AppealCommission,
        verbose_name="апелляционная комиссия",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    hearing_on = models.DateField("дата заседания", null=True, blank=True)
    hearing_place = models.CharField("место заседания", max_length=300, blank=True)
    late_hearing_reason = models.TextField("причина рассмотрения после срока", blank=True)
    appellant_attendance = models.CharField(
        "присутствие заявителя", max_length=20, choices=AppellantAttendance.choices, blank=True
    )
    presiding_seat = models.ForeignKey(
        AppealSeat,
        verbose_name="председательствующий",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    discussion = models.TextField("содержание обсуждения", blank=True)
    proposal = models.CharField(
        "предложенное решение", max_length=20, choices=AppealResolution.choices, blank=True
    )
    proposed_grade = models.CharField(
        "предложенная оценка", max_length=20, choices=Grade.choices, blank=True
    )
    outcome = models.CharField(
        "решение", max_length=20, choices=AppealResolution.choices, blank=True
    )
    previous_grade = models.CharField(
        "оценка до апелляции", max_length=20, choices=Grade.choices, blank=True
    )
    new_grade = models.CharField("новая оценка", max_length=20, choices=Grade.choices, blank=True)
    retake_on = models.DateField("дата повторного прохождения", null=True, blank=True)
    decision_note = models.TextField("итог голосования", blank=True)
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    notice_due_on = models.DateField("уведомить не позднее", null=True, blank=True)
    notice_posted_on = models.DateField("уведомление отправлено", null=True, blank=True)
    notice_tracking = models.CharField("почтовый идентификатор", max_length=40, blank=True)
    answers_scan = models.FileField(
        "скан письменных ответов обучившегося", upload_to="appeal_answers/%Y/%m/", blank=True
    )

    class Meta:
        verbose_name = "апелляция"
        verbose_name_plural = "апелляции"
        ordering = ["-filed_on", "-pk"]
        constraints = [
            # One appeal per result (a result is one attempt); a withdrawn one frees it.
            models.UniqueConstraint(
                fields=["learner_result"],
                condition=~Q(status="withdrawn"),
                name="appeal_once_per_result",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | (~Q(outcome="") & Q(decided_at__isnull=False)),
                name="appeal_decided_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(on_behalf=True) | Q(proxy_name=""),
                name="appeal_proxy_on_paper",
            ),
        ]

    def __str__(self) -> str:
        return f"Апелляция {self.learner} от {self.filed_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("appeals:appeal_detail", kwargs={"pk": self.pk})

    @property
    def status_label(self) -> str:
        return AppealStatus(self.status).label

    @property
    def subject_label(self) -> str:
        return AppealSubject(self.subject).label

    @property
    def outcome_label(self) -> str:
        return AppealResolution(self.outcome).label if self.outcome else ""

    @property
    def new_grade_label(self) -> str:
        return Grade(self.new_grade).label if self.new_grade else ""

    @property
    def is_decided(self) -> bool:
        return self.status == AppealStatus.DECIDED


class AppealAttendance(models.Model):
    """Whether a seat holder attended the hearing."""

    appeal = models.ForeignKey(
        Appeal, verbose_name="апелляция", on_delete=models.CASCADE, related_name="attendance"
    )
    seat = models.ForeignKey(
        AppealSeat, verbose_name="место", on_delete=models.PROTECT, related_name="attendance"
    )
    present = models.BooleanField("присутствовал")

    class Meta:
        verbose_name = "присутствие на заседании апелляционной комиссии"
        verbose_name_plural = "присутствие на заседании апелляционной комиссии"
        constraints = [
            models.UniqueConstraint(fields=["appeal", "seat"], name="appeal_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.seat}: {'присутствовал' if self.present else 'отсутствовал'}"


class AppealVote(models.Model):
    """A voting member's open vote on the proposed decision (npc-5.15, rgmu-5.15)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name="апелляция", on_delete=models.CASCADE, related_name="votes"
    )
    seat = models.ForeignKey(
        AppealSeat, verbose_name="место", on_delete=models.PROTECT, related_name="votes"
    )
    choice = models.CharField("голос", max_length=10, choices=VoteChoice.choices)

    class Meta:
        verbose_name = "голос члена апелляционной комиссии"
        verbose_name_plural = "голоса членов апелляционной комиссии"
        constraints = [
            models.UniqueConstraint(fields=["appeal", "seat"], name="appeal_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.seat}: {VoteChoice(self.choice).label}"


class AppealProtocolCounter(models.Model):
    """The next protocol number of an organisation in a year (locked FOR UPDATE)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="организация", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField("год")
    next_number = models.PositiveIntegerField("следующий номер", default=1)

    class Meta:
        verbose_name = "счётчик протоколов апелляционной комиссии"
        verbose_name_plural = "счётчики протоколов апелляционной комиссии"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="appeal_protocol_counter_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.next_number}"


class AppealProtocol(BaseModel):
    """The protocol of a hearing (Appendix 3 НПЦ / Appendix 4 РостГМУ): numbered per
    organisation and year, signed by everyone present, then frozen with its PDF's hash
    (npc-5.16, npc-5.20)."""

    appeal = models.OneToOneField(
        Appeal, verbose_name="апелляция", on_delete=models.PROTECT, related_name="protocol"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="appeal_protocols",
    )
    year = models.PositiveSmallIntegerField("год")
    number = models.PositiveIntegerField("номер")
    held_on = models.DateField("дата заседания")
    status = models.CharField(
        "состояние", max_length=10, choices=ProtocolStatus.choices, default=ProtocolStatus.DRAFT
    )
    content = models.JSONField("содержание", default=dict)
    pdf = models.BinaryField("PDF", null=True, blank=True)
    pdf_sha256 = models.CharField("SHA-256 файла PDF", max_length=64, blank=True)
    frozen_at = models.DateTimeField("подписан всеми", null=True, blank=True)

    class Meta:
        verbose_name = "протокол заседания апелляционной комиссии"
        verbose_name_plural = "протоколы заседаний апелляционной комиссии"
        ordering = ["organisation", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"], name="appeal_protocol_number_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="frozen") | (~Q(pdf_sha256="") & Q(frozen_at__isnull=False)),
                name="appeal_protocol_frozen_complete",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Протокол № {self.number} заседания апелляционной комиссии от {self.held_on:%d.%m.%Y}"
        )

    @property
    def status_label(self) -> str:
        return ProtocolStatus(self.status).label

    @property
    def is_frozen(self) -> bool:
        return self.status == ProtocolStatus.FROZEN


class AppealProtocolSignature(models.Model):
    """A participant's signature of the protocol in the system."""

    protocol = models.ForeignKey(
        AppealProtocol, verbose_name="протокол", on_delete=models.CASCADE,
        related_name="signatures",
    )  # fmt: skip
    seat = models.ForeignKey(
        AppealSeat, verbose_name="место", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто подписал", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    signed_at = models.DateTimeField("подписано")

    class Meta:
        verbose_name = "подпись протокола апелляционной комиссии"
        verbose_name_plural = "подписи протоколов апелляционной комиссии"
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "seat"], name="appeal_protocol_signature_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat} — {self.signed_at:%d.%m.%Y %H:%M}"
