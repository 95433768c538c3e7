from django.db import models
from django.db.models import Q

from nmo.core.models import BaseModel
from nmo.workcalendar.rules import DECREE_MAX, NAME_MAX
from nmo.workcalendar.types import DayKind


class DaySource(models.TextChoices):
    SEEDED = "seeded", "загружен из справочника праздников"
    ADMIN = "admin", "изменён администратором"


class CalendarDay(BaseModel):
    """A date of the work calendar (производственный календарь) that deviates from the plain
    rule "Mon–Fri working, Sat–Sun off", or is a public holiday falling on a weekend.

    Rows with `source=admin` were set by an administrator and are never overwritten by
    reseeding from the `holidays` package.
    """

    Kind = DayKind
    Source = DaySource

    date = models.DateField("дата", unique=True)
    is_working = models.BooleanField("рабочий день", default=False)
    kind = models.CharField("вид дня", max_length=30, choices=DayKind.choices)
    name = models.CharField(
        "наименование", max_length=NAME_MAX, blank=True, help_text="Например, «Новый год»."
    )
    decree = models.CharField(
        "основание",
        max_length=DECREE_MAX,
        help_text="Реквизиты документа, например «Постановление Правительства РФ "
        "от 04.10.2024 № 1335».",
    )
    source = models.CharField(
        "источник", max_length=10, choices=DaySource.choices, default=DaySource.SEEDED
    )

    class Meta:
        verbose_name = "день производственного календаря"
        verbose_name_plural = "производственный календарь"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_working=True, kind__in=["working_weekend", "working_day"])
                | Q(is_working=False, kind__in=["holiday", "transferred_day_off", "extra_day_off"]),
                name="calendarday_kind_matches_working",
            ),
        ]

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        state = "рабочий" if self.is_working else "нерабочий"
        return f"{self.date:%d.%m.%Y} — {label} ({state})"
