from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "nmo.web"
    verbose_name = "Сайт"
