"""Regulations and their numbered, immutable versions (the stored rule tree as JSON)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from nmo.accounts.models import Organisation
from nmo.core.models import BaseModel
from nmo.regulations.types import PresetCode


class Regulation(BaseModel):
    """An organisation's regulation on the final attestation (положение), or a preset
    template when `organisation` is empty. Its rules live in numbered, immutable versions;
    an organisation works under exactly one active regulation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regulations",
        help_text="Пусто — шаблон-пресет.",
    )
    title = models.CharField("наименование", max_length=500)
    preset_code = models.CharField(
        "пресет",
        max_length=20,
        choices=PresetCode.choices,
        blank=True,
        help_text="Пресет, из которого создано положение.",
    )
    is_active = models.BooleanField("действует", default=True)

    class Meta:
        verbose_name = "положение об итоговой аттестации"
        verbose_name_plural = "положения об итоговой аттестации"
        ordering = ["organisation__name", "-is_active", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_active=True, organisation__isnull=False),
                name="regulation_one_active_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["preset_code"],
                condition=Q(organisation__isnull=True),
                name="regulation_one_template_per_preset",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(preset_code=""),
                name="regulation_template_has_preset",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_template(self) -> bool:
        return self.organisation_id is None

    @property
    def current_version(self) -> "RegulationVersion | None":
        """The latest version: the rules in force."""
        return self.versions.order_by("-number").first()


class RegulationVersion(models.Model):
    """One version of a regulation's rules. Never changed once written: an amendment is a
    new version, so an attestation held under version N keeps reading version N."""

    regulation = models.ForeignKey(
        Regulation,
        verbose_name="положение",
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField("номер версии")
    rules = models.JSONField("правила")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто создал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    reason = models.TextField("основание изменения")

    class Meta:
        verbose_name = "версия положения"
        verbose_name_plural = "версии положений"
        ordering = ["regulation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "number"], name="regulationversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="regulationversion_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regulation} — версия {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Версия положения не изменяется: внесите изменение новой версией.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Версия положения не удаляется: по ней могли пройти аттестации.")
