"""The pages: «Мои тесты», the test with autosave and the server's timer, the
department's form, session and live progress with annulment, the protocol PDF."""

import io
from datetime import timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from nmo.attestation import services as attestation_services
from nmo.attestation.tests.factories import all_present, grade_all, vote_all
from nmo.printing.tests.pdf_checks import font_names
from nmo.testing import selectors
from nmo.testing.models import Answer, Attempt, AttemptGrant
from nmo.testing.tests.factories import (
    OPENS,
    grant_extra_time,
    make_testing,
    right_options,
    wrong_option,
)


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.mark.clause("npc-2.5")
def test_a_learner_takes_the_test_on_the_pages(db, client):
    """npc-2.5: the testing stage is taken in the learner's cabinet: «Мои тесты» starts
    it, the test page shows the server's seconds left, each answer is saved at once with
    «сохранено в HH:MM:SS», a reload continues the same attempt, the submission scores it
    into the attestation."""
    t = make_testing("npc")
    learner = t.learner()
    client.force_login(learner)
    with time_machine.travel(OPENS, tick=False):
        page = client.get("/testing/my/")
        assert "Начать тест" in page.content.decode()
        started = client.post(f"/testing/sessions/{t.session.pk}/start/")
        attempt = Attempt.objects.get(learner=learner)
        assert started.url == f"/testing/attempts/{attempt.pk}/"
    with time_machine.travel(OPENS + timedelta(seconds=75), tick=False):
        take = client.get(started.url).content.decode()
        assert 'data-remaining="1725"' in take
        assert "js/testing_take.js" in take
        assert "<script>" not in take
        questions = selectors.ticket_of(attempt)
        for n, q in enumerate(questions):
            options = right_options(q) if n < 8 else wrong_option(q)
            saved = client.post(
                f"/testing/attempts/{attempt.pk}/answers/{q['id']}/",
                {"option": options, "flagged": "1" if n == 0 else "0"},
            )
            assert saved.status_code == 200
            assert saved.json() == {"saved_at": "10:01:15", "remaining_seconds": 1725}
        assert Answer.objects.filter(attempt=attempt).count() == 10
        again = client.get(started.url).content.decode()
        assert "сохранено в 10:01:15" in again
        assert ", отмечен" in again
        client.post(f"/testing/sessions/{t.session.pk}/start/")
        assert Attempt.objects.filter(learner=learner).count() == 1
        done = client.post(f"/testing/attempts/{attempt.pk}/submit/", {"action": "submit"})
        assert done.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert str(attempt.percent) == "80.00"
    late = client.post(
        f"/testing/attempts/{attempt.pk}/answers/{questions[0]['id']}/", {"option": [1]}
    )
    assert late.status_code == 409
    assert late.json()["code"] == "attempt_closed"


@pytest.mark.clause("rgmu-7.4")
def test_my_tests_shows_the_learner_their_own_extended_limit(db, client):
    """«Мои тесты» shows the learner the limit that applies to them (rgmu-7.4): the form's
    30 minutes plus the 90 granted by special conditions, and the same on the test page's
    timer; a learner without a grant sees the form's limit only."""
    t = make_testing("rgmu")
    grant_extra_time(t, minutes=90)
    with time_machine.travel(OPENS, tick=False):
        client.force_login(t.learner(0))
        mine = client.get("/testing/my/").content.decode()
        assert "10 вопросов, 30 мин. + 90 мин. (особые условия), всего 120 мин.;" in mine
        started = client.post(f"/testing/sessions/{t.session.pk}/start/")
        assert 'data-remaining="7200"' in client.get(started.url).content.decode()
        mine = client.get("/testing/my/").content.decode()
        assert "30 мин. + 90 мин. (особые условия)" in mine
        client.force_login(t.learner(1))
        other = client.get("/testing/my/").content.decode()
    assert "10 вопросов, 30 мин.;" in other
    assert "особые условия" not in other


def test_without_the_script_the_form_saves_and_submits_every_answer(db, client):
    t = make_testing("npc")
    learner = t.learner()
    client.force_login(learner)
    with time_machine.travel(OPENS, tick=False):
        client.post(f"/testing/sessions/{t.session.pk}/start/")
        attempt = Attempt.objects.get(learner=learner)
        data = {f"q{q['id']}": right_options(q) for q in selectors.ticket_of(attempt)}
        client.post(f"/testing/attempts/{attempt.pk}/submit/", {**data, "action": "save"})
        assert Answer.objects.filter(attempt=attempt).count() == 10
        client.post(f"/testing/attempts/{attempt.pk}/submit/", {"action": "submit"})
    attempt.refresh_from_db()
    assert str(attempt.percent) == "100.00"


