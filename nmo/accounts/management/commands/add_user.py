from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nmo.accounts import services
from nmo.accounts.models import Role
from nmo.core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Создать пользователя (или добавить роль существующему). "
        "Организация создаётся, если её нет."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--password", required=False, default=None)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--organisation", required=False, default=None)
        parser.add_argument("--last-name", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--middle-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = services.add_user(
                email=options["email"],
                password=options["password"],
                role=options["role"],
                organisation_name=options["organisation"],
                last_name=options["last_name"],
                first_name=options["first_name"],
                middle_name=options["middle_name"],
            )
        except DomainError as exc:
            details = "; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in getattr(exc, "errors", {}).items()
            )
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        self.stdout.write(f"{user.email}: роль {options['role']}")
