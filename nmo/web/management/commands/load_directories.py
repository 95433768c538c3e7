from typing import Any

from django.core.management.base import BaseCommand

from nmo.catalog.services import load_specialties
from nmo.regulations.services import install_presets
from nmo.workcalendar.services import seed_calendar


class Command(BaseCommand):
    help = (
        "Загрузить справочники: номенклатуру специальностей и производственный календарь "
        "(повторный запуск безопасен)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        specialties = load_specialties()
        self.stdout.write(
            f"Специальности: {specialties.created} добавлено, {specialties.updated} обновлено"
        )
        days = seed_calendar()
        self.stdout.write(f"Календарь: {days} дней загружено")
        presets = install_presets()
        self.stdout.write(f"Положения об итоговой аттестации: {presets} пресетов добавлено")
