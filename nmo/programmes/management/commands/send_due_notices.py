"""`manage.py send_due_notices`: send the notices to learners that are due (run daily)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nmo.programmes import services


class Command(BaseCommand):
    help = (
        "Отправить слушателям уведомления, срок которых наступил: форма, условия и дата "
        "итоговой аттестации; технические требования к видеоконференции. Запускайте ежедневно "
        "(cron); повторный или одновременный запуск не отправляет уведомление дважды."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Считать сегодняшней эту дату (ГГГГ-ММ-ДД); по умолчанию — текущая дата.",
        )
        parser.add_argument("--cohort", type=int, help="Только для группы с этим id.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Дата указывается как ГГГГ-ММ-ДД.") from exc
        run = services.send_due_notices(today=today, cohort_id=options["cohort"])
        self.stdout.write(
            f"Уведомлений отправлено: {run.notices}; писем слушателям: {run.delivered}; "
            f"с ошибками: {run.failed}."
        )
        if run.failed:
            raise CommandError("Часть уведомлений не отправлена: см. страницу группы.")
