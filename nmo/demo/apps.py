from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "nmo.demo"
    verbose_name = "Демонстрационные данные"
