from django.apps import AppConfig


class PrintingConfig(AppConfig):
    """An app only so that its base print template (printing/base.html) is found."""

    name = "nmo.printing"
    verbose_name = "Печать документов"