def test_the_department_defines_the_form_and_opens_the_session_on_pages(db, client):
    from nmo.attestation.tests.factories import build
    from nmo.testing.tests.factories import stage_of_testing, with_bank

    setup = build("rgmu")
    with_bank(setup)
    client.force_login(setup.org.staff)
    stage = stage_of_testing(setup)
    bad = client.post(
        f"/testing/stages/{stage.pk}/form/",
        {"question_count": 20, "time_limit_minutes": 30, "attempts_allowed": 1},
    )
    assert "12 тестовых заданий" in bad.content.decode()
    ok = client.post(
        f"/testing/stages/{stage.pk}/form/",
        {
            "question_count": 8,
            "time_limit_minutes": 30,
            "attempts_allowed": 1,
            "shuffle_options": "on",
            "blueprint": "Общие; 1; 6; 4\nНеотложные; 7; 12; 4",
        },
    )
    assert ok.status_code == 302
    page = f"/testing/attestations/{setup.attestation.pk}/"
    client.post(f"{page}sessions/", {"opens_at": "10:00", "closes_at": "12:00"})
    body = client.get(page).content.decode()
    assert "Сеанс 16.10.2026 10:00–12:00" in body
    assert "не начал" in body


def test_progress_annulment_and_the_protocol_for_the_commission_and_the_learner(db, client):
    """The department sees who started and who submitted, the commission reads the
    attempt's protocol (PDF) before it votes, the learner after the decision."""
    t = make_testing("rgmu")
    learner = t.learner()
    client.force_login(learner)
    with time_machine.travel(OPENS, tick=False):
        client.post(f"/testing/sessions/{t.session.pk}/start/")
        attempt = Attempt.objects.get(learner=learner)
        first = selectors.ticket_of(attempt)[0]
        client.post(
            f"/testing/attempts/{attempt.pk}/answers/{first['id']}/",
            {"option": right_options(first)},
        )
        client.force_login(t.staff)
        progress = client.get(f"/testing/sessions/{t.session.pk}/progress/").content.decode()
        assert "Идёт (попытка 1)" in progress
        assert "1 из 10" in progress
        assert "1800 с" in progress
        client.force_login(learner)
        client.post(f"/testing/attempts/{attempt.pk}/submit/", {"action": "submit"})
        assert client.get(f"/testing/attempts/{attempt.pk}/protocol.pdf").status_code == 404
        client.force_login(t.setup.chair)
        protocol = client.get(f"/testing/attempts/{attempt.pk}/protocol.pdf")
    assert protocol.status_code == 200
    # ADR 0029: a Russian name saying what the file is (RFC 5987's filename* in UTF-8) and
    # the file's metadata; Liberation Serif embedded.
    disposition = protocol["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == (
        f"Протокол тестирования — {learner.short_name} — "
        f"{timezone.localtime(attempt.started_at):%d.%m.%Y}.pdf"
    )
    info = PdfReader(io.BytesIO(protocol.content)).metadata
    assert info.title == f"Индивидуальный протокол тестирования — {learner.full_name}, попытка 1"
    assert info["/DocumentKind"] == "testing_protocol"
    assert any("Liberation-Serif" in name for name in font_names(protocol.content))
    text = pdf_text(protocol.content)
    assert "Индивидуальный протокол тестирования" in text
    assert learner.last_name in text
    assert t.setup.programme.title in text
    assert "10,00" in text
    assert "неудовлетворительно" in text
    assert "начало попытки" in text
    assert "ответ сохранён" in text
    assert "завершена слушателем" in text
    assert first["text"] in text
    # the learner reads it after the decision
    with time_machine.travel(OPENS + timedelta(hours=3), tick=False):
        all_present(t.setup)
        grade_all(t.setup, values={(attempt.learner_result_id, "testing"): 10})
        vote_all(t.setup)
        attestation_services.decide_attestation(
            actor=t.setup.chair, attestation=t.setup.attestation
        )
    client.force_login(learner)
    assert client.get(f"/testing/attempts/{attempt.pk}/protocol.pdf").status_code == 200
    assert "протокол попытки 1" in client.get("/testing/my/").content.decode()


def test_the_department_annuls_an_attempt_on_the_page(db, client):
    t = make_testing("npc")
    client.force_login(t.learner())
    with time_machine.travel(OPENS, tick=False):
        client.post(f"/testing/sessions/{t.session.pk}/start/")
        attempt = Attempt.objects.get(learner=t.learner())
        client.force_login(t.staff)
        client.post(
            f"/testing/attempts/{attempt.pk}/annul/", {"reason": "Подсказки соседа по аудитории"}
        )
    attempt.refresh_from_db()
    assert attempt.status == "annulled"
    client.force_login(t.learner(1))
    assert client.post(
        f"/testing/attempts/{attempt.pk}/annul/", {"reason": "x" * 20}
    ).status_code in (403, 404)


