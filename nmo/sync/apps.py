from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "nmo.sync"
    verbose_name = "Связь порталов циклов и учёта кредитов"

    def ready(self) -> None:
        # django-oauth-toolkit registers its models in the admin under English names; the
        # link's clients are registered by `manage.py sync_client` and its tokens revoked
        # by unlinking, so the admin does not show them (every admin page is Russian).
        from django.contrib import admin

        for model in admin.site._registry.copy():
            if model._meta.app_label == "oauth2_provider":
                admin.site.unregister(model)
