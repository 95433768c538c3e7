"""Django admin speaks Russian (issue 10: it showed «CYCLES»): every app and every model
registered in the admin has a Russian name."""

import re

from django.apps import apps
from django.contrib import admin

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def test_every_project_app_has_a_russian_name():
    for config in apps.get_app_configs():
        if config.name.startswith("nmo."):
            assert CYRILLIC.search(str(config.verbose_name)), config.name


def test_every_model_in_the_admin_has_a_russian_name():
    for model in admin.site._registry:
        meta = model._meta
        assert CYRILLIC.search(str(meta.app_config.verbose_name)), meta.label
        assert CYRILLIC.search(str(meta.verbose_name_plural)), meta.label
