"""`manage.py prepare`: what `make run` and `make dev` do before serving, in one process
(ADR 0013): the migrations (one line), the directories, the demo data and, with
`--static`, the static files. Each start of Django costs seconds on a busy machine."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Подготовить базу к работе: миграции, справочники, демонстрационные данные "
        "(повторный запуск безопасен)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--static", action="store_true", help="Собрать и статические файлы (collectstatic)."
        )
        parser.add_argument(
            "--force-demo",
            action="store_true",
            help="Загрузить демонстрационные данные и при выключенном DEBUG.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("База данных: миграции применены.")
        call_command("load_directories")
        # With DEBUG off the demo step runs only when forced (ADR 0027); `make run` forces it.
        try:
            call_command("load_demo", force=options["force_demo"])
        except CommandError as refused:
            self.stdout.write(str(refused))
        if options["static"]:
            call_command("collectstatic", interactive=False, clear=True, verbosity=0)
