"""`manage.py create_db_roles --admin-url …`: create the two PostgreSQL roles of ADR 0023
and the database, owned by the owner role, as a superuser; idempotent. For CI and
development machines (`make test-pg`, `.ci/run`); production follows docs/deploy.md §2.

The roles and the database come from `DATABASE_URL` (the application's role) and
`DATABASE_OWNER_URL` (the owner); a password in a URL becomes the role's password. The
owner may create databases, so the test suite can create its own."""

import contextlib
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from psycopg import errors, sql


class Command(BaseCommand):
    help = (
        "Создать роли PostgreSQL владельца схемы и приложения и базу данных владельца "
        "(от имени суперпользователя; повторный запуск безопасен)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--admin-url",
            required=True,
            help="Адрес подключения суперпользователя, например "
            "postgres://postgres@127.0.0.1:5432/postgres.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        app = settings.DATABASES["default"]
        owner = getattr(settings, "DATABASE_OWNER", None)
        if app["ENGINE"] != "django.db.backends.postgresql" or owner is None:
            raise CommandError("Нужны DATABASE_URL и DATABASE_OWNER_URL базы PostgreSQL.")
        with psycopg.connect(options["admin_url"], autocommit=True) as admin:
            self._role(admin, owner["USER"], owner.get("PASSWORD"), createdb=True)
            self._role(admin, app["USER"], app.get("PASSWORD"), createdb=False)
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [app["NAME"]]
            ).fetchone()
            if exists is None:
                # DuplicateDatabase: created meanwhile by another run.
                with contextlib.suppress(errors.DuplicateDatabase):
                    admin.execute(
                        sql.SQL("CREATE DATABASE {} OWNER {}").format(
                            sql.Identifier(app["NAME"]), sql.Identifier(owner["USER"])
                        )
                    )
        self.stdout.write(
            f"Роли {owner['USER']} (владелец) и {app['USER']} (приложение), "
            f"база {app['NAME']}: готовы."
        )

    @staticmethod
    def _role(
        admin: psycopg.Connection, name: str, password: str | None, *, createdb: bool
    ) -> None:
        """Create the role if it is missing; an existing one only gets the owner's CREATEDB
        and the URL's password. A superuser is refused: it would bypass every privilege."""
        row = admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [name]).fetchone()
        if row is not None and row[0]:
            raise CommandError(
                f"Роль {name} — суперпользователь: для раздельных ролей нужны обычные роли "
                "(для одной роли оставьте DATABASE_OWNER_URL пустым)."
            )
        options = sql.SQL("LOGIN CREATEDB" if createdb else "LOGIN")
        if password:
            options = sql.SQL("{} PASSWORD {}").format(options, sql.Literal(password))
        if row is None:
            try:
                admin.execute(sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(name), options))
                return
            except errors.DuplicateObject:  # created meanwhile by another run
                pass
        if createdb or password:
            admin.execute(sql.SQL("ALTER ROLE {} {}").format(sql.Identifier(name), options))
