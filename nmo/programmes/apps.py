from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "nmo.programmes"
    verbose_name = "Программы ДПП и группы"
