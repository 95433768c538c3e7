"""`manage.py flush` as the schema's owner (ADR 0023): it empties every table with
TRUNCATE, which the application's role may not do. The tests' transactional teardown
calls it too."""

from typing import Any

from django.core.management.commands import flush

from nmo.core import db_roles


class Command(flush.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        with db_roles.as_owner(options["database"]):
            super().handle(*args, **options)
