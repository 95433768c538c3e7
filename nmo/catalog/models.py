from django.db import models

from nmo.core.models import BaseModel


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

    class Meta:
        verbose_name = "специальность"
        verbose_name_plural = "номенклатура специальностей"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
