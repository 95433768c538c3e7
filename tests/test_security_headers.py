"""HTTPS headers and the Content-Security-Policy (ADR 0027): `check --deploy` is clean with
the production settings of docs/deploy.md, and the pages keep no inline script or style,
so the policy (on in the test settings too, enforced) breaks none of them."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "docs" / "deploy.md"


def documented_production_env() -> dict[str, str]:
    """The `/etc/nmo.env` block of docs/deploy.md, placeholders filled in."""
    text = DEPLOY.read_text(encoding="utf-8")
    block = text.split("`/etc/nmo.env`", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    env = {}
    for line in block.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, value = line.split("=", 1)
        env[name.strip()] = re.sub(r"<[^>]*>", lambda _: secrets.token_urlsafe(40), value)
    return env


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    production = documented_production_env()
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD"):
        assert name in production, f"docs/deploy.md sets {name}"
    production["MEDIA_ROOT"] = str(tmp_path / "media")
    clean = {k: v for k, v in os.environ.items() if k not in production}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    # Set by the browser tests for their live server in this same process; never in production.
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **production, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


@pytest.mark.django_db
def test_every_page_is_sent_with_an_enforced_policy_without_inline_code(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        ([*part.split(" ", 1), ""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "Content-Security-Policy-Report-Only" not in response.headers


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\""
)


def test_no_page_template_has_an_inline_script_style_or_handler():
    """Print templates (printing/, */print/) become PDFs, never pages: they keep their CSS."""
    offenders = []
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("nmo/*/templates/**/*.html")]:
        relative = template.relative_to(ROOT).as_posix()
        if "/printing/" in relative or "/print/" in relative:
            continue
        if INLINE.search(template.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert offenders == []
