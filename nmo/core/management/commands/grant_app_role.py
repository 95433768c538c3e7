"""`manage.py grant_app_role`: give the application's role its privileges again (ADR
0023). `migrate` does it after every run; this is for a database whose tables were made
or restored by hand (pg_restore, REASSIGN OWNED). Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from nmo.core import db_roles


class Command(BaseCommand):
    help = (
        "Выдать роли приложения права на таблицы (только чтение и запись строк; журналы "
        "аудита и кредитов — только добавление). Повторный запуск безопасен."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        statements = db_roles.grant_app_role(options["database"])
        if not statements:
            self.stdout.write(
                "Одна роль базы данных (DATABASE_OWNER_URL не задан или не PostgreSQL): "
                "выдавать нечего."
            )
            return
        self.stdout.write(f"Права роли {db_roles.app_role(options['database'])} обновлены.")
