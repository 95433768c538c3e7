"""Demo accounts share a published password: with DEBUG off (production) `load_demo` and
`prepare`'s demo step refuse unless forced (ADR 0027); `make run` forces them."""

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from nmo.accounts.models import User
from nmo.demo.management.commands.load_demo import demo_allowed

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_with_debug_off_load_demo_refuses_and_creates_no_account(monkeypatch):
    monkeypatch.delenv("ALLOW_DEMO_DATA", raising=False)
    with pytest.raises(CommandError, match="DEBUG выключен"):
        call_command("load_demo")
    assert not User.objects.filter(email__endswith="@nmo.local").exists()


@override_settings(DEBUG=False)
def test_prepare_skips_the_demo_with_debug_off_and_says_why(monkeypatch):
    monkeypatch.delenv("ALLOW_DEMO_DATA", raising=False)
    out = StringIO()
    call_command("prepare", stdout=out)
    assert "Демонстрационные данные не загружены" in out.getvalue()
    assert not User.objects.filter(email__endswith="@nmo.local").exists()


def test_forcing_lets_the_demo_load_with_debug_off(monkeypatch, settings):
    settings.DEBUG = False
    monkeypatch.delenv("ALLOW_DEMO_DATA", raising=False)
    assert not demo_allowed()
    assert demo_allowed(force=True)
    monkeypatch.setenv("ALLOW_DEMO_DATA", "true")
    assert demo_allowed()
    settings.DEBUG = True
    monkeypatch.delenv("ALLOW_DEMO_DATA")
    assert demo_allowed()


def test_make_run_forces_the_demo_so_a_fresh_clone_still_shows_it():
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8418"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    before_prepare = planned.split("manage.py prepare", 1)[0].rsplit("\n\n", 1)[-1]
    assert "ALLOW_DEMO_DATA=${ALLOW_DEMO_DATA:-true}" in before_prepare
