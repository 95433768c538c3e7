from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "nmo.codes"
