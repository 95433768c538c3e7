"""`manage.py audit_archive --before ГГГГ-ММ`: detach the audit log's months before the
given one to the archive (ADR 0602) with `DETACH PARTITION … CONCURRENTLY` — appends and
reads of the live months go on meanwhile — and move each to the schema `audit_archive`
(`--no-move` leaves it in `public`, detached). Runs as the owner of the schema (like
`migrate`); records in the audit log what left, each month's last place and hash and the
boundary where the live chain begins, so both the live log and the archive stay
verifiable (`verify_audit_chain`, `verify_audit_chain --archive`)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nmo.core import db_roles
from nmo.core.exceptions import DomainError
from nmo.core.partitions import archive_before, parse_month


class Command(BaseCommand):
    help = "Переносит в архив месяцы журнала аудита до указанного (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before", required=True, help="Первый месяц, который остаётся в журнале: ГГГГ-ММ."
        )
        parser.add_argument(
            "--no-move",
            action="store_true",
            help="Только отсоединить разделы, не перенося их в схему audit_archive.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            before = parse_month(options["before"])
            with db_roles.as_owner():
                done = archive_before(before, move=not options["no_move"])
        except DomainError as error:
            raise CommandError(error.message) from error
        if not done:
            self.stdout.write(f"Месяцев до {before:%Y-%m} в журнале нет: переносить нечего.")
            return
        for month in done:
            last = f"последняя № {month.last_seq}, хеш {month.last_hash}" if month.rows else "пусто"
            self.stdout.write(
                f"{month.month:%Y-%m} → {month.table}: записей {month.rows} ({last})."
            )
        self.stdout.write("Перенос записан в журнал аудита (audit.archive).")
