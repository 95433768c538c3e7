import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nmo.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo

# `make run` sets it: the product as production runs it, with demo data by design (ADR 0013).
ALLOW_ENV = "ALLOW_DEMO_DATA"


def demo_allowed(force: bool = False) -> bool:
    """Demo accounts share a published password: with DEBUG off (production) they are
    created only when forced (ADR 0027)."""
    if force or settings.DEBUG:
        return True
    return os.environ.get(ALLOW_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


REFUSAL = (
    "Демонстрационные данные не загружены: DEBUG выключен, а у демонстрационных учётных "
    f"записей общий опубликованный пароль. Если это не рабочий сервер, запустите команду "
    f"с --force или задайте {ALLOW_ENV}=true."
)


class Command(BaseCommand):
    help = "Загрузить демонстрационные данные и учётные записи (повторный запуск безопасен)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help=f"Загрузить и при выключенном DEBUG (как {ALLOW_ENV}=true).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_allowed(options["force"]):
            raise CommandError(REFUSAL)
        summary = load_demo()
        if summary.accounts or summary.activities or summary.cohorts:
            self.stdout.write(
                f"Демонстрационные данные загружены за {summary.seconds:.0f} с: "
                f"учётных записей {summary.accounts}, заявок на оценку {summary.activities} "
                f"(в каталоге {summary.accredited}), кодов подтверждения {summary.codes}, "
                f"групп {summary.cohorts}, слушателей {summary.learners}, "
                f"документов {summary.documents}."
            )
        else:
            self.stdout.write("Демонстрационные данные уже загружены.")
        self.stdout.write(f"Демонстрационные учётные записи (пароль у всех: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<26} {account.title}")
        self.stdout.write("  …и другие: README.md, раздел «Demo accounts».")
