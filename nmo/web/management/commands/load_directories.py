from typing import Any

from django.core.management.base import BaseCommand

from nmo.catalog.services import load_specialties
from nmo.core.russian import count
from nmo.regulations.services import install_presets
from nmo.workcalendar.services import seed_calendar


class Command(BaseCommand):
    help = (
        "Загрузить справочники: номенклатуру специальностей и производственный календарь "
        "(повторный запуск безопасен)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        specialties = load_specialties()
        days = seed_calendar()
        presets = install_presets()
        specialty = ("специальность", "специальности", "специальностей")
        self.stdout.write(
            f"Справочники: добавлено {count(specialties.created, specialty)}, "
            f"обновлено {count(specialties.updated, specialty)}; изменено "
            f"{count(days, ('день', 'дня', 'дней'))} производственного календаря; добавлено "
            f"{count(presets, ('положение', 'положения', 'положений'))} об итоговой аттестации."
        )
