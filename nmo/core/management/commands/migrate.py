"""`manage.py migrate` as the schema's owner (ADR 0023): with `DATABASE_OWNER_URL` set,
the migrations run connected as the owner role, and the application's role gets its
privileges again afterwards (`grant_app_role`); otherwise Django's command as it is."""

from typing import Any

from django.core.management.commands import migrate
from django.db import connections

from nmo.core import db_roles


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"]
        if connections[database].in_atomic_block:
            # Inside a transaction (a test calling `prepare`) the role cannot change; the
            # schema was migrated by the owner when the database was made, so Django's
            # command has nothing to do that needs the owner.
            super().handle(*args, **options)
            return
        with db_roles.as_owner(database):
            super().handle(*args, **options)
            if not (options.get("plan") or options.get("check_unapplied")):
                db_roles.grant_app_role(database)
