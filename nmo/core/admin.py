"""Django admin serves administrators for directories and the work calendar only
(spec: "Django admin for back-office directories only"). Models registered by
third-party apps are taken out so the admin does not become a second product UI."""

from django.contrib import admin
from django.contrib.auth.models import Group

admin.site.site_header = "НМО: справочники"
admin.site.site_title = "НМО: справочники"
admin.site.index_title = "Справочники и производственный календарь"

for model in (Group,):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

try:
    from django_tasks_db.models import DBTaskResult
except ImportError:  # pragma: no cover - the database task backend is optional
    DBTaskResult = None

if DBTaskResult is not None and admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
