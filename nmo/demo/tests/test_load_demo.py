"""The demo as a newcomer opens it: each role signs in with the demo password and finds the
product at work. The demo is loaded once for the module (in a transaction rolled back at
its end); each test runs in its own savepoint inside it."""

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings

from nmo.accounts.models import Organisation, User
from nmo.accounts.services import add_user
from nmo.core.models import AuditEntry
from nmo.core.services import send_email_after_commit
from nmo.demo.data import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    MORE_ACCOUNTS,
    NPC,
    ROSTGMU,
    DemoSummary,
    load_demo,
    quiet_delivery,
)
from nmo.documents.models import QualificationDocument
from nmo.documents.selectors import documents_of_organisation
from nmo.regulations.selectors import current_version
from nmo.regulations.types import PresetCode

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[DemoSummary]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo()
        yield summary
        transaction.set_rollback(True)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    html = re.sub(r"(?s)<(script|style|head|select)\b.*?</\1>", " ", response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def signed_in(email: str) -> Client:
    """A browser that signed in on the login page with the demo password."""
    client = Client()
    response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def test_every_demo_account_signs_in_and_each_organisation_works_under_its_preset(demo):
    for account in DEMO_ACCOUNTS + MORE_ACCOUNTS:
        assert User.objects.get(email=account.email).check_password(DEMO_PASSWORD), account.email
    assert current_version(Organisation.objects.get(name=NPC)).regulation.preset_code == (
        PresetCode.NPC_DZM
    )
    assert current_version(Organisation.objects.get(name=ROSTGMU)).regulation.preset_code == (
        PresetCode.ROSTGMU
    )
    assert signed_in("npc-chair@nmo.local").get("/attestation/").status_code == 200


def test_loading_again_changes_nothing(demo):
    """A second `load_demo` adds, changes and audits nothing (every table keeps its rows)."""
    assert demo.accounts == len(DEMO_ACCOUNTS + MORE_ACCOUNTS)
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    before = {m._meta.label: m._default_manager.count() for m in models}
    audit = list(AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)[:1])
    passwords = dict(User.objects.values_list("email", "password"))

    again = load_demo()

    assert {m._meta.label: m._default_manager.count() for m in models} == before
    assert list(AuditEntry.objects.order_by("-pk").values_list("pk", flat=True)[:1]) == audit
    assert dict(User.objects.values_list("email", "password")) == passwords
    assert (again.accounts, again.activities, again.cohorts, again.documents) == (0, 0, 0, 0)


def test_the_catalogue_lists_hundreds_of_accredited_events_and_modules(demo):
    page = _text(Client().get("/catalogue/"))
    total = int(re.search(r"Найдено: (\d+)", page).group(1))  # type: ignore[union-attr]
    assert total >= 200
    modules = _text(Client().get("/catalogue/", {"kind": "module"}))
    assert int(re.search(r"Найдено: (\d+)", modules).group(1)) >= 50  # type: ignore[union-attr]
    cardiology = _text(Client().get("/catalogue/", {"specialty": "31.08.36"}))
    assert "Российский национальный конгресс кардиологов" in cardiology


def test_the_specialist_sees_credits_of_every_kind_a_plan_and_the_report(demo):
    client = signed_in("specialist@nmo.local")
    page = _text(client.get("/cabinet/"))
    assert "Кардиология" in page
    for source in ("Активация ИКП", "Электронный модуль", "Решение провайдера по обращению"):
        assert source in page
    assert "36 из 108 ч" in page  # the programme hours recorded by РостГМУ
    assert "План обучения: выполнено 1 из 4" in page
    report = re.search(r'href="([^"]*report\.pdf)"', client.get("/cabinet/").content.decode())
    assert report is not None
    assert client.get(report.group(1)).status_code == 200


def test_the_specialist_has_applied_for_a_programme_and_the_organisation_sees_it(demo):
    """The cardiologist applied from the catalogue with her educational certificate: her
    applications page and РостГМУ's «Заявки» both show it, waiting (faq-join-steps)."""
    mine = _text(signed_in("specialist@nmo.local").get("/programmes/my/applications/"))
    assert "Функциональная диагностика в кардиологии" in mine
    assert "подана" in mine
    staff = _text(signed_in("rostgmu-staff@nmo.local").get("/programmes/applications/"))
    assert "Иванова Мария Петровна" in staff
    assert "образовательный сертификат" in staff


