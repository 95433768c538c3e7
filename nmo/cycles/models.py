"""The credit ledger, cycle rules, five-year cycles, module completions and the learning
plan (faq-cycle-hours, faq-voluntary, faq-join-steps, faq-module-auto, faq-only-listed)."""

from typing import Any

from django.db import models
from django.db.models import F, Q

from nmo.core.models import BaseModel
from nmo.cycles.types import CreditKind, CreditSource, OverflowPolicy

# The choices are declared once, with their labels, in nmo.cycles.types (the pure rules
# use them too); they stay importable from here.

__all__ = [
    "CabinetStamp",
    "CreditEntry",
    "CreditKind",
    "CreditSource",
    "Cycle",
    "CycleRule",
    "ModuleCompletion",
    "OverflowPolicy",
    "PlanItem",
]


class CreditEntry(models.Model):
    """One immutable line of a specialist's credit ledger. Only catalogue activities (and
    programme hours reported by an educational organisation) create entries
    (faq-only-listed); a correction is a reversing entry with a reason, never an edit."""

    created_at = models.DateTimeField("записано", auto_now_add=True)
    specialist = models.ForeignKey(
        "accounts.User",
        verbose_name="специалист",
        on_delete=models.PROTECT,
        related_name="credit_entries",
        db_index=False,  # credit_specialist_idx and credit_cycle_idx lead with it
    )
    activity = models.ForeignKey(
        "catalog.Activity",
        verbose_name="мероприятие или модуль",
        on_delete=models.PROTECT,
        related_name="credit_entries",
        null=True,
        blank=True,
    )
    specialty = models.ForeignKey(
        "catalog.Specialty",
        verbose_name="специальность",
        on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    source = models.CharField("источник", max_length=12, choices=CreditSource.choices)
    kind = models.CharField("вид активности", max_length=10, choices=CreditKind.choices)
    hours = models.SmallIntegerField("часы (кредиты)")
    remote_hours = models.SmallIntegerField(
        "из них с ДОТ",
        null=True,
        blank=True,
        help_text="Только для программы ДПП: часы с дистанционными технологиями.",
    )
    occurred_on = models.DateField("дата образовательной активности")
    reference = models.CharField("основание", max_length=100, blank=True)
    # A programme's qualification document (ADR 0118). The documents app sits above this
    # one, so the document is held by its id and the path of its public check page, not
    # by a foreign key; `document_key` is the number an API report is matched by.
    programme_title = models.CharField("программа ДПП", max_length=500, blank=True)
    document_key = models.CharField(
        "номер документа для сверки",
        max_length=100,
        blank=True,
        help_text="Серия и номер без пробелов и знаков, заглавными (rules.document_key).",
    )
    document_id = models.PositiveBigIntegerField(
        "документ о квалификации в системе", null=True, blank=True
    )
    document_url = models.CharField("страница проверки документа", max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="образовательная организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # credit_organisation_idx, of the entries that have one
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name="сторнирует",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    reason = models.TextField("причина исправления", blank=True)
    # Provenance of an entry brought over from the credit portal by the link between the
    # two portals (faq-sync-why, ADR 0501): the portal, its entry's id there, the title of
    # the activity there (it has no row in this catalogue) and when it arrived.
    source_portal = models.CharField("портал-источник", max_length=200, blank=True)
    source_id = models.CharField("номер записи на портале-источнике", max_length=40, blank=True)
    source_title = models.CharField(
        "мероприятие или модуль на портале-источнике", max_length=500, blank=True
    )
    synced_at = models.DateTimeField("синхронизировано", null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="кто записал",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # credit_created_by_idx, of the entries staff wrote
    )

    class Meta:
        verbose_name = "запись о кредитах"
        verbose_name_plural = "журнал кредитов"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["specialist", "-occurred_on"], name="credit_specialist_idx"),
            models.Index(
                fields=["specialist", "specialty", "occurred_on"], name="credit_cycle_idx"
            ),
            # Most entries have neither (codes, modules): indexing only those that do
            # keeps every credit's insert cheaper (ADR 0203).
            models.Index(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="credit_organisation_idx",
            ),
            models.Index(
                fields=["created_by"],
                condition=Q(created_by__isnull=False),
                name="credit_created_by_idx",
            ),
        ]
        constraints = [
            # Exactly once per specialist and activity, whatever the path (code, module,
            # support); a reversal is the only second entry (faq-ikp-error).
            models.UniqueConstraint(
                fields=["specialist", "activity"],
                condition=Q(reverses__isnull=True),
                name="credit_once_per_activity",
            ),
            # A programme (ДПП) is recorded once per document or contract reference.
            models.UniqueConstraint(
                fields=["specialist", "reference"],
                condition=Q(reverses__isnull=True, kind="programme"),
                name="credit_programme_once_per_reference",
            ),
            # One live entry per qualification document of an organisation, whether its
            # issue here or the organisation's API report came first (ADR 0118).
            models.UniqueConstraint(
                fields=["specialist", "organisation", "document_key"],
                condition=Q(reverses__isnull=True, kind="programme") & ~Q(document_key=""),
                name="credit_programme_once_per_document",
            ),
            models.UniqueConstraint(
                fields=["document_id"],
                condition=Q(reverses__isnull=True, document_id__isnull=False),
                name="credit_once_per_issued_document",
            ),
            # A synchronised record arrives exactly once per specialist, portal and its id
            # there, however often the synchronisation is retried (faq-sync-once).
            models.UniqueConstraint(
                fields=["specialist", "source_portal", "source_id"],
                condition=Q(source="sync"),
                name="credit_synced_once",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, hours__gt=0)
                | Q(reverses__isnull=False, hours__lt=0),
                name="credit_sign_matches_kind",
            ),
            # Programme hours come from an organisation, everything else from the catalogue
            # or, synchronised, from the credit portal's catalogue (no row here).
            models.CheckConstraint(
                condition=Q(kind="programme", activity__isnull=True, remote_hours__isnull=False)
                | (~Q(kind="programme") & Q(activity__isnull=False, remote_hours__isnull=True))
                | (
                    ~Q(kind="programme")
                    & Q(source="sync", activity__isnull=True, remote_hours__isnull=True)
                    & ~Q(source_id="")
                ),
                name="credit_activity_or_programme",
            ),
            models.CheckConstraint(
                condition=Q(remote_hours__isnull=True)
                | Q(reverses__isnull=True, remote_hours__gte=0, remote_hours__lte=F("hours"))
                | Q(reverses__isnull=False, remote_hours__lte=0, remote_hours__gte=F("hours")),
                name="credit_remote_within_hours",
            ),
        ]

    def __str__(self) -> str:
        what = self.activity if self.activity_id else (self.source_title or self.reference)
        return f"{self.specialist}: {what} ({self.hours})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Запись о кредитах неизменяема: исправляйте сторнированием.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Запись о кредитах нельзя удалить: исправляйте сторнированием.")

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class CycleRule(BaseModel):
    """The hour requirements of a five-year cycle, held as data (faq-cycle-hours).

    `parts` maps a part to its required hours, `part_kinds` a part to the kinds of activity
    (`CreditKind`) that feed it, `overflow` a part to what happens to its excess
    (`OverflowPolicy`). A rule that cycles use is never edited: a new rule is added and
    made the default for cycles entered from then on.
    """

    name = models.CharField("наименование", max_length=200, unique=True)
    total_hours = models.PositiveSmallIntegerField("всего часов")
    parts = models.JSONField("часы по частям", default=dict)
    part_kinds = models.JSONField("что засчитывается в часть", default=dict)
    overflow = models.JSONField("часы сверх части", default=dict)
    min_remote_share_of_programme = models.DecimalField(
        "минимальная доля ДОТ в программе", max_digits=3, decimal_places=2, default=0
    )
    years = models.PositiveSmallIntegerField("длительность цикла, лет", default=5)
    is_default = models.BooleanField("для новых циклов", default=False)

    class Meta:
        verbose_name = "правило цикла"
        verbose_name_plural = "правила циклов"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="cyclerule_one_default"
            ),
            models.CheckConstraint(
                condition=Q(min_remote_share_of_programme__gte=0)
                & Q(min_remote_share_of_programme__lte=1),
                name="cyclerule_share_is_fraction",
            ),
            models.CheckConstraint(condition=Q(years__gt=0), name="cyclerule_years_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Cycle(BaseModel):
    """A specialist's five-year cycle in one specialty, entered voluntarily (faq-voluntary,
    faq-portal-cycles). The dates are inclusive; two cycles of one specialist in one
    specialty never overlap (checked by `enter_cycle`, backstopped by the start date)."""

    specialist = models.ForeignKey(
        "accounts.User",
        verbose_name="специалист",
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    specialty = models.ForeignKey(
        "catalog.Specialty",
        verbose_name="специальность",
        on_delete=models.PROTECT,
        related_name="cycles",
    )
    rule = models.ForeignKey(
        CycleRule, verbose_name="правило", on_delete=models.PROTECT, related_name="cycles"
    )
    starts_on = models.DateField("начало")
    ends_on = models.DateField("окончание (включительно)")

    class Meta:
        verbose_name = "пятилетний цикл"
        verbose_name_plural = "пятилетние циклы"
        ordering = ["-starts_on", "specialty__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["specialist", "specialty", "starts_on"], name="cycle_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="cycle_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["specialist", "specialty"], name="cycle_specialist_idx")]

    def __str__(self) -> str:
        return f"{self.specialty}: {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class ModuleCompletion(models.Model):
    """A provider's report that a specialist completed an e-module (faq-module-auto). One
    per specialist and module: a repeated report finds this row and its credit entry."""

    created_at = models.DateTimeField("получено", auto_now_add=True)
    activity = models.ForeignKey(
        "catalog.Activity",
        verbose_name="модуль",
        on_delete=models.PROTECT,
        related_name="completions",
    )
    specialist = models.ForeignKey(
        "accounts.User",
        verbose_name="специалист",
        on_delete=models.PROTECT,
        related_name="module_completions",
    )
    completed_at = models.DateTimeField("модуль освоен")
    reported_by = models.ForeignKey(
        "accounts.User", verbose_name="кто сообщил", on_delete=models.PROTECT, related_name="+"
    )
    credit_entry = models.OneToOneField(
        CreditEntry,
        verbose_name="запись о кредитах",
        on_delete=models.PROTECT,
        related_name="module_completion",
    )

    class Meta:
        verbose_name = "освоение модуля"
        verbose_name_plural = "освоения модулей"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "specialist"], name="completion_once_per_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialist}: {self.activity}"


class PlanItem(BaseModel):
    """An event or module from the catalogue a specialist plans within a cycle
    (faq-join-steps, steps 3–4). It is done once the ledger holds its credits."""

    cycle = models.ForeignKey(
        Cycle, verbose_name="цикл", on_delete=models.CASCADE, related_name="plan_items"
    )
    activity = models.ForeignKey(
        "catalog.Activity",
        verbose_name="мероприятие или модуль",
        on_delete=models.PROTECT,
        related_name="plan_items",
    )

    class Meta:
        verbose_name = "пункт плана обучения"
        verbose_name_plural = "план обучения"
        ordering = ["activity__starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "activity"], name="plan_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.activity}"


class CabinetStamp(models.Model):
    """The version under which a specialist's cabinet sections are cached (cache.py): a
    new random value whenever what the cabinet shows changes, written in the change's own
    transaction, so the cabinet never shows a cached page older than a committed change.
    A cache marker, not data: no foreign key to check on every change."""

    specialist = models.OneToOneField(
        "accounts.User",
        verbose_name="специалист",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    version = models.CharField("версия кабинета", max_length=16)

    class Meta:
        verbose_name = "версия кабинета"
        verbose_name_plural = "версии кабинетов"

    def __str__(self) -> str:
        return f"{self.specialist_id}: {self.version}"
