"""Attestation commissions and their seats, attestations of cohorts with the learners'
stage results, the commission's attendance, votes and decision, and the records the
regulation names (statement, retraining protocol, commission report) with their signatures
and archive numbers. The record models keep their older names (`AttestationDocument`,
`DocumentSignature`, `DocumentCounter`) so that their tables do not change.

Choices carry the codes of `nmo.attestation.types` (its `TextChoices`, used directly) and
`nmo.regulations.types`.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from nmo.attestation.types import (
    Attendance,
    AttestationStatus,
    ConnectionDecision,
    ConnectionOutcome,
    Outcome,
    Place,
    RecordKind,
    RecordStatus,
    RetakeKind,
    RetakeStatus,
)
from nmo.core.models import BaseModel
from nmo.core.russian import by_gender, by_sex
from nmo.regulations.types import CommissionRole, Grade, VoteChoice

ROLE_CHOICES = CommissionRole.choices
GRADE_CHOICES = Grade.choices
VOTE_CHOICES = VoteChoice.choices
PLACE_CHOICES = Place.choices


class Commission(BaseModel):
    """A standing attestation commission of an organisation for one specialty of the
    nomenclature (npc-4.1), approved by the director's or rector's order (npc-4.3), valid
    from a date (and until one, when the order says so)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="attestation_commissions",
    )
    specialty = models.ForeignKey(
        "catalog.Specialty",
        verbose_name="специальность",
        on_delete=models.PROTECT,
        related_name="attestation_commissions",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="подразделение по профилю",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attestation_commissions",
    )
    title = models.CharField("наименование", max_length=300)
    approved_by = models.CharField(
        "кем утверждён состав", max_length=100, help_text="По положению: приказ директора, ректора…"
    )
    order_number = models.CharField("номер приказа", max_length=50)
    order_date = models.DateField("дата приказа")
    valid_from = models.DateField("действует с")
    valid_to = models.DateField("действует по", null=True, blank=True)
    regulation_version = models.ForeignKey(
        "regulations.RegulationVersion",
        verbose_name="версия положения, по которой проверен состав",
        on_delete=models.PROTECT,
        related_name="attestation_commissions",
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
        verbose_name = "аттестационная комиссия"
        verbose_name_plural = "аттестационные комиссии"
        ordering = ["organisation__name", "specialty__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="commission_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("attestation:commission_edit", kwargs={"pk": self.pk})


class CommissionSeat(BaseModel):
    """A person's seat in a commission: chair, deputy chair, member or secretary, with the
    post as the order writes it. A seat removed from a commission that has sat stays,
    inactive, so that its attendance and signatures keep their signatory."""

    commission = models.ForeignKey(
        Commission, verbose_name="комиссия", on_delete=models.CASCADE, related_name="seats"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        on_delete=models.PROTECT,
        related_name="commission_seats",
    )
    role = models.CharField("роль в комиссии", max_length=20, choices=ROLE_CHOICES)
    post = models.CharField("должность", max_length=300, blank=True)
    posts = models.JSONField(
        "кем является в организации",
        default=list,
        blank=True,
        help_text="Коды regulations.types.Post: для проверки назначения по положению.",
    )
    is_active = models.BooleanField("входит в состав", default=True)

    class Meta:
        verbose_name = "место в комиссии"
        verbose_name_plural = "состав комиссии"
        ordering = ["commission", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "person"],
                condition=Q(is_active=True),
                name="commission_seat_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{CommissionRole(self.role).label}: {self.person}"

    @property
    def role_label(self) -> str:
        return CommissionRole(self.role).label

    @property
    def votes(self) -> bool:
        """The secretary is not a member and never votes (npc-4.9, rgmu-4.9)."""
        return self.role != CommissionRole.SECRETARY


class Attestation(BaseModel):
    """The final attestation of a cohort (attempt 1) or its retake (attempt 2) before a
    commission, on a date and at a place, under the regulation version the cohort pinned."""

    cohort = models.ForeignKey(
        "programmes.Cohort",
        verbose_name="группа",
        on_delete=models.PROTECT,
        related_name="attestations",
    )
    commission = models.ForeignKey(
        Commission,
        verbose_name="комиссия",
        on_delete=models.PROTECT,
        related_name="attestations",
    )
    attempt = models.PositiveSmallIntegerField("попытка", default=1)
    held_on = models.DateField("дата проведения", db_index=True)
    place = models.CharField("место проведения", max_length=30, choices=Place.choices)
    address = models.CharField("адрес или аудитория", max_length=500, blank=True)
    videoconference_url = models.URLField("ссылка на видеоконференцию", max_length=500, blank=True)
    regulation_version = models.ForeignKey(
        "regulations.RegulationVersion",
        verbose_name="версия положения",
        on_delete=models.PROTECT,
        related_name="attestations",
    )
    status = models.CharField(
        "состояние",
        max_length=20,
        choices=AttestationStatus.choices,
        default=AttestationStatus.PLANNED,
    )
    presiding_seat = models.ForeignKey(
        CommissionSeat,
        verbose_name="председательствующий",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendance_recorded = models.BooleanField("присутствие членов комиссии отмечено", default=False)
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто оформил решение",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто назначил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "итоговая аттестация"
        verbose_name_plural = "итоговые аттестации"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(attempt__gte=1), name="attestation_attempt_pos"),
            models.CheckConstraint(
                condition=~Q(place="remote") | ~Q(videoconference_url=""),
                name="attestation_remote_has_link",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(decided_at__isnull=False),
                name="attestation_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Итоговая аттестация {self.held_on:%d.%m.%Y} — {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("attestation:attestation_detail", kwargs={"pk": self.pk})

    @property
    def status_label(self) -> str:
        return AttestationStatus(self.status).label

    @property
    def place_label(self) -> str:
        return Place(self.place).label

    @property
    def is_decided(self) -> bool:
        return self.status == AttestationStatus.DECIDED


class MemberAttendance(models.Model):
    """Whether a seat holder attended the sitting (the attestation)."""

    attestation = models.ForeignKey(
        Attestation,
        verbose_name="аттестация",
        on_delete=models.CASCADE,
        related_name="member_attendance",
    )
    seat = models.ForeignKey(
        CommissionSeat, verbose_name="место", on_delete=models.PROTECT, related_name="attendance"
    )
    present = models.BooleanField("присутствовал")

    class Meta:
        verbose_name = "присутствие члена комиссии"
        verbose_name_plural = "присутствие членов комиссии"
        constraints = [
            models.UniqueConstraint(fields=["attestation", "seat"], name="member_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.seat}: {'присутствовал' if self.present else 'отсутствовал'}"


class LearnerResult(BaseModel):
    """One admitted learner at an attestation: attendance, the final grade from the stage
    results, the commission's vote and decision, remarks, and the retraining diploma's
    series and number once the documents register issues it (rgmu-app1 §7)."""

    attestation = models.ForeignKey(
        Attestation,
        verbose_name="аттестация",
        on_delete=models.PROTECT,
        related_name="learner_results",
    )
    enrolment = models.ForeignKey(
        "programmes.Enrolment",
        verbose_name="слушатель",
        on_delete=models.PROTECT,
        related_name="attestation_results",
    )
    attendance = models.CharField(
        "явка", max_length=30, choices=Attendance.choices, default=Attendance.PRESENT
    )
    final_grade = models.CharField(
        "итоговая оценка", max_length=20, choices=GRADE_CHOICES, blank=True
    )
    final_mean = models.DecimalField(
        "среднее оценок этапов", max_digits=4, decimal_places=2, null=True, blank=True
    )
    outcome = models.CharField("решение", max_length=30, choices=Outcome.choices, blank=True)
    votes_for = models.PositiveSmallIntegerField("за", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("против", null=True, blank=True)
    abstained = models.PositiveSmallIntegerField("воздержались", null=True, blank=True)
    presiding_vote = models.CharField(
        "голос председательствующего", max_length=10, choices=VOTE_CHOICES, blank=True
    )
    casting_vote = models.BooleanField(
        "решение принято решающим голосом председательствующего",
        default=False,
        help_text="Голоса разделились поровну (npc-4.10, rgmu-4.10); ставится при решении.",
    )
    remarks = models.TextField("замечания, рекомендации комиссии", blank=True)
    diploma_series = models.CharField("серия диплома", max_length=20, blank=True)
    diploma_number = models.CharField("номер диплома", max_length=40, blank=True)
    diploma_issued_on = models.DateField("дата выдачи диплома", null=True, blank=True)

    class Meta:
        verbose_name = "результат слушателя"
        verbose_name_plural = "результаты слушателей"
        ordering = [
            "attestation",
            "enrolment__learner__last_name",
            "enrolment__learner__first_name",
            "enrolment__learner__middle_name",
            "pk",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["attestation", "enrolment"], name="learner_result_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.learner} — {self.attestation}"

    @property
    def attendance_label(self) -> str:
        """«не явился» / «не явилась» by the learner's sex (issue 12)."""
        label = Attendance(self.attendance).label
        return by_sex(self.enrolment.learner, label, label.replace("явился", "явилась"))

    @property
    def outcome_label(self) -> str:
        """The commission's decision in words, «не явилась» for a woman; "" undecided."""
        if not self.outcome:
            return ""
        label = Outcome(self.outcome).label
        return by_sex(self.enrolment.learner, label, label.replace("явился", "явилась"))

    @property
    def attendance_choice(self) -> Attendance:
        return Attendance(self.attendance)

    @property
    def is_present(self) -> bool:
        return self.attendance == Attendance.PRESENT

    @property
    def has_votes(self) -> bool:
        return self.votes_for is not None


class StageResult(BaseModel):
    """A learner's result on one stage of the programme: the share of correct answers of a
    testing stage and the grade it maps to, or the grade given by the commission."""

    learner_result = models.ForeignKey(
        LearnerResult,
        verbose_name="слушатель",
        on_delete=models.CASCADE,
        related_name="stage_results",
    )
    stage = models.ForeignKey(
        "programmes.ProgrammeStage",
        verbose_name="этап",
        on_delete=models.PROTECT,
        related_name="attestation_results",
    )
    percent = models.DecimalField(
        "правильных ответов, %", max_digits=5, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField("оценка", max_length=20, choices=GRADE_CHOICES)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто внёс",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "результат этапа"
        verbose_name_plural = "результаты этапов"
        ordering = ["learner_result", "stage__order"]
        constraints = [
            models.UniqueConstraint(fields=["learner_result", "stage"], name="stage_result_once"),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gte=0) & Q(percent__lte=100)),
                name="stage_result_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {Grade(self.grade).label}"

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


class DocumentCounter(models.Model):
    """The next archive number of one kind of attestation record of an organisation.
    Locked with SELECT … FOR UPDATE while a record is frozen (ADR 0105)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("вид документа", max_length=30, choices=RecordKind.choices)
    next_number = models.PositiveIntegerField("следующий номер", default=1)

    class Meta:
        verbose_name = "счётчик номеров документов аттестации"
        verbose_name_plural = "счётчики номеров документов аттестации"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="document_counter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.next_number}"


class AttestationDocument(BaseModel):
    """A statement, retraining protocol or commission report of an attestation, as a
    snapshot of what it says (`content`). Signed by each signatory in the system; once all
    have signed it is frozen: numbered in the archive, its PDF stored with its SHA-256, and
    never changed again. A correction is a new version that supersedes it (ADR 0105)."""

    attestation = models.ForeignKey(
        Attestation, verbose_name="аттестация", on_delete=models.PROTECT, related_name="documents"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="attestation_documents",
    )
    kind = models.CharField("вид документа", max_length=30, choices=RecordKind.choices)
    learner_result = models.ForeignKey(
        LearnerResult,
        verbose_name="слушатель",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    number = models.PositiveIntegerField("номер в архиве", null=True, blank=True)
    version = models.PositiveSmallIntegerField("версия", default=1)
    status = models.CharField(
        "состояние", max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    content = models.JSONField("содержание", default=dict)
    pdf = models.BinaryField("PDF", null=True, blank=True)
    pdf_sha256 = models.CharField("SHA-256 файла PDF", max_length=64, blank=True)
    frozen_at = models.DateTimeField("подписан всеми", null=True, blank=True)
    # The HMAC (server key, ADR 0024) of what the frozen record says and its file's hash.
    seal = models.CharField("печать", max_length=64, blank=True, editable=False)
    correction_reason = models.TextField("причина исправления", blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="исправляет версию",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто составил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "документ итоговой аттестации"
        verbose_name_plural = "документы итоговой аттестации"
        ordering = ["attestation", "kind", "learner_result", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "number", "version"],
                condition=Q(number__isnull=False),
                name="attestation_document_number_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="frozen")
                | (Q(number__isnull=False) & ~Q(pdf_sha256="") & Q(frozen_at__isnull=False)),
                name="attestation_document_frozen_complete",
            ),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True)
                | (Q(version__gt=1, supersedes__isnull=False) & ~Q(correction_reason="")),
                name="attestation_document_correction_has_reason",
            ),
        ]
        indexes = [
            # What awaits signatures (the menu's «На подпись», ADR 0115): the few records
            # not frozen, not the archive of frozen ones.
            models.Index(
                fields=["attestation"],
                condition=~Q(status="frozen"),
                name="attestation_document_unfrozen",
            ),
        ]

    def __str__(self) -> str:
        number = f" № {self.number}" if self.number else ""
        return f"{self.kind_label.capitalize()}{number} (версия {self.version})"

    def get_absolute_url(self) -> str:
        return reverse(
            "attestation:document_detail",
            kwargs={"pk": self.attestation_id, "document_pk": self.pk},
        )

    @property
    def kind_label(self) -> str:
        return RecordKind(self.kind).label

    @property
    def status_label(self) -> str:
        """The status as pages show it; a version replaced while it was being signed says
        so rather than «на подписании» (nobody can sign it any more)."""
        kind = self.kind_label
        if self.status != RecordStatus.FROZEN and hasattr(self, "superseded_by"):
            replaced = by_gender(kind, "заменён", "заменена", "заменено")
            return f"{replaced} новой версией, не подписывается"
        if self.status == RecordStatus.FROZEN:
            signed = by_gender(kind, "подписан", "подписана", "подписано")
            filed = by_gender(kind, "сдан", "сдана", "сдано")
            return f"{signed} всеми, {filed} в архив"
        return RecordStatus(self.status).label

    @property
    def is_frozen(self) -> bool:
        return self.status == RecordStatus.FROZEN

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A frozen document is never edited: the services write it once, when it freezes.
        if self.pk is not None and not kwargs.get("force_insert"):
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == RecordStatus.FROZEN:
                raise RuntimeError(
                    "Подписанный документ не изменяется: исправление — новой версией."
                )
        super().save(*args, **kwargs)


class DocumentSignature(models.Model):
    """A signatory's confirmation of a document in the system (npc-2.13, rgmu-2.13)."""

    document = models.ForeignKey(
        AttestationDocument,
        verbose_name="документ",
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    seat = models.ForeignKey(
        CommissionSeat, verbose_name="место в комиссии", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подписал",
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField("подписано")

    class Meta:
        verbose_name = "подпись документа"
        verbose_name_plural = "подписи документов"
        ordering = ["document", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["document", "seat"], name="document_signature_once"),
        ]

    def __str__(self) -> str:
        return f"{self.seat} — {self.signed_at:%d.%m.%Y %H:%M}"


class RetakeApplication(BaseModel):
    """A learner's personal application to sit the final attestation again after the
    attempt `attestation` (npc-2.9, rgmu-2.9: failed or absent without a valid reason;
    npc-2.10, rgmu-2.10: absent for a valid reason, with a supporting document). The
    deadlines are computed when it is filed and kept as they were then."""

    enrolment = models.ForeignKey(
        "programmes.Enrolment",
        verbose_name="слушатель",
        on_delete=models.PROTECT,
        related_name="retake_applications",
    )
    attestation = models.ForeignKey(
        Attestation,
        verbose_name="аттестация, после которой подано",
        on_delete=models.PROTECT,
        related_name="retake_applications",
    )
    learner_result = models.ForeignKey(
        LearnerResult,
        verbose_name="результат слушателя",
        on_delete=models.PROTECT,
        related_name="retake_applications",
    )
    kind = models.CharField("основание", max_length=30, choices=RetakeKind.choices)
    filed_on = models.DateField("дата подачи")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подал",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf = models.BooleanField("подано сотрудником от имени слушателя", default=False)
    document_description = models.CharField("оправдательный документ", max_length=500, blank=True)
    document_presented_on = models.DateField("документ предъявлен", null=True, blank=True)
    reason_ended_on = models.DateField("уважительная причина окончилась", null=True, blank=True)
    document_file = models.FileField(
        "скан документа", upload_to="retake_documents/%Y/%m/", blank=True
    )
    status = models.CharField(
        "состояние", max_length=40, choices=RetakeStatus.choices, default=RetakeStatus.FILED
    )
    status_reason = models.TextField("основание решения", blank=True)
    application_deadline = models.DateField("срок подачи заявления")
    document_deadline = models.DateField("срок представления документа", null=True, blank=True)
    latest_attestation_date = models.DateField("аттестация не позднее", null=True, blank=True)
    retake_on = models.DateField("дата повторной аттестации", null=True, blank=True)
    retake_attestation = models.ForeignKey(
        Attestation,
        verbose_name="назначенная аттестация",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="granted_applications",
    )
    individual_schedule = models.TextField("индивидуальный график", blank=True)
    schedule_order_number = models.CharField(
        "номер распоряжения об индивидуальном графике", max_length=50, blank=True
    )
    schedule_order_date = models.DateField(
        "дата распоряжения об индивидуальном графике", null=True, blank=True
    )
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто принял решение",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "заявление о повторной аттестации"
        verbose_name_plural = "заявления о повторной аттестации"
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner_result"],
                condition=~Q(status="refused"),
                name="retake_application_once",
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(retake_on__isnull=False),
                name="retake_granted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="valid_reason") | Q(document_presented_on__isnull=False),
                name="retake_valid_reason_has_document",
            ),
        ]

    def __str__(self) -> str:
        return f"Заявление {self.enrolment.learner} от {self.filed_on:%d.%m.%Y}"

    @property
    def kind_label(self) -> str:
        return RetakeKind(self.kind).label

    @property
    def status_label(self) -> str:
        return RetakeStatus(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status in (RetakeStatus.FILED, RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION)


class VideoconferenceCheck(models.Model):
    """One entry of the commission's record of a learner's videoconference (npc-6.1,
    rgmu-6.1): that the learner and the commission saw and heard each other, or that the
    connection was interrupted and what the commission decided (continue or reschedule).
    Entries are appended, never edited, so the sheet keeps the whole story of the sitting;
    `stage` is set when one stage is concerned."""

    learner_result = models.ForeignKey(
        LearnerResult,
        verbose_name="слушатель",
        on_delete=models.PROTECT,
        related_name="videoconference_checks",
    )
    stage = models.ForeignKey(
        "programmes.ProgrammeStage",
        verbose_name="этап",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField("связь", max_length=20, choices=ConnectionOutcome.choices)
    decision = models.CharField(
        "решение комиссии", max_length=20, choices=ConnectionDecision.choices, blank=True
    )
    note = models.TextField("что произошло", blank=True)
    recorded_at = models.DateTimeField("записано")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто записал",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "запись о видеоконференции"
        verbose_name_plural = "записи о видеоконференции"
        ordering = ["learner_result", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(outcome="confirmed") & Q(decision=""))
                | (Q(outcome="interrupted") & ~Q(decision="")),
                name="videoconference_interruption_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_result}: {self.outcome_label}"

    @property
    def outcome_label(self) -> str:
        return ConnectionOutcome(self.outcome).label

    @property
    def decision_label(self) -> str:
        return ConnectionDecision(self.decision).label if self.decision else ""