def test_the_provider_has_activities_in_every_status_codes_and_an_open_support_request(demo):
    client = signed_in("provider@nmo.local")
    activities = _text(client.get("/catalogue/my/"))
    for status in ("Подана на оценку", "Аккредитована", "Отклонена"):
        assert status in activities
    support = _text(client.get("/codes/support/"))
    assert "Иванова Мария Петровна" in support
    assert "На рассмотрении" in support


def test_the_expert_has_a_queue_of_applications(demo):
    queue = _text(signed_in("expert@nmo.local").get("/catalogue/review/"))
    assert "Школа по кардиоонкологии" in queue
    assert "Лёгочная гипертензия: маршрутизация пациента" in queue


@pytest.mark.parametrize("staff", ["npc-staff@nmo.local", "rostgmu-staff@nmo.local"])
def test_staff_see_a_cohort_mid_way_and_one_attested_today(demo, staff):
    page = _text(signed_in(staff).get("/programmes/cohorts/"))
    assert page.count("группа ") >= 2
    assert "/1" in page
    assert "/2" in page
    attestations = _text(signed_in(staff).get("/attestation/"))
    assert "Решение комиссии принято" in attestations


@pytest.mark.parametrize("learner", ["npc-retake@nmo.local", "rostgmu-retake@nmo.local"])
def test_a_learner_sees_the_decision_taken_today_and_may_apply_for_a_retake(demo, learner):
    page = _text(signed_in(learner).get("/attestation/my/"))
    assert "Решение комиссии: итоговая аттестация не пройдена" in page
    assert "Повторная итоговая аттестация" in page


@pytest.mark.parametrize("learner", ["npc-learner@nmo.local", "rostgmu-learner@nmo.local"])
def test_a_learner_who_passed_holds_a_valid_document(demo, learner):
    page = _text(signed_in(learner).get("/documents/my/"))
    assert "действителен" in page


@pytest.mark.parametrize("organisation", [NPC, ROSTGMU])
def test_the_revoked_document_shows_as_revoked_on_its_verification_page(demo, organisation):
    revoked = documents_of_organisation(Organisation.objects.get(name=organisation)).filter(
        status="revoked"
    )
    assert revoked.count() == 1
    document: QualificationDocument = revoked.get()
    page = _text(Client().get(f"/documents/verify/{document.verification_token}/"))
    assert "Документ аннулирован" in page


@pytest.mark.parametrize("staff", ["npc-staff@nmo.local", "rostgmu-staff@nmo.local"])
def test_the_frdo_file_of_the_demo_downloads(demo, staff):
    """The demo's learners carry what ФИС ФРДО asks (ADR 0114): the staff's FRDO file for
    this year downloads, the revoked document marked exchanged, its re-issue a duplicate."""
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    client = signed_in(staff)
    year = timezone.localdate().year
    check = _text(client.get("/documents/register/frdo-check/", {"year": year}))
    assert "Все сведения на месте" in check
    response = client.get("/documents/register/frdo.xlsx", {"year": year})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # streamed from a file (ADR 0607)
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].values)
    statuses = {(row[1], row[3]) for row in rows[1:]}
    assert ("Дубликат", "Нет") in statuses
    assert ("Оригинал", "Да") in statuses


def test_e_mails_sent_while_loading_are_neither_printed_nor_queued(
    capsys, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"),
        quiet_delivery(),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_email_after_commit(to=["someone@nmo.local"], subject="Тема", body="Текст письма")
    assert "Текст письма" not in capsys.readouterr().out
    assert mail.outbox == []


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
def test_a_demo_password_hashed_cheaply_signs_in_and_gets_a_full_cost_hash():
    with quiet_delivery():
        add_user(email="new-demo@nmo.local", password=DEMO_PASSWORD, role="specialist")
    user = User.objects.get(email="new-demo@nmo.local")
    assert user.password.startswith("pbkdf2_sha256$1000$")
    assert signed_in("new-demo@nmo.local")
    user.refresh_from_db()
    assert not user.password.startswith("pbkdf2_sha256$1000$")
    assert user.check_password(DEMO_PASSWORD)
