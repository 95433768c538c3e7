"""`manage.py verify_audit_chain`: walk the audit log's hash chain (ADR 0024) and say
where it breaks first. Exit status 1 when it is broken, so a cron job or a monitor can
alert on it. Reads only; batches of `--batch` entries keep memory constant.

It ends by printing the last entry's place and hash: kept outside the database (a
monitoring system, a signed e-mail), that line is the anchor the next run checks with
`--anchor НОМЕР:ХЕШ`, which finds entries cut from the end of the log. Months moved to
the archive (ADR 0602) are skipped from the recorded boundary on; `--archive` walks them
too, from the first entry."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from nmo.core import db_roles
from nmo.core.chain import BATCH, verify_chain


class Command(BaseCommand):
    help = "Проверяет цепочку хешей журнала аудита и показывает первое нарушение."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=BATCH, help="Записей, читаемых за один запрос."
        )
        parser.add_argument(
            "--anchor",
            default="",
            help="НОМЕР:ХЕШ последней записи, напечатанные прошлой проверкой: журнал должен "
            "доходить до неё с тем же хешем.",
        )
        parser.add_argument(
            "--archive",
            action="store_true",
            help="Проверить и перенесённые в архив месяцы, с первой записи (от имени "
            "владельца схемы).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = None
        if options["anchor"]:
            place, _, digest = options["anchor"].partition(":")
            if not place.isdigit() or len(digest) != 64:
                raise CommandError(
                    "Укажите --anchor в виде НОМЕР:ХЕШ (64 шестнадцатеричных знака)."
                )
            anchor = (int(place), digest.lower())
        batch = max(1, options["batch"])
        if options["archive"]:
            # The archive schema is the owner's alone (ADR 0602).
            with db_roles.as_owner():
                report = verify_chain(batch=batch, anchor=anchor, archive=True)
        else:
            report = verify_chain(batch=batch, anchor=anchor)
        if report.broken is None:
            self.stdout.write(
                f"Цепочка журнала аудита цела: проверено записей — {report.checked}. "
                f"Последняя запись — № {report.last_seq}, хеш {report.last_hash or '—'}.\n"
                f"Отметка для следующей проверки: --anchor {report.last_seq}:{report.last_hash}"
            )
            return
        broken = report.broken
        where = []
        if broken.entry_id is not None:
            where.append(f"id {broken.entry_id}")
        if broken.seq is not None:
            where.append(f"№ {broken.seq}")
        if broken.created_at is not None:
            where.append(timezone.localtime(broken.created_at).strftime("%d.%m.%Y %H:%M:%S"))
        self.stderr.write(
            f"Цепочка журнала аудита нарушена: {broken.kind_label}"
            + (f" ({', '.join(where)})" if where else "")
            + f". {broken.detail} Целых записей до нарушения — {report.checked}."
        )
        raise CommandError("Цепочка журнала аудита нарушена.", returncode=1)
