from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "nmo.sync"
    verbose_name = "Связь порталов циклов и учёта кредитов"
