"""Hours reach the cycle (issue 15, point 3; ADR 0118): a qualification document issued
for a programme books the programme's hours in the learner's ledger, a revocation reverses
them, a duplicate books them again on the new document, and the organisation's API report
of the same document never books them twice."""

import re
from datetime import date

import pytest

from nmo.catalog.models import Specialty
from nmo.cycles.models import CreditEntry
from nmo.cycles.services import book_document_hours, enter_cycle
from nmo.cycles.tests import factories as cycle_factories
from nmo.documents.exceptions import DocumentAlreadyIssued
from nmo.documents.services import issue_document, revoke_document
from nmo.documents.tests.factories import (
    ISSUED_ON,
    PASSWORD,
    enrol,
    issue,
    make_cohort,
    make_programme,
)
from nmo.documents.types import DocumentKind, RevocationGround
from nmo.regulations.types import ProgrammeKind

pytestmark = pytest.mark.django_db

CABINET = "/cabinet/"


def _programme(org, *, hours=108, remote=60, codes=(cycle_factories.CARDIOLOGY,), **kw):
    programme = make_programme(org, hours=hours, **kw)
    programme.remote_share_percent = remote
    programme.save(update_fields=["remote_share_percent"])
    programme.specialties.set([cycle_factories.specialty(code) for code in codes])
    return programme


def _enrolment(org, learner, **kw):
    return enrol(make_cohort(org, _programme(org, **kw)), learner)


def _cycle(specialist, code=cycle_factories.CARDIOLOGY, starts_on=date(2025, 3, 1)):
    cycle_factories.specialty(code)
    return enter_cycle(specialist=specialist, specialty_code=code, starts_on=starts_on)


def _live(specialist):
    return CreditEntry.objects.filter(specialist=specialist, kind="programme")


def _cabinet(client, specialist) -> str:
    client.force_login(specialist)
    response = client.get(CABINET)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.clause("faq-cycle-hours", "faq-portal-cycles")
def test_an_issued_certificate_brings_the_programmes_hours_to_the_cycle(rgmu, specialist, client):
    """An удостоверение о ПК for a 108 h programme, 60 % remote, issued to a specialist
    with a cardiology cycle: the ledger gets 108 h with 64 h remote (60 % of 108 = 64.8,
    rounded down), dated on the document's date, for cardiology, linked to the document;
    the cabinet shows «108 из 108 ч», the share condition met, and the link to the
    document's public check page, which opens (faq-cycle-hours, the 108 h part)."""
    _cycle(specialist)
    enrolment = _enrolment(rgmu, specialist, title="Кардиология")
    document = issue(rgmu, enrolment)

    [entry] = _live(specialist)
    assert (entry.hours, entry.remote_hours) == (108, 64)
    assert entry.occurred_on == document.issued_on == ISSUED_ON
    assert entry.specialty.code == cycle_factories.CARDIOLOGY
    assert entry.document_id == document.pk
    assert entry.reference == document.display_number
    assert entry.organisation_id == rgmu.organisation.pk
    assert entry.programme_title == "Кардиология"

    html = _cabinet(client, specialist)
    assert 'aria-valuetext="108 из 108 ч"' in html
    assert "64 из 108 ч (59%)" in html
    assert "✓ условие выполнено" in html
    assert entry.document_url == f"/documents/verify/{document.verification_token}/"
    assert f'href="{entry.document_url}"' in html
    assert "Проверить документ о квалификации" in html
    assert client.get(entry.document_url).status_code == 200


@pytest.mark.clause("faq-cycle-hours")
@pytest.mark.parametrize(
    ("remote", "remote_hours", "verdict"),
    [(30, 32, "условие пока не выполнено"), (60, 64, "✓ условие выполнено")],
)
def test_the_distance_condition_is_computed_from_the_real_hours(
    rgmu, specialist, client, remote, remote_hours, verdict
):
    """A programme with 30 % distance learning leaves the ≥ 50 % condition unmet (32 of
    108 h); one with 60 % meets it (64 of 108 h) — from the hours the document booked
    (faq-cycle-hours)."""
    _cycle(specialist)
    issue(rgmu, _enrolment(rgmu, specialist, remote=remote))
    html = _cabinet(client, specialist)
    assert f"<strong>{remote_hours} из 108 ч" in html
    assert verdict in html


