from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nmo.core"
    verbose_name = "Ядро"
