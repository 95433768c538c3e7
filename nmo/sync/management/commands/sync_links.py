"""`manage.py sync_links`: on the cycle portal, queue the synchronisation of every link
whose time has come — a retry or periodic run that is due, or a run whose worker died
mid-way (no step for --stale-after seconds). For a timer beside `run_worker`."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nmo.sync.services import queue_due_links


class Command(BaseCommand):
    help = "Поставить в очередь синхронизацию связанных аккаунтов, которой пора идти."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stale-after", type=int, default=300)

    def handle(self, *args: Any, **options: Any) -> None:
        queued = queue_due_links(stale_after=dt.timedelta(seconds=options["stale_after"]))
        self.stdout.write(f"В очереди синхронизаций: {queued}")