@pytest.mark.clause("faq-cycle-hours", "faq-portal-cycles")
def test_issued_before_the_cycle_the_hours_appear_when_the_cycle_is_entered(
    rgmu, specialist, client
):
    """A learner with no cycle gets the hours booked all the same; entering a cycle that
    covers the document's date later shows them there, since a cycle counts the entries
    of its specialty and dates (faq-portal-cycles)."""
    issue(rgmu, _enrolment(rgmu, specialist))
    assert _live(specialist).count() == 1
    html = _cabinet(client, specialist)
    assert "Проверить документ о квалификации" in html  # the history has it already

    _cycle(specialist)
    assert 'aria-valuetext="108 из 108 ч"' in _cabinet(client, specialist)


def test_a_cycle_that_starts_after_the_document_does_not_count_it(rgmu, specialist, client):
    """The hours count in the cycle that covers the document's date, not in a later one."""
    issue(rgmu, _enrolment(rgmu, specialist))
    _cycle(specialist, starts_on=date(2026, 4, 1))
    assert 'aria-valuetext="0 из 108 ч"' in _cabinet(client, specialist)


def test_of_several_specialties_the_one_of_the_learners_cycle_is_chosen(rgmu, specialist):
    """A programme for cardiology and therapy, a learner with a therapy cycle: the hours
    go to therapy (the specialty of the cycle covering the date, ADR 0118)."""
    _cycle(specialist, cycle_factories.THERAPY)
    enrolment = _enrolment(
        rgmu, specialist, codes=(cycle_factories.CARDIOLOGY, cycle_factories.THERAPY)
    )
    issue(rgmu, enrolment)
    [entry] = _live(specialist)
    assert entry.specialty.code == cycle_factories.THERAPY


def test_without_a_cycle_several_specialties_go_to_the_first_by_name(rgmu, specialist):
    """No cycle yet: the first of the programme's specialties by name, deterministic."""
    codes = (cycle_factories.CARDIOLOGY, cycle_factories.THERAPY)
    issue(rgmu, _enrolment(rgmu, specialist, codes=codes))
    [entry] = _live(specialist)
    first = Specialty.objects.filter(code__in=codes).order_by("name").first()
    assert entry.specialty == first


def test_issuing_twice_or_retrying_never_books_twice(rgmu, specialist):
    """A second issue is refused and a retried booking of the same document returns the
    entry booked first: one entry, 108 h."""
    enrolment = _enrolment(rgmu, specialist)
    document = issue(rgmu, enrolment)
    with pytest.raises(DocumentAlreadyIssued):
        issue(rgmu, enrolment)
    [entry] = _live(specialist)
    again = book_document_hours(
        actor=rgmu.staff,
        specialist=specialist,
        organisation=rgmu.organisation,
        specialty_ids=[entry.specialty_id],
        programme_title=document.programme_title,
        hours=document.hours,
        remote_share_percent=60,
        completed_on=document.issued_on,
        document_number=document.display_number,
        document_id=document.pk,
        document_url=entry.document_url,
    )
    assert again == entry
    assert _live(specialist).count() == 1


@pytest.mark.clause("faq-cycle-hours")
def test_a_revocation_reverses_and_a_duplicate_books_once_on_the_new_document(
    rgmu, specialist, client
):
    """Revoking the certificate writes a reversing entry (the cycle is back at 0); the
    duplicate issued in its place books the hours again, on the new document, dated on
    the original's date: 108 h once, the link leads to the duplicate."""
    _cycle(specialist)
    enrolment = _enrolment(rgmu, specialist)
    original = issue(rgmu, enrolment)
    revoke_document(
        actor=rgmu.staff,
        document=original,
        reason="Утрата удостоверения, заявление",
        ground=RevocationGround.LOST,
    )
    [booked, reversal] = _live(specialist).order_by("id")
    assert reversal.reverses_id == booked.pk
    assert (reversal.hours, reversal.remote_hours) == (-108, -64)
    assert "аннулирован" in reversal.reason
    assert 'aria-valuetext="0 из 108 ч"' in _cabinet(client, specialist)

    duplicate = issue(rgmu, enrolment, issued_on=date(2026, 5, 20))
    assert duplicate.replaces_id == original.pk
    entries = list(_live(specialist).order_by("id"))
    assert len(entries) == 3
    new = entries[-1]
    assert (new.document_id, new.hours, new.occurred_on) == (duplicate.pk, 108, ISSUED_ON)
    assert sum(e.hours for e in entries) == 108
    html = _cabinet(client, specialist)
    assert 'aria-valuetext="108 из 108 ч"' in html
    assert f"/documents/verify/{duplicate.verification_token}/" in html

    # Revoking twice is refused by the documents app; the reversal stays single.
    assert CreditEntry.objects.filter(reverses=booked).count() == 1


