from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "nmo.testing"
    label = "testing"
    verbose_name = "Тестирование (АС ДПО)"
