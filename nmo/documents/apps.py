from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "nmo.documents"
    verbose_name = "Документы об обучении"
