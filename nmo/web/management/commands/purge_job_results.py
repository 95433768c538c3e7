from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from nmo.core.jobs import purge_results
from nmo.core.russian import count
from nmo.web.job_results import purge_cutoff


class Command(BaseCommand):
    help = (
        "Удалить файлы результатов фоновых работ, срок хранения которых истёк "
        "(JOB_RESULT_KEEP_WORKING_DAYS рабочих дней после завершения; запускать ежедневно)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = purge_cutoff(timezone.localdate())
        purged = purge_results(finished_before=cutoff)
        self.stdout.write(
            f"Удалено {count(purged, ('файл', 'файла', 'файлов'))} результатов фоновых работ, "
            f"завершённых до {timezone.localtime(cutoff):%d.%m.%Y}."
        )
