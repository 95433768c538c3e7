"""`manage.py audit_partitions`: keep the audit log's monthly partitions made ahead (ADR
0602) — this month and the next `--ahead` (3) months. Run daily from cron or a systemd
timer as the application's role (it works through the owner's SECURITY DEFINER function);
idempotent. `--check` only reports, and exits with status 1 when fewer than one month
ahead is attached, for a monitor."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nmo.core.exceptions import DomainError
from nmo.core.partitions import DEFAULT_AHEAD, ensure_partitions, months_ahead, partitioned


class Command(BaseCommand):
    help = "Создаёт заранее месячные разделы журнала аудита (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ahead",
            type=int,
            default=DEFAULT_AHEAD,
            help="На сколько месяцев после текущего создать разделы (0–24).",
        )
        parser.add_argument(
            "--check", action="store_true", help="Только проверить, ничего не создавая."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not partitioned():
            self.stdout.write(
                "Журнал аудита не разделён по месяцам (не PostgreSQL): нечего делать."
            )
            return
        if not options["check"]:
            try:
                made = ensure_partitions(ahead=options["ahead"])
            except DomainError as error:
                raise CommandError(error.message) from error
            self.stdout.write(
                "Созданы разделы: " + ", ".join(made) if made else "Все разделы уже созданы."
            )
        ahead = months_ahead()
        self.stdout.write(f"Разделов после текущего месяца: {ahead}.")
        if ahead < 1:
            raise CommandError(
                "Раздел следующего месяца не создан: запустите manage.py audit_partitions.",
                returncode=1,
            )
