from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nmo.accounts"
    verbose_name = "Пользователи и организации"
