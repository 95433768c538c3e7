from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "nmo.codes"
    verbose_name = "Коды подтверждения и свидетельства НМО"