def test_reopening_the_test_page_is_logged_as_a_reconnection_in_the_protocol(db, client):
    """The first opening after the start logs nothing; a reload, a second tab or coming
    back after a lost connection is logged once per opening (the autosave is not), with
    the time left, and the protocol's event log shows it; reloads within 30 s of the last
    logged reconnection (a reload storm) are not logged again."""
    t = make_testing("npc")
    learner = t.learner()
    client.force_login(learner)
    with time_machine.travel(OPENS, tick=False):
        started = client.post(f"/testing/sessions/{t.session.pk}/start/")
        attempt = Attempt.objects.get(learner=learner)
        assert client.get(started.url).status_code == 200
    assert resumed(attempt) == 0
    with time_machine.travel(OPENS + timedelta(seconds=60), tick=False):
        assert client.get(started.url).status_code == 200
        question = selectors.ticket_of(attempt)[0]
        for _ in range(3):
            client.post(
                f"/testing/attempts/{attempt.pk}/answers/{question['id']}/",
                {"option": right_options(question)},
            )
        client.get(f"/testing/attempts/{attempt.pk}/state/")
    assert resumed(attempt) == 1
    for storm in (61, 70, 89):
        with time_machine.travel(OPENS + timedelta(seconds=storm), tick=False):
            assert client.get(started.url).status_code == 200
    assert resumed(attempt) == 1
    with time_machine.travel(OPENS + timedelta(seconds=125), tick=False):
        assert client.get(started.url).status_code == 200
        client.post(f"/testing/attempts/{attempt.pk}/submit/", {"action": "submit"})
    assert resumed(attempt) == 2
    client.force_login(t.setup.chair)
    text = pdf_text(client.get(f"/testing/attempts/{attempt.pk}/protocol.pdf").content)
    assert (
        "возобновление (повторный вход): повторное подключение, страница теста открыта снова; "
        "оставшееся время: 29 минут" in text
    )
    assert "оставшееся время: 27 минут 55 секунд" in text


def resumed(attempt) -> int:
    return selectors.events_of(attempt).filter(kind="resumed").count()


def test_after_the_session_closed_the_department_gives_a_new_attempt_on_the_pages(db, client):
    """An attempt annulled after the session has closed: the department gives a new one on
    the session's page (a technical fault, the window by default from now), the learner
    sees it in «Мои тесты», starts and submits attempt 2, and its score is the stage's
    result; a retake outside the regulation's months is refused with the rule's words."""
    from nmo.attestation.models import StageResult
    from nmo.testing.tests.factories import CLOSES

    t = make_testing("rgmu")
    learner, other = t.learner(0), t.learner(1)
    for person in (learner, other):
        client.force_login(person)
        with time_machine.travel(OPENS, tick=False):
            client.post(f"/testing/sessions/{t.session.pk}/start/")
            mine = Attempt.objects.get(learner=person)
            client.post(f"/testing/attempts/{mine.pk}/submit/", {"action": "submit"})
    first = Attempt.objects.get(learner=learner)
    theirs = Attempt.objects.get(learner=other)
    after = CLOSES + timedelta(hours=1)
    page = f"/testing/attestations/{t.setup.attestation.pk}/"
    client.force_login(t.staff)
    with time_machine.travel(after, tick=False):
        for each in (first, theirs):
            client.post(f"/testing/attempts/{each.pk}/annul/", {"reason": "Сбой сервера в 10:12"})
        body = client.get(page).content.decode()
        assert "Назначить новую попытку" in body
        granted = client.post(
            f"/testing/attempts/{first.pk}/grant/", {"basis": "technical"}, follow=True
        )
        body = granted.content.decode()
        assert "Новая попытка назначена: " in body
        assert (
            "Новая попытка назначена (технический сбой или иная уважительная причина): "
            "начать можно с " in body
        )
        refused = client.post(
            f"/testing/attempts/{theirs.pk}/grant/",
            {"basis": "retake", "opens_at": "2027-01-20T10:00", "closes_at": "2027-01-20T12:00"},
            follow=True,
        ).content.decode()
        assert not AttemptGrant.objects.filter(annulled_attempt=theirs).exists()
        assert "Укажите основание новой попытки" in refused
        client.force_login(learner)
        mine = client.get("/testing/my/").content.decode()
        assert "Назначена новая попытка (технический сбой или иная уважительная причина)" in mine
        assert "Начать тест" in mine
        started = client.post(f"/testing/sessions/{t.session.pk}/start/")
        second = Attempt.objects.get(learner=learner, number=2)
        assert started.url == f"/testing/attempts/{second.pk}/"
        for q in selectors.ticket_of(second):
            client.post(
                f"/testing/attempts/{second.pk}/answers/{q['id']}/", {"option": right_options(q)}
            )
        client.post(f"/testing/attempts/{second.pk}/submit/", {"action": "submit"})
        client.force_login(other)
        assert "Начать тест" not in client.get("/testing/my/").content.decode()
    second.refresh_from_db()
    assert second.status == "submitted"
    result = StageResult.objects.get(learner_result=second.learner_result)
    assert (result.percent, result.grade) == (second.percent, "excellent")
    client.force_login(t.setup.chair)
    text = pdf_text(client.get(f"/testing/attempts/{first.pk}/protocol.pdf").content)
    assert (
        "назначена новая попытка (технический сбой или иная уважительная причина): начать "
        "можно с 16.10.2026" in text
    )
