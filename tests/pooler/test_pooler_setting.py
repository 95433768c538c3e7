"""`DATABASE_POOLER` (ADR 0604): behind PgBouncer the settings turn off what transaction
pooling cannot keep; a misspelt value stops start-up instead of being ignored."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, django; from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps([db['OPTIONS'].get('prepare_threshold'), "
    "db.get('DISABLE_SERVER_SIDE_CURSORS', False)]))"
)


def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "postgres://nmo_app@127.0.0.1:6432/nmo",
        "DATABASE_OWNER_URL": "",  # the run's own (make test-pg) names another database
        "DATABASE_POOLER": "",
        "DATABASE_PREPARE_THRESHOLD": "5",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_pooler_the_hot_statement_is_prepared():
    done = settings_with()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [5, False]


def test_behind_pgbouncer_no_prepared_statements_and_no_server_side_cursors():
    done = settings_with(DATABASE_POOLER="pgbouncer")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [None, True]


def test_an_unknown_pooler_stops_start_up():
    done = settings_with(DATABASE_POOLER="pgpool")
    assert done.returncode != 0
    assert "DATABASE_POOLER must be empty or pgbouncer" in done.stderr
