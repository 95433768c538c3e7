"""Django admin with the app's own gate (ADR 0021): installed in place of
`django.contrib.admin`, it makes `admin.site` the `NmoAdminSite`."""

from django.contrib.admin.apps import AdminConfig


class NmoAdminConfig(AdminConfig):
    default_site = "nmo.accounts.admin_site.NmoAdminSite"
