from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "nmo.catalog"
    verbose_name = "Специальности и каталог НМО"
