from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "nmo.api"
    verbose_name = "API для интеграций"
