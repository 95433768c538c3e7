from typing import Any

from django.core.management.base import BaseCommand

from nmo.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Загрузить демонстрационные данные и учётные записи (повторный запуск безопасен)."

    def handle(self, *args: Any, **options: Any) -> None:
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
