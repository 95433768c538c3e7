from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "nmo.appeals"
