from django.db import models
from django.urls import reverse

from nmo.catalog.types import ActivityFormat, ActivityKind, ActivityStatus
from nmo.core.models import BaseModel

__all__ = [
    "AccreditationDecision",
    "Activity",
    "ActivityFormat",
    "ActivityKind",
    "ActivityStatus",
    "CreditPolicy",
    "Specialty",
    "SpecialtyLevel",
]


class SpecialtyLevel(models.TextChoices):
    HIGHER_MEDICAL = "higher_medical", "Высшее медицинское образование"
    HIGHER_PHARMACEUTICAL = "higher_pharmaceutical", "Высшее фармацевтическое образование"
    HIGHER_OTHER = "higher_other", "Иное высшее образование (специалисты в сфере здравоохранения)"
    SECONDARY_MEDICAL = "secondary_medical", "Среднее медицинское образование"
    SECONDARY_PHARMACEUTICAL = "secondary_pharmaceutical", "Среднее фармацевтическое образование"


class Specialty(BaseModel):
    """An entry of the nomenclature of specialties (order 700н and its successors)."""

    code = models.CharField("код", max_length=20, unique=True)
    name = models.CharField("наименование", max_length=300)
    level = models.CharField("уровень образования", max_length=30, choices=SpecialtyLevel.choices)
    is_active = models.BooleanField("действует", default=True)
    edited_by_admin = models.BooleanField(
        "изменено администратором",
        default=False,
        help_text="Повторная загрузка номенклатуры из файла не перезаписывает такую запись.",
    )

    class Meta:
        verbose_name = "специальность"
        verbose_name_plural = "номенклатура специальностей"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Activity(BaseModel):
    """An event or e-module a provider submits for accreditation (заявка на оценку); once
    the commission accredits it with credits it is in the catalogue (faq-catalogue-providers)."""

    provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="провайдер",
        on_delete=models.PROTECT,
        related_name="activities",
    )
    submitted_by = models.ForeignKey(
        "accounts.User",
        verbose_name="подал",
        on_delete=models.PROTECT,
        related_name="submitted_activities",
    )
    kind = models.CharField("вид", max_length=10, choices=ActivityKind.choices)
    title = models.CharField("название", max_length=500)
    title_search = models.CharField(max_length=500, editable=False, db_index=False)
    description = models.TextField("описание", blank=True)
    specialties = models.ManyToManyField(
        Specialty, verbose_name="специальности", related_name="activities"
    )
    format = models.CharField("формат", max_length=10, choices=ActivityFormat.choices)
    starts_on = models.DateField("дата начала")
    ends_on = models.DateField("дата окончания")
    location = models.CharField("место проведения", max_length=500, blank=True)
    country = models.CharField("страна (ISO 3166)", max_length=2, default="RU")
    hours_requested = models.PositiveSmallIntegerField("запрошено часов (кредитов)")
    status = models.CharField(
        "статус", max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.SUBMITTED
    )
    credits = models.PositiveSmallIntegerField("кредиты", null=True, blank=True)
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)

    class Meta:
        verbose_name = "мероприятие или модуль"
        verbose_name_plural = "мероприятия и модули"
        ordering = ["-starts_on", "-id"]
        # Every catalogue query filters on status = accredited and pages in the order
        # (-starts_on, -id); ADR 0201 lists the plans these indexes serve.
        # Status leads (rather than partial indexes) so that the plans do not depend on
        # the status being inlined into the SQL. Migration 0004 also indexes the
        # specialties link table by (specialty_id, activity_id); migration 0005 adds a
        # pg_trgm GIN index on title_search on PostgreSQL.
        indexes = [
            models.Index(fields=["status", "starts_on", "id"], name="activity_status_start_idx"),
            models.Index(
                fields=["status", "kind", "starts_on", "id"], name="activity_status_kind_idx"
            ),
            models.Index(fields=["status", "ends_on", "starts_on"], name="activity_status_end_idx"),
            # Counting a specialty's activities probes each linked id for its status;
            # this index answers the probe without reading the table.
            # On PostgreSQL also INCLUDE (kind, format, starts_on, ends_on): catalog
            # migration 0006 (ADR 0614). Dropping one of those columns drops the index.
            models.Index(fields=["id", "status"], name="activity_id_status_idx"),
            models.Index(fields=["status", "created_at"], name="activity_status_created_idx"),
            models.Index(fields=["provider", "status"], name="activity_provider_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="activity_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accredited") | models.Q(credits__gt=0),
                name="activity_accredited_has_credits",
            ),
            # faq-only-listed: only an accredited activity carries credits.
            models.CheckConstraint(
                condition=models.Q(status="accredited") | models.Q(credits__isnull=True),
                name="activity_only_accredited_has_credits",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        from nmo.catalog.rules import search_key

        # Case folding can lengthen a title (ß → ss); the key never outgrows its column.
        self.title_search = search_key(self.title)[:500]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "title_search"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("catalog:activity_detail", args=[self.pk])

    @property
    def is_in_catalogue(self) -> bool:
        """Accredited, so listed in the public catalogue and carrying credits."""
        return self.status == ActivityStatus.ACCREDITED

    @property
    def is_editable(self) -> bool:
        """The provider may still change the application: the commission has not decided."""
        return self.status == ActivityStatus.SUBMITTED

    @property
    def is_foreign(self) -> bool:
        return self.country != "RU"


class AccreditationDecision(BaseModel):
    """One step in the history of an application: submission, edits, the commission's
    decision. Never changed after it is written."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Заявка подана"
        EDITED = "edited", "Заявка изменена"
        ACCREDITED = "accredited", "Аккредитовано"
        REJECTED = "rejected", "Отклонено"

    activity = models.ForeignKey(
        Activity, verbose_name="заявка", on_delete=models.CASCADE, related_name="history"
    )
    action = models.CharField("действие", max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name="кто", on_delete=models.PROTECT, related_name="+"
    )
    credits = models.PositiveSmallIntegerField("кредиты", null=True, blank=True)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "шаг рассмотрения заявки"
        verbose_name_plural = "история рассмотрения заявок"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_action_display()}"


class CreditPolicy(BaseModel):
    """Whether credits may be awarded for activities held abroad (faq-foreign).

    Today they may not: credits of foreign CME/CPD systems are not counted in Russia. The
    FAQ foresees a harmonisation with the EU, so this is a switch held as data (one row,
    changed by an administrator and audited), not a constant in code. No row means the
    default: not allowed.
    """

    foreign_credits_allowed = models.BooleanField(
        "учитывать кредиты за мероприятия за рубежом",
        default=False,
        help_text="Включается только на основании соглашения о гармонизации систем НМО.",
    )
    basis = models.CharField(
        "основание",
        max_length=500,
        blank=True,
        help_text="Реквизиты документа, на основании которого изменено правило.",
    )

    class Meta:
        verbose_name = "правило учёта кредитов"
        verbose_name_plural = "правило учёта кредитов"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="credit_policy_single_row"),
        ]

    def __str__(self) -> str:
        allowed = "учитываются" if self.foreign_credits_allowed else "не учитываются"
        return f"Кредиты за мероприятия за рубежом {allowed}"
