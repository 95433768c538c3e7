"""Registers of issued documents, the documents themselves (удостоверение, диплом, справка)
and their handover to the holder.

A register (`DocumentRegister`) numbers one kind of document of one organisation without
gaps: every number from 1 to `next_number - 1` belongs to exactly one `QualificationDocument`
row, issued or revoked (ADR 0106). A document keeps a snapshot of everything printed on it,
so a later change of the learner's name or the programme's title does not change a document
already issued.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from nmo.core.models import BaseModel
from nmo.documents.types import (
    BlankKind,
    DocumentKind,
    DocumentStatus,
    ReservationStatus,
    RevocationGround,
)

# The kinds and statuses are declared once, with their labels, in nmo.documents.types.
# The handover modes are the regulation's `HandoverMode` codes (a test keeps them equal),
# with this app's labels, until the regulation's enums carry their own.


class HandoverModeChoices(models.TextChoices):
    IN_PERSON = "in_person", "лично"
    PROXY = "proxy", "другому лицу по заверенной доверенности"
    REGISTERED_MAIL = (
        "registered_mail",
        "заказным почтовым отправлением с уведомлением о вручении",
    )


class DocumentRegister(BaseModel):
    """The book of issued documents of one kind of one organisation: the series printed on
    the documents and the next number. Numbers are allocated under a row lock inside the
    issuing transaction, so they are gap-free and never repeat (ADR 0106)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="document_registers",
    )
    kind = models.CharField("вид документа", max_length=30, choices=DocumentKind.choices)
    series = models.CharField(
        "серия",
        max_length=20,
        blank=True,
        help_text="Печатается перед номером. Для дипломов — серия бланков, которые "
        "используются сейчас.",
    )
    registration_prefix = models.CharField(
        "префикс регистрационного номера",
        max_length=10,
        blank=True,
        help_text="Регистрационный номер — префикс, дефис и номер по реестру (например, ПК-15).",
    )
    next_number = models.PositiveIntegerField("следующий номер", default=1)

    class Meta:
        verbose_name = "реестр документов"
        verbose_name_plural = "реестры документов"
        ordering = ["organisation__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="document_register_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(next_number__gte=1), name="document_register_next_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organisation}"


class QualificationDocument(BaseModel):
    """An issued document: a qualification certificate, a retraining diploma or a training
    record, with the snapshot of what is printed on it, its PDF and the public token of its
    verification page. Revoked documents stay (with their number) and say so publicly."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="qualification_documents",
    )
    register = models.ForeignKey(
        DocumentRegister,
        verbose_name="реестр",
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField("вид документа", max_length=30, choices=DocumentKind.choices)
    series = models.CharField("серия", max_length=20, blank=True)
    number = models.PositiveIntegerField("номер по реестру")
    registration_number = models.CharField("регистрационный номер", max_length=40)
    enrolment = models.ForeignKey(
        "programmes.Enrolment",
        verbose_name="слушатель",
        on_delete=models.PROTECT,
        related_name="qualification_documents",
    )
    # What is printed, as it was on the day of issue.
    organisation_name = models.CharField("организация (на дату выдачи)", max_length=500)
    holder_name = models.CharField("фамилия, имя, отчество", max_length=460)
    # The name folded (casefold, ё → е) for search: SQLite's LIKE folds only ASCII.
    holder_search = models.CharField(max_length=460, editable=False)
    programme_title = models.CharField("программа", max_length=500)
    programme_kind = models.CharField("вид программы", max_length=30)
    hours = models.PositiveIntegerField("объём, академических часов")
    specialty = models.CharField("специальность", max_length=500, blank=True)
    period_from = models.DateField("обучение с")
    period_to = models.DateField("обучение по")
    studied_from = models.DateField(
        "фактически обучался с", null=True, blank=True, help_text="Только для справки."
    )
    studied_to = models.DateField(
        "фактически обучался по", null=True, blank=True, help_text="Только для справки."
    )
    issued_on = models.DateField("дата выдачи", db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто выдал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name="выдан взамен",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    status = models.CharField(
        "состояние",
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.ISSUED,
    )
    revoked_at = models.DateTimeField("аннулирован", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто аннулировал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revocation_reason = models.TextField("причина аннулирования", blank=True)
    revocation_ground = models.CharField(
        "основание (для ФИС ФРДО)",
        max_length=20,
        choices=RevocationGround.choices,
        blank=True,
        help_text="Пусто у документов, аннулированных до того, как основание спрашивалось.",
    )
    verification_token = models.CharField("ключ страницы проверки", max_length=64, unique=True)
    pdf = models.BinaryField("PDF")
    pdf_sha256 = models.CharField("SHA-256 файла PDF", max_length=64)
    # What the document said when it was issued, and its seal: an HMAC with the server's
    # key (ADR 0024). The verification page shows the snapshot, and only while the row
    # still says the same and the seal still matches.
    # The organisation's details, the diploma's qualification wording, protocol reference and
    # supplement rows as they were on the day of issue: the blank print renders from these
    # (`printing.particulars_of`), never from today's settings.
    particulars = models.JSONField("реквизиты и приложение на дату выдачи", default=dict)
    snapshot = models.JSONField("слепок на дату выдачи", default=dict, editable=False)
    seal = models.CharField("печать слепка", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "документ об обучении"
        verbose_name_plural = "документы об обучении"
        ordering = ["-issued_on", "-number"]
        constraints = [
            # The backstop of gap-free numbering: a number is used once per register.
            models.UniqueConstraint(fields=["register", "number"], name="document_number_once"),
            # One live document of a kind per enrolment; a re-issue needs a revocation.
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=Q(status="issued"),
                name="document_one_live_per_kind",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_number_positive"),
            models.CheckConstraint(
                condition=Q(period_to__gte=F("period_from")), name="document_period_ordered"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="training_record", studied_from__isnull=False, studied_to__isnull=False)
                    | (
                        ~Q(kind="training_record")
                        & Q(studied_from__isnull=True, studied_to__isnull=True)
                    )
                ),
                name="document_studied_period_only_on_record",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="issued", revoked_at__isnull=True)
                    | (Q(status="revoked", revoked_at__isnull=False) & ~Q(revocation_reason=""))
                ),
                name="document_revocation_complete",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "kind", "issued_on"], name="document_org_kind_date_idx"
            ),
            # The register's order within an organisation: a page's ids are read off
            # this index (`page_of_register`, ADR 0614), however deep the page.
            models.Index(
                fields=["organisation", "-issued_on", "-created_at", "-id"],
                name="document_register_order_idx",
            ),
            # The FRDO order within an organisation, kind then number (the API's list,
            # the FRDO check and export in keyset chunks): read off it, not sorted per
            # page or per chunk (ADR 0616).
            models.Index(
                fields=["organisation", "kind", "number", "id"], name="document_frdo_order_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.display_number} — {self.holder_name}"

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", kwargs={"document_id": self.pk})

    @property
    def display_number(self) -> str:
        """Series and number as printed: "серия 7724 № 000015" or "№ 000015"."""
        from nmo.documents.rules import display_number

        return display_number(self.series, self.number)

    @property
    def is_revoked(self) -> bool:
        return self.status == DocumentStatus.REVOKED


class RegisterReservation(BaseModel):
    """A number of a register taken for one learner when the commission decides, before
    the document exists, so that a record signed on the day (the retraining protocol's
    item 7, rgmu-app1) prints the series, number and date the document will carry
    (ADR 0110). Issuing the document uses it; a reservation whose learner no longer
    passes is made void with a reason and its number, like a revoked one, is never
    reused: every number 1…`next_number − 1` of a register belongs to one document or one
    void reservation."""

    register = models.ForeignKey(
        DocumentRegister,
        verbose_name="реестр",
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    kind = models.CharField("вид документа", max_length=30, choices=DocumentKind.choices)
    series = models.CharField("серия", max_length=20, blank=True)
    number = models.PositiveIntegerField("номер по реестру")
    registration_number = models.CharField("регистрационный номер", max_length=40)
    issued_on = models.DateField("дата выдачи документа")
    enrolment = models.ForeignKey(
        "programmes.Enrolment",
        verbose_name="слушатель",
        on_delete=models.PROTECT,
        related_name="register_reservations",
    )
    status = models.CharField(
        "состояние",
        max_length=10,
        choices=ReservationStatus.choices,
        default=ReservationStatus.RESERVED,
    )
    document = models.OneToOneField(
        QualificationDocument,
        verbose_name="выданный документ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reservation",
    )
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто зарезервировал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField("аннулирован", null=True, blank=True)
    void_reason = models.TextField("причина аннулирования резерва", blank=True)

    class Meta:
        verbose_name = "резерв номера документа"
        verbose_name_plural = "резервы номеров документов"
        ordering = ["register", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "number"], name="register_reservation_number_once"
            ),
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=Q(status="reserved"),
                name="register_reservation_one_live",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="register_reservation_number_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="reserved", document__isnull=True, voided_at__isnull=True)
                    | Q(status="used", document__isnull=False, voided_at__isnull=True)
                    | (Q(status="void", voided_at__isnull=False) & ~Q(void_reason=""))
                ),
                name="register_reservation_status_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} № {self.number} — {self.get_status_display()}"


class DocumentHandover(BaseModel):
    """How and when the document reached its holder (npc-2.14, rgmu-2.14): in person, to
    another person holding a certified power of attorney, or by registered mail with
    acknowledgement of receipt. One per document."""

    document = models.OneToOneField(
        QualificationDocument,
        verbose_name="документ",
        on_delete=models.PROTECT,
        related_name="handover",
    )
    mode = models.CharField("способ выдачи", max_length=20, choices=HandoverModeChoices.choices)
    handed_on = models.DateField("дата выдачи (отправки)")
    recipient_name = models.CharField("кто получил", max_length=460, blank=True)
    power_of_attorney_number = models.CharField("номер доверенности", max_length=100, blank=True)
    power_of_attorney_date = models.DateField("дата доверенности", null=True, blank=True)
    tracking_number = models.CharField("почтовый идентификатор (ШПИ)", max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто записал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "выдача документа"
        verbose_name_plural = "выдачи документов"
        ordering = ["-handed_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mode="proxy")
                | (
                    ~Q(recipient_name="")
                    & ~Q(power_of_attorney_number="")
                    & Q(power_of_attorney_date__isnull=False)
                ),
                name="handover_proxy_has_attorney",
            ),
            models.CheckConstraint(
                condition=~Q(mode="registered_mail") | ~Q(tracking_number=""),
                name="handover_mail_has_tracking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()}, {self.handed_on:%d.%m.%Y}"


class OrganisationDetails(BaseModel):
    """What an organisation's qualification documents print about it (issue 12): its full
    and short names, address and details, city, and who signs — the head and the secretary
    with their posts. One per organisation, edited by its staff; each change audited."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="document_details",
    )
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("сокращённое наименование", max_length=200, blank=True)
    details = models.TextField(
        "адрес и реквизиты", blank=True, help_text="Как печатаются на документах."
    )
    city = models.CharField("город", max_length=100)
    head_post = models.CharField("должность руководителя", max_length=200)
    head_name = models.CharField("руководитель (фамилия и инициалы)", max_length=200)
    secretary_post = models.CharField("должность секретаря", max_length=200)
    secretary_name = models.CharField("секретарь (фамилия и инициалы)", max_length=200)

    class Meta:
        verbose_name = "реквизиты организации для документов"
        verbose_name_plural = "реквизиты организаций для документов"

    def __str__(self) -> str:
        return self.short_name or self.full_name


class BlankLayout(BaseModel):
    """Where each value goes on one of an organisation's pre-printed blanks: the sheet's
    size and, per field, its position in millimetres from the sheet's top-left corner,
    optional width and font size (`positions`, checked by `layouts.layout_errors`)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="blank_layouts",
    )
    blank = models.CharField("бланк", max_length=20, choices=BlankKind.choices)
    page_width_mm = models.DecimalField("ширина листа, мм", max_digits=5, decimal_places=1)
    page_height_mm = models.DecimalField("высота листа, мм", max_digits=5, decimal_places=1)
    row_step_mm = models.DecimalField(
        "шаг строк таблицы, мм", max_digits=4, decimal_places=1, null=True, blank=True
    )
    positions = models.JSONField("положение полей", default=dict)

    class Meta:
        verbose_name = "расположение полей на бланке"
        verbose_name_plural = "расположение полей на бланках"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "blank"], name="blank_layout_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_blank_display()} — {self.organisation}"
