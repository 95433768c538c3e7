from django.apps import AppConfig


class RegulationsConfig(AppConfig):
    name = "nmo.regulations"
    verbose_name = "Положения об итоговой аттестации"
