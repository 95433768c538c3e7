"""The appeal commission reads the testing system's individual protocol of the appealed
attempt (rgmu-app4 lists it among an appeal's documents): the learner sits the online
test and fails, appeals, and a member of the appeal commission — who sits on no
attestation commission — opens the protocol from the hearing page."""

import io
from datetime import date
from decimal import Decimal
from urllib.parse import unquote

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from nmo.appeals import services as appeals_services
from nmo.appeals.selectors import appeal_documents
from nmo.appeals.tests.factories import (
    AppealSetup,
    file_as_learner,
    on,
    teacher,
    with_commission,
)
from nmo.attestation import services as attestation_services
from nmo.attestation.tests.factories import HELD_ON, all_present, grade_all, vote_all
from nmo.regulations.types import AppealDocument, StageKind
from nmo.testing import selectors as testing_selectors
from nmo.testing import services as testing_services
from nmo.testing.tests.factories import OPENS, make_testing, right_options, wrong_option
from nmo.workcalendar.services import seed_calendar

pytestmark = pytest.mark.django_db


def failed_online(key: str) -> tuple[AppealSetup, object]:
    """An attestation whose first learner answered 3 of 10 test questions right online,
    then was graded, voted and decided on the day."""
    seed_calendar(first_year=HELD_ON.year, last_year=HELD_ON.year + 1)
    t = make_testing(key)
    learner = t.learner(0)
    with time_machine.travel(OPENS, tick=True):
        attempt, _ = testing_services.start_attempt(actor=learner, session=t.session)
        for n, question in enumerate(testing_selectors.ticket_of(attempt)):
            testing_services.save_answer(
                actor=learner,
                attempt_id=attempt.pk,
                question_id=question["id"],
                options=right_options(question) if n < 3 else wrong_option(question),
            )
        testing_services.submit_attempt(actor=learner, attempt_id=attempt.pk)
    setup = t.setup
    all_present(setup)
    failed = next(r for r in setup.results() if r.enrolment.learner_id == learner.pk)
    grade_all(setup, values={(failed.pk, StageKind.TESTING): Decimal("30")})
    vote_all(setup)
    with on(HELD_ON):
        attestation_services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    results = {r.pk: r for r in setup.results()}
    org = setup.org.organisation
    s = AppealSetup(
        attestation=setup,
        failed=results[failed.pk],
        passed=next(r for pk, r in results.items() if pk != failed.pk),
        chair=teacher(org, "Апелляционная", "Вера", "Павловна"),
        deputy=teacher(org, "Заместителева", "Ирина", "Олеговна"),
        members=[
            teacher(org, "Членов", "Антон", "Ильич"),
            teacher(org, "Членова", "Дарья", "Юрьевна"),
        ],
        secretary=teacher(org, "Секретарь", "Олег", "Петрович"),
    )
    if key == "npc":  # НПЦ's standing commission, by the director's order for 2026 (npc-5.3)
        appeals_services.form_appeal_commission(
            actor=s.staff,
            organisation=s.org.organisation,
            data=s.commission_data(date(2026, 1, 12)),
        )
    return s, attempt


@pytest.mark.clause("rgmu-app4")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_appeal_commission_opens_the_attempt_protocol_of_the_appealed_result(key):
    """rgmu-app4: among the appeal's documents is the individual protocol of the learner's
    test attempt; a member of the appeal commission downloads it from the hearing page
    and reads the learner's score in it; another attempt's id is a 404, and the
    learner does not get the commission's copy."""
    s, attempt = failed_online(key)
    appeal = with_commission(s, file_as_learner(s, HELD_ON))
    protocols = [d for d in appeal_documents(appeal) if d.kind == AppealDocument.TESTING_PROTOCOL]
    assert [d.title for d in protocols] == ["Индивидуальный протокол тестирования, попытка 1"]

    member = Client()
    member.force_login(s.members[0])
    page = member.get(appeal.get_absolute_url()).content.decode()
    assert "Индивидуальный протокол тестирования, попытка 1" in page
    assert protocols[0].url in page
    response = member.get(protocols[0].url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # ADR 0029: a Russian name saying what the file is, RFC 5987's filename* in UTF-8.
    encoded = response["Content-Disposition"].split("filename*=UTF-8''")[1]
    started = timezone.localtime(attempt.started_at)
    assert unquote(encoded) == (
        f"Протокол тестирования — {s.learner.short_name} — {started:%d.%m.%Y}.pdf"
    )
    text = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert s.learner.last_name in text
    assert "30" in text  # the share of right answers the commission checks

    foreign = protocols[0].url.replace(
        f"/attempts/{attempt.pk}.pdf", f"/attempts/{attempt.pk + 999}.pdf"
    )
    assert member.get(foreign).status_code == 404
    learner = Client()
    learner.force_login(s.learner)
    assert learner.get(protocols[0].url).status_code in (403, 404)
