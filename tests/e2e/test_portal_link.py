"""Two real servers (faq-sync-why, faq-sync-once, faq-activate-where; ADR 0501): the
product started twice — a cycle portal (127.0.0.1:8841) and a credit portal
(localhost:8842, another host so the browser keeps two sessions), each with its own
SQLite database, the cycle portal with its task worker. In Chromium the specialist links
the accounts from «Личные сведения» (signs in on the credit portal and consents), is sent
by the cycle portal to the credit portal to activate a code, and sees the credit in the
cycle portal's cabinet after the background synchronisation; then the cycle portal's
worker is killed with SIGKILL while it brings over 1,000 more credits, and started again:
every record arrives once."""

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
# Ports: NMO_E2E_PORTAL_PORTS="<cycles>,<credits>" lets a helper run it in its own range.
CYCLES_PORT, CREDITS_PORT = (
    int(p) for p in os.environ.get("NMO_E2E_PORTAL_PORTS", "8841,8842").split(",")
)
CYCLES = f"http://127.0.0.1:{CYCLES_PORT}"
CREDITS = f"http://localhost:{CREDITS_PORT}"
CLIENT_ID = "cycle-portal"
SECRET = "e2e-client-secret-0123456789abcdefghij"
EMAIL = "ivanova@example.ru"
PASSWORD = "Надёжный-пароль-2026"

SETUP_CREDIT_PORTAL = f"""
from nmo.accounts.services import Registration, register_specialist
from nmo.codes.tests.factories import accredited_event, issued_codes, provider_staff
register_specialist(data=Registration(email="{EMAIL}", password="{PASSWORD}",
    last_name="Иванова", first_name="Мария", middle_name="Петровна",
    snils="112-233-445 95", personal_data_consent=True))
staff = provider_staff("provider@example.ru", "Общество кардиологов")
event = accredited_event(submitted_by=staff)
print(issued_codes(staff, event, 1)[0].value)
"""
RECORDS = 1000
# The credit portal posts 1,000 more credits to the specialist (webinars of the provider).
MORE_CREDITS = f"""
import datetime as dt
from nmo.accounts.models import User
from nmo.catalog.models import Activity, Specialty
from nmo.cycles.models import CreditEntry, CreditKind, CreditSource
specialist = User.objects.get(email="{EMAIL}")
first = Activity.objects.filter(status="accredited").order_by("pk").first()
clones = []
for n in range({RECORDS}):
    clone = Activity.objects.get(pk=first.pk)
    clone.pk = None
    clone.title = f"Вебинар № {{n + 1}}"
    clones.append(clone)
specialty = Specialty.objects.get(code="31.08.36")
CreditEntry.objects.bulk_create(
    CreditEntry(specialist=specialist, activity=a, specialty=specialty,
        source=CreditSource.CODE, kind=CreditKind.EVENT, hours=1,
        occurred_on=dt.date(2025, 3, 12))
    for a in Activity.objects.bulk_create(clones))
"""
SETUP_CYCLE_PORTAL = f"""
from nmo.accounts.services import Registration, register_specialist
register_specialist(data=Registration(email="{EMAIL}", password="{PASSWORD}",
    last_name="Иванова", first_name="Мария", middle_name="Петровна",
    snils="112-233-445 95", personal_data_consent=True))
"""


def _env(database: Path, roles: str, other: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        # The PostgreSQL run's owner, replica and pooler belong to the suite's database.
        "DATABASE_OWNER_URL": "",
        "REPLICA_DATABASE_URL": "",
        "DATABASE_POOLER": "",
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": f"e2e-{roles}",
        "TASKS_BACKEND": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "NMO_PORTAL_ROLES": roles,
        "NMO_OTHER_PORTAL_URL": other,
        "NMO_SYNC_CLIENT_ID": CLIENT_ID,
        "NMO_SYNC_CLIENT_SECRET": SECRET,
        "NMO_SYNC_INTERVAL_SECONDS": "3",
        # Pages of ten: the kill below lands in the middle of the 1,000 records.
        "NMO_SYNC_BATCH_SIZE": "10",
        "PYTHONWARNINGS": "ignore",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=sys.stderr,
    )


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/", timeout=5):  # noqa: S310 - our server
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within 90 s")


@dataclass
class Portals:
    """The two running portals: the code to activate on the credit portal, the cycle
    portal's environment and database, and the processes (the worker last)."""

    code: str
    cycles_env: dict[str, str]
    credits_env: dict[str, str]
    cycles_db: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self) -> None:
        self.processes.append(
            _start(self.cycles_env, "run_worker", "--queue-name", "*", "--interval", "0.5")
        )

    def kill_worker(self) -> None:
        worker = self.processes[-1]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def synced(self) -> tuple[int, int]:
        """Credits brought over by synchronisation on the cycle portal: rows, distinct
        source records (read straight from its database, as the worker commits them)."""
        with sqlite3.connect(f"file:{self.cycles_db}?mode=ro", uri=True, timeout=30) as db:
            rows, distinct = db.execute(
                "SELECT count(*), count(DISTINCT source_id) FROM cycles_creditentry "
                "WHERE source = 'sync'"
            ).fetchone()
        return int(rows), int(distinct)


