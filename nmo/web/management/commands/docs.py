from typing import Any

from django.core.management.base import BaseCommand

from nmo.web.structure import write_docs


class Command(BaseCommand):
    help = "Обновить создаваемые из кода части документации (этажи, API приложений, пункты)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name in write_docs():
            self.stdout.write(f"обновлён {name}")