def test_a_training_record_or_a_programme_without_specialties_books_nothing(rgmu, specialist):
    """A справка об обучении attests no completed programme; a programme with no
    specialty has no cycle to go to: neither writes a ledger entry."""
    enrolment = _enrolment(rgmu, specialist)
    issue(rgmu, enrolment, kind=DocumentKind.TRAINING_RECORD)
    other = enrol(make_cohort(rgmu, make_programme(rgmu, hours=72)), specialist)
    issue(rgmu, other)
    assert not _live(specialist).exists()


@pytest.mark.clause("faq-cycle-hours", "faq-portal-cycles")
def test_the_api_report_of_a_document_issued_here_does_not_double(
    rgmu, specialist, api_client, token_for
):
    """The organisation issues the certificate here and its own system then reports the
    same document by the API, its number written its own way: 200 with the entry booked
    by the issue, no second entry (faq-cycle-hours)."""
    cycle = _cycle(specialist)
    document = issue(rgmu, _enrolment(rgmu, specialist))
    [entry] = _live(specialist)
    number = re.sub(r"[^0-9A-ZА-Я]+", " ", f"{document.series} {document.number:06d}")
    response = api_client.post(
        "/api/v1/programme-completions",
        {
            "snils": specialist.snils,
            "programme_title": document.programme_title,
            "specialty": cycle_factories.CARDIOLOGY,
            "hours": 108,
            "remote_hours": 64,
            "completed_on": document.issued_on.isoformat(),
            "document_number": number,
        },
        content_type="application/json",
        **token_for(rgmu.staff, PASSWORD),
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"id": entry.pk, "cycle_id": cycle.pk}
    assert _live(specialist).count() == 1


def test_an_api_report_first_and_the_issue_here_later_do_not_double(
    rgmu, specialist, api_client, token_for
):
    """The other order: the organisation's system reports a number, then the document with
    that number is issued here (a reserved register entry, ADR 0110): the issue finds the
    reported entry and books nothing more."""
    from nmo.documents.services import reserve_register_entry

    enrolment = _enrolment(rgmu, specialist)
    kind = DocumentKind.QUALIFICATION_CERTIFICATE
    entry = reserve_register_entry(
        actor=rgmu.staff, enrolment=enrolment, kind=kind, issued_on=ISSUED_ON
    )
    response = api_client.post(
        "/api/v1/programme-completions",
        {
            "snils": specialist.snils,
            "programme_title": "Неотложная помощь детям",
            "specialty": cycle_factories.CARDIOLOGY,
            "hours": 108,
            "remote_hours": 64,
            "completed_on": ISSUED_ON.isoformat(),
            "document_number": f"{entry.series}{entry.number}",
        },
        content_type="application/json",
        **token_for(rgmu.staff, PASSWORD),
    )
    assert response.status_code == 201, response.content
    issue_document(actor=rgmu.staff, enrolment=enrolment, kind=kind, issued_on=ISSUED_ON)
    assert _live(specialist).count() == 1


def test_a_retraining_diploma_books_its_hours_too(rgmu, specialist):
    """A диплом о ПП (the РостГМУ preset issues both kinds) books like an удостоверение."""
    enrolment = _enrolment(
        rgmu, specialist, hours=504, remote=50, kind=ProgrammeKind.PROFESSIONAL_RETRAINING
    )
    issue(rgmu, enrolment)
    [entry] = _live(specialist)
    assert (entry.hours, entry.remote_hours) == (504, 252)
