from django.db import models
from django.db.models import Q

from nmo.core.models import BaseModel


class CreditSource(models.TextChoices):
    CODE = "code", "Активация ИКП"
    MODULE = "module", "Электронный модуль"
    SUPPORT = "support", "Решение провайдера по обращению"
    CORRECTION = "correction", "Исправление (сторнирование)"


class CreditEntry(models.Model):
    """One immutable line of a specialist's credit ledger. Only catalogue activities
    create entries (faq-only-listed); a correction is a reversing entry with a reason,
    never an edit."""

    created_at = models.DateTimeField("записано", auto_now_add=True)
    specialist = models.ForeignKey(
        "accounts.User", verbose_name="специалист", on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    activity = models.ForeignKey(
        "catalog.Activity", verbose_name="мероприятие или модуль", on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    specialty = models.ForeignKey(
        "catalog.Specialty", verbose_name="специальность", on_delete=models.PROTECT,
        related_name="credit_entries",
    )
    source = models.CharField("источник", max_length=12, choices=CreditSource.choices)
    hours = models.SmallIntegerField("часы (кредиты)")
    occurred_on = models.DateField("дата образовательной активности")
    reference = models.CharField("основание", max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name="сторнирует", null=True, blank=True, on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    reason = models.TextField("причина исправления", blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="кто записал", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = "запись о кредитах"
        verbose_name_plural = "журнал кредитов"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["specialist", "-occurred_on"], name="credit_specialist_idx"),
            models.Index(fields=["specialist", "specialty", "occurred_on"], name="credit_cycle_idx"),
        ]
        constraints = [
            # Exactly once per specialist and activity, whatever the path (code, module,
            # support); a reversal is the only second entry (faq-ikp-error).
            models.UniqueConstraint(
                fields=["specialist", "activity"],
                condition=Q(reverses__isnull=True),
                name="credit_once_per_activity",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, hours__gt=0)
                | Q(reverses__isnull=False, hours__lt=0),
                name="credit_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialist}: {self.activity} ({self.hours})"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("Запись о кредитах неизменяема: исправляйте сторнированием.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
