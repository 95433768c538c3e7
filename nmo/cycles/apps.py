from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "nmo.cycles"
    verbose_name = "Кредиты и циклы НМО"
