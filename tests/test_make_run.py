"""`make run` serves the product as production does (ADR 0013)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SECRET_KEY, s.STORAGES['staticfiles']['BACKEND'], s.EMAIL_BACKEND)"
)


def settings_under(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_takes_the_generated_key_from_its_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("k" * 50 + "\n")
    shown = settings_under({"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY_FILE": str(key_file)})
    assert shown.returncode == 0, shown.stderr
    debug, key, storage, mail = shown.stdout.split()
    assert (debug, key) == ("False", "k" * 50)
    assert storage == "config.static_storage.StaticStorage"
    assert mail == "nmo.core.mail.EmlFileBackend"

    refused = settings_under({"DJANGO_DEBUG": "false"})
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY" in refused.stderr


def test_make_run_starts_gunicorn_and_the_worker_with_debug_off():
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8417"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "manage.py prepare --static" in planned
    assert "DJANGO_DEBUG=false" in planned
    assert "TASKS_BACKEND=${TASKS_BACKEND:-database}" in planned
    assert "manage.py run_worker" in planned
    assert "gunicorn config.wsgi --bind 127.0.0.1:8417" in planned
    assert "runserver" not in planned
    dev = subprocess.run(
        ["make", "-n", "dev"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "runserver" in dev
