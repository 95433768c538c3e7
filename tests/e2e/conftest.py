"""Browser-test plumbing: Debian's Chromium, driven by Playwright, against pytest-django's
live_server.

Playwright's sync API keeps an asyncio loop running in the main thread, which makes Django refuse
ORM calls there (SynchronousOnlyOperation) — including pytest-django's own database set-up and
flush. Hence DJANGO_ALLOW_ASYNC_UNSAFE, set here and nowhere else (microsoft/playwright-pytest#29).
"""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
E2E_DIR = Path(__file__).resolve().parent
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
# Generous on a loaded 2-core machine; a passing step does not wait for it.
TIMEOUT_MS = 15_000

_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


def _unavailable(reason: str) -> None:
    """A missing tool fails the run in CI (CI=true) and skips the test on a developer's machine."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} in CI")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so that `page` knows at teardown whether it failed."""
    report = yield
    item.stash.setdefault(_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium missing in CI")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Page]:
    """A fresh browser context per test, speaking Russian, with relative URLs on the live server."""
    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(
        locale="ru-RU", viewport={"width": 1280, "height": 900}, base_url=str(live_server)
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # The Content-Security-Policy is enforced in the test settings (ADR 0027): whatever it
    # blocks on a page (a script, a style, an image) fails the test that opened the page.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    reports = request.node.stash.get(_reports, {})
    if any(report.failed for report in reports.values()):
        target = request.config.rootpath / "test-results"
        target.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.\-\[\]]+", "_", request.node.name)
        page.screenshot(path=str(target / f"{name}.png"), full_page=True)
    context.close()
    assert blocked == [], "the Content-Security-Policy blocked something on a page"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser bundle, installed from tests/e2e/package-lock.json on first use."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed, so axe-core cannot be installed")
        command = [npm, "ci", "--prefix", str(E2E_DIR), "--no-audit", "--no-fund"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
        if done.returncode != 0 or not AXE_JS.exists():
            _unavailable(f"`npm ci` for axe-core failed:\n{done.stdout}\n{done.stderr}")
    return AXE_JS.read_text(encoding="utf-8")
