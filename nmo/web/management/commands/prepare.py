"""`manage.py prepare`: what `make run` and `make dev` do before serving, in one process
(ADR 0013): the migrations (one line), the directories, the demo data and, with
`--static`, the static files. Each start of Django costs seconds on a busy machine."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Подготовить базу к работе: миграции, справочники, демонстрационные данные "
        "(повторный запуск безопасен)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--static", action="store_true", help="Собрать и статические файлы (collectstatic)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("База данных: миграции применены.")
        call_command("load_directories")
        call_command("load_demo")
        if options["static"]:
            call_command("collectstatic", interactive=False, clear=True, verbosity=0)