@pytest.fixture(scope="module")
def two_portals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portals]:
    """Both portals running, the cycle portal with its task worker."""
    folder = tmp_path_factory.mktemp("portals")
    cycles_db, credits_db = folder / "cycles.sqlite3", folder / "credits.sqlite3"
    cycles_env = _env(cycles_db, "cycles", CREDITS)
    credits_env = _env(credits_db, "credits", CYCLES)
    _manage(cycles_env, "migrate", "--verbosity", "0")
    _manage(cycles_env, "load_directories")
    shutil.copy(cycles_db, credits_db)  # one migration run for both databases
    _manage(cycles_env, "shell", "-c", SETUP_CYCLE_PORTAL)
    code = _manage(credits_env, "shell", "-c", SETUP_CREDIT_PORTAL).strip().splitlines()[-1]
    _manage(credits_env, "sync_client")
    portals = Portals(code, cycles_env, credits_env, cycles_db)
    portals.processes += [
        _start(cycles_env, "runserver", f"127.0.0.1:{CYCLES_PORT}", "--noreload"),
        _start(credits_env, "runserver", f"127.0.0.1:{CREDITS_PORT}", "--noreload"),
    ]
    portals.start_worker()
    try:
        _wait_for(CYCLES)
        _wait_for(CREDITS)
        yield portals
    finally:
        for process in portals.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in portals.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)
    yield context.new_page()
    context.close()


def _sign_in(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Вход")
    page.get_by_label("Электронная почта").fill(EMAIL)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


@pytest.mark.clause("faq-sync-why", "faq-sync-once", "faq-activate-where")
def test_link_activate_on_the_credit_portal_see_the_credit_on_the_cycle_portal(
    two_portals: Portals, tab: Page
) -> None:
    """faq-sync-once: linked once from «Личные сведения» through the real consent of the
    credit portal (another server, another database). faq-activate-where: the cycle
    portal sends the specialist to the credit portal to activate a code. faq-sync-why:
    the credit appears in the cycle portal's cabinet after the worker's synchronisation.
    Then 1,000 more credits are posted on the credit portal; the cycle portal's worker is
    killed with SIGKILL in the middle of bringing them over and started again: every
    record is there once, none lost, and the cabinet says the synchronisation is over."""
    page = tab
    page.goto(CYCLES + "/accounts/login/")
    _sign_in(page)
    page.goto(CYCLES + "/accounts/profile/")
    page.get_by_role("button", name="Связать с порталом учёта кредитов").click()

    # On the credit portal: sign in there, then consent.
    expect(page).to_have_url(re.compile("^" + re.escape(CREDITS) + "/"))
    _sign_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Связать аккаунты порталов?")
    page.get_by_role("button", name="Разрешить").click()

    # Back on the cycle portal, linked; the first synchronisation has nothing to bring.
    expect(page).to_have_url(f"{CYCLES}/accounts/profile/#sync")
    expect(page.get_by_text("Аккаунты связаны")).to_be_visible()
    page.goto(CYCLES + "/accounts/profile/")
    expect(page.locator("#sync").locator("..")).to_contain_text("Связан аккаунт")

    # The cycle portal does not take codes: it links to the credit portal's form.
    page.goto(CYCLES + "/codes/activate/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Коды активируются на портале учёта кредитов"
    )
    page.get_by_role("link", name="Перейти к активации кода на портале учёта кредитов").click()
    expect(page).to_have_url(f"{CREDITS}/codes/activate/")
    page.get_by_label("Индивидуальный код подтверждения (ИКП)").fill(two_portals.code)
    page.get_by_role("button", name="Активировать").click()
    expect(page.get_by_role("status")).to_contain_text("активирован")

    # The next background run (periodic, every 3 s here) brings the credit over.
    deadline = time.monotonic() + 90
    while True:
        page.goto(CYCLES + "/cabinet/")
        if "Актуальные вопросы кардиологии" in page.content():
            break
        assert time.monotonic() < deadline, "the credit did not reach the cycle portal"
        time.sleep(2)
    expect(page.get_by_text("перенесено с портала учёта кредитов").first).to_be_visible()
    expect(page.get_by_text("Синхронизация завершена")).to_be_visible()

    # 1,000 more credits on the credit portal; the worker dies in the middle of them.
    _manage(two_portals.credits_env, "shell", "-c", MORE_CREDITS)
    deadline = time.monotonic() + 120
    while two_portals.synced()[0] < 100:
        assert time.monotonic() < deadline, "the synchronisation of 1,000 did not start"
        time.sleep(0.05)
    two_portals.kill_worker()
    at_kill, distinct = two_portals.synced()
    assert at_kill < 1 + RECORDS, "finished before the kill: nothing proven"
    assert distinct == at_kill

    # A new worker; the dead run is taken up again and ends with each record once.
    _manage(two_portals.cycles_env, "sync_links", "--stale-after", "0")
    two_portals.start_worker()
    deadline = time.monotonic() + 300
    while two_portals.synced()[0] < 1 + RECORDS:
        assert time.monotonic() < deadline, "the synchronisation did not finish"
        time.sleep(0.5)
    time.sleep(2)  # whatever a duplicate would need to arrive
    assert two_portals.synced() == (1 + RECORDS, 1 + RECORDS)
    page.goto(CYCLES + "/cabinet/")
    expect(page.get_by_text("Синхронизация завершена")).to_be_visible()
    expect(page.get_by_text("Вебинар № 1000").first).to_be_attached()
