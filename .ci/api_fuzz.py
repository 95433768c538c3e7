"""`make test-api`: schemathesis against a live server on PostgreSQL, every operation of
/api/v1/openapi.json, anonymously and as each role (ADR 0026).

A throwaway database is created and prepared (migrations, directories, demo data), gunicorn
serves it on a free port with DEBUG off, each demo account of a role gets a token, and
schemathesis runs with the checks not_a_server_error, status_code_conformance and
response_schema_conformance. Destructive operations are fine: the database is dropped at
the start of the next run.

Environment: API_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/nmo_api),
API_PORT (default a free one), API_MAX_EXAMPLES (per operation in the fuzzing phase,
default 10), API_SEED,
API_COVERAGE_ROLES (the roles that also run the coverage phase, default
anonymous,organisation_staff), API_ROLES (a comma-separated subset of the names below,
default all).
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
DATABASE_URL = os.environ.get("API_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nmo_api")
MAX_EXAMPLES = os.environ.get("API_MAX_EXAMPLES", "10")
SEED = os.environ.get("API_SEED", "20261204")
# The coverage phase (every boundary and wrong type of every parameter) costs four times
# the fuzzing phase: it runs anonymously and as the role with the most operations; every
# role runs the fuzzing phase. The stateful phase finds no links in this schema, and the
# examples phase has no examples to send.
COVERAGE_ROLES = os.environ.get("API_COVERAGE_ROLES", "anonymous,organisation_staff").split(",")
DEMO_PASSWORD = "demo-nmo-2026"  # noqa: S105 - the published demo password (nmo/demo/data.py)
# One demo account per role; "anonymous" runs without a token.
ROLES = {
    "anonymous": None,
    "specialist": "specialist@nmo.local",
    "provider": "provider@nmo.local",
    "accreditation_expert": "expert@nmo.local",
    "organisation_staff": "npc-staff@nmo.local",
    "organisation_admin": "npc-admin@nmo.local",
    "commission": "npc-chair@nmo.local",
    "admin": "admin@nmo.local",
}
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"


def recreate_database() -> None:
    import psycopg

    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request_json(url: str, body: dict[str, str]) -> dict[str, str]:
    data = json.dumps(body).encode()
    req = urllib.request.Request(  # noqa: S310 - a local URL
        url, data=data, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
        return dict(json.load(response))


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("the server stopped before answering")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5):  # noqa: S310
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    sys.exit("the server did not answer within 5 minutes")


def main() -> int:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    env.pop("DJANGO_DEBUG", None)
    started = time.monotonic()
    recreate_database()
    prepare = [BIN / "python", "manage.py", "prepare", "--static"]
    subprocess.run(prepare, cwd=ROOT, env=env, check=True)  # noqa: S603
    port = int(os.environ.get("API_PORT", "0")) or free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {
        **env,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL_FALLBACK": base,
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "TASKS_BACKEND": "immediate",
    }
    log_path = ROOT / "reports" / "api-server.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("wb")
    server = subprocess.Popen(  # noqa: S603
        [
            *(BIN / "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"),
            *("--timeout", "120", "--log-level", "warning", "--preload"),
            # No request-line limit: a generated query string of several kilobytes reaches
            # the API's own validation (its 422 is what is tested) instead of gunicorn's
            # 414, a transport limit that nginx sets in production (docs/deploy.md).
            *("--limit-request-line", "0"),
        ],
        cwd=ROOT,
        env=server_env,
        stdout=log,
        stderr=log,
    )
    failed: list[str] = []
    try:
        wait_until_up(base, server)
        wanted = [r for r in os.environ.get("API_ROLES", ",".join(ROLES)).split(",") if r]
        tokens = {
            role: request_json(
                f"{base}/api/v1/auth/token", {"email": email, "password": DEMO_PASSWORD}
            )["token"]
            for role, email in ROLES.items()
            if email and role in wanted
        }
        print(f"== schemathesis: server and demo data ready in {time.monotonic() - started:.0f} s")
        for role in wanted:
            command = [
                str(BIN / "schemathesis"),
                "run",
                f"{base}/api/v1/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                MAX_EXAMPLES,
                "--seed",
                SEED,
                "--phases",
                "coverage,fuzzing" if role in COVERAGE_ROLES else "fuzzing",
                "--workers",
                "2",
                "--request-timeout",
                "60",
                "--no-shrink",
                "--suppress-health-check",
                "all",
                "--warnings",
                "off",
            ]
            if role in tokens:
                # Logging out would spend the token the rest of the run needs.
                command += ["-H", f"Authorization: Bearer {tokens[role]}"]
                command += ["--exclude-path", "/api/v1/auth/token"]
            began = time.monotonic()
            print(f"== schemathesis as {role}", flush=True)
            result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603
            print(f"== {role}: exit {result.returncode}, {time.monotonic() - began:.0f} s")
            if result.returncode != 0:
                failed.append(role)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    print(f"== schemathesis: {time.monotonic() - started:.0f} s in all")
    if failed:
        print("schemathesis found failures as: " + ", ".join(failed))
        print(f"the server's log: {log_path}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
