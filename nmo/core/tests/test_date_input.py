"""Dates are typed and shown as ДД.ММ.ГГГГ whatever the browser's locale (issue 10): no form
uses <input type=date> (its display follows the browser: mm/dd/yyyy in English); each date
field is a text box with a numeric keyboard, a pattern and a visible format hint, and it
accepts ДД.ММ.ГГГГ and ISO."""

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats

import nmo
from nmo.core.forms import DateField, DateInput


class _Form(forms.Form):
    day = DateField(label="День", help_text="Любой день.")


@pytest.mark.parametrize("typed", ["05.10.2026", "5.10.2026", "2026-10-05", "05.10.26"])
def test_russian_and_iso_dates_are_accepted(typed):
    form = _Form({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2026, 10, 5)


@pytest.mark.parametrize("typed", ["10/05/2026", "31.02.2026", "завтра"])
def test_other_input_is_refused_naming_the_format(typed):
    form = _Form({"day": typed})
    assert not form.is_valid()
    assert form.errors["day"] == ["Введите дату в формате ДД.ММ.ГГГГ, например 05.10.2026."]


def test_the_widget_is_a_text_box_with_the_format_shown_and_tied_to_it():
    html = str(_Form(initial={"day": dt.date(2026, 10, 5)})["day"])
    assert 'type="text"' in html
    assert 'type="date"' not in html
    assert 'value="05.10.2026"' in html
    assert 'inputmode="numeric"' in html
    assert 'placeholder="ДД.ММ.ГГГГ"' in html
    assert 'aria-describedby="id_day_format' in html
    assert 'id="id_day_format">Формат: ДД.ММ.ГГГГ' in html


def test_dates_are_shown_as_dd_mm_yyyy_on_pages():
    assert formats.date_format(dt.date(2026, 10, 5)) == "05.10.2026"
    assert Template("{{ day }}").render(Context({"day": dt.date(2026, 10, 5)})) == "05.10.2026"


def _form_classes() -> list[type[forms.BaseForm]]:
    found: list[type[forms.BaseForm]] = []
    for module_info in pkgutil.walk_packages(nmo.__path__, "nmo."):
        name = module_info.name
        if not (name.endswith((".forms", ".views")) or ".forms." in name):
            continue
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == name:
                found.append(value)
    return found


def test_every_date_field_of_every_form_uses_the_russian_date_input():
    checked = 0
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(
                field.widget, forms.HiddenInput
            ):
                assert isinstance(field.widget, DateInput), f"{form_class.__name__}.{name}"
                assert field.widget.input_type == "text"
                checked += 1
    assert checked >= 20
