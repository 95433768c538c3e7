"""`manage.py close_expired_attempts`: close and score the test attempts whose deadline has
passed (run every minute from cron or a systemd timer, as a safety net for the task
queued at each start)."""

from typing import Any

from django.core.management.base import BaseCommand

from nmo.testing import services


class Command(BaseCommand):
    help = (
        "Завершить и оценить попытки тестирования, время которых истекло. Запускайте каждую "
        "минуту (cron или таймер systemd); повторный запуск безопасен."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = services.close_expired_attempts()
        self.stdout.write(f"Завершено попыток: {closed}.")
