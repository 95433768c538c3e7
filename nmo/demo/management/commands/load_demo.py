from typing import Any

from django.core.management.base import BaseCommand

from nmo.demo.data import DEMO_ACCOUNTS, load_demo


class Command(BaseCommand):
    help = "Загрузить демонстрационные данные и учётные записи (повторный запуск безопасен)."

    def handle(self, *args: Any, **options: Any) -> None:
        load_demo()
        self.stdout.write("Демонстрационные учётные записи (пароль у всех одинаковый):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<32} {account.password}  — {account.title}")
