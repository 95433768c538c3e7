"""Signing as a commission (issue 12 point 7, ADR 0115): each signer sees what awaits their
signature («На подпись», with its count in the menu), gets one letter per attestation
listing its documents, reads them and signs all of an attestation in one action, and sees
who else has signed. Unchanged: a record is frozen when its last signature is given."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from nmo.attestation import selectors, services
from nmo.attestation.exceptions import RecordNotSignable
from nmo.attestation.models import DocumentSignature
from nmo.attestation.selectors import current_records, pending_count, pending_ids, required_signers
from nmo.attestation.services.sign_requests import SUBJECT
from nmo.attestation.tests.factories import (
    LEARNER_NAMES,
    PASSWORD,
    Setup,
    all_present,
    build,
    decided,
    enrol_admitted,
    grade_all,
    make_cohort,
    make_commission,
    make_programme,
    person,
    schedule_for,
    seats_by_role,
    seats_for,
    vote_all,
)
from nmo.attestation.types import SeatData
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.regulations.types import CommissionRole

pytestmark = pytest.mark.django_db


def five_signers_three_documents(org, capture) -> Setup:
    """РостГМУ: a commission of a chair, three members and a secretary (five signers), a
    retraining cohort of two learners — two protocols and the commission's report, drawn
    up by the decision (rgmu-2.12), the letters captured after commit."""
    seats = list(seats_for("rgmu"))
    seats.insert(
        3,
        SeatData(person("Третьякова", "Дарья", "Павловна").pk, CommissionRole.MEMBER, "Ассистент"),
    )
    commission = make_commission(org, seats=tuple(seats))
    programme = make_programme(org)
    cohort = make_cohort(org, programme)
    enrolments = enrol_admitted(org, cohort, names=LEARNER_NAMES[:2])
    setup = Setup(org, commission, programme, cohort, enrolments, seats=seats_by_role(commission))
    setup.attestation = schedule_for(setup)
    all_present(setup)
    grade_all(setup)
    vote_all(setup)
    with capture(execute=True):
        services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    setup.attestation.refresh_from_db()
    return setup


def signers_of(setup):
    return [s.seat.person for s in required_signers(setup.attestation)]


def sign_all(setup, user):
    return services.sign_all_records(
        actor=user,
        attestation=setup.attestation,
        record_ids=pending_ids(user, setup.attestation),
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def five(rgmu, django_capture_on_commit_callbacks, mailoutbox):
    return five_signers_three_documents(rgmu, django_capture_on_commit_callbacks)


# --- the letters --------------------------------------------------------------------------


@pytest.mark.clause("rgmu-2.13")
def test_three_documents_for_five_signers_send_five_letters_listing_all_three(five, mailoutbox):
    """The decision draws up 2 protocols and the report (rgmu-2.12); each of the five
    signers (rgmu-2.13) gets exactly one letter, after commit, listing the three — not
    one letter per document — addressed in the dative and greeted by sex."""
    letters = [m for m in mailoutbox if m.subject == SUBJECT]
    signers = signers_of(five)
    assert len(signers) == 5
    assert sorted(m.to[0] for m in letters) == sorted(p.email for p in signers)
    for message in letters:
        body = message.body
        assert "Вашей подписи ждут 3 документа итоговой аттестации 16.10.2026" in body
        assert body.count("\n— ") == 3
        assert "Антонова Алла Борисовна" in body
        assert "Борисов Борис Викторович" in body
        assert "Отчёт комиссии" in body
        assert reverse("web:to_sign") in body
    by_address = {m.to[0]: m.body for m in letters}
    chair = by_address[five.chair.email]
    assert "Кому: Председателевой Ольге Ивановне, председателю итоговой аттестационной" in chair
    assert "Уважаемая Ольга Ивановна!" in chair
    member = by_address[next(p.email for p in signers if p.last_name == "Участников")]
    assert "Кому: Участникову Петру Ильичу, члену итоговой аттестационной комиссии" in member
    assert "Уважаемый Пётр Ильич!" in member
    secretary = by_address[five.secretary.email]
    assert "Кому: Секретарёвой Елене Олеговне, секретарю" in secretary


def test_a_new_version_asks_only_who_signed_the_old_one_in_one_letter(
    five, mailoutbox, django_capture_on_commit_callbacks
):
    """A protocol the chair signed becomes a new version when the diploma is recorded
    (ADR 0105): the chair gets one letter listing what awaits them — the new version with
    its reason among the rest; nobody else is written to."""
    protocol = next(d for d in current_records(five.attestation) if d.kind == "retraining_protocol")
    services.sign_record(actor=five.chair, record=protocol)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_diploma(
            actor=five.org.staff,
            learner_result=protocol.learner_result,
            series="12",
            number="0001",
            issued_on=five.attestation.held_on,
        )
    letters = [m for m in mailoutbox if m.subject == SUBJECT]
    assert [m.to for m in letters] == [[five.chair.email]]
    assert "версия 2 (причина: В п. 7 внесён выданный диплом" in letters[0].body
    assert "Вашей подписи ждут 3 документа" in letters[0].body


def test_a_letter_goes_only_if_the_transaction_commits(rgmu, mailoutbox):
    """Without the commit (the test's transaction never commits) nothing is sent."""
    decided("rgmu", org=rgmu)
    assert [m for m in mailoutbox if m.subject == SUBJECT] == []


# --- what awaits whom, and the count ------------------------------------------------------


def test_the_count_is_one_query_and_follows_the_signatures(five, django_assert_num_queries):
    for signer in signers_of(five):
        with django_assert_num_queries(1):
            assert pending_count(signer) == 3
    assert pending_count(five.org.staff) == 0
    services.sign_record(actor=five.chair, record=current_records(five.attestation)[0])
    assert pending_count(five.chair) == 2
    assert pending_count(five.secretary) == 3


@pytest.mark.clause("npc-2.13")
def test_what_awaits_a_seat_is_exactly_what_required_signers_names():
    """НПЦ, the chair absent, the deputy presiding (npc-4.10): the deputy (as presiding),
    the members who sat and the secretary have the statement and the meeting protocol to
    sign; the absent chair does not (npc-2.13) — the count's SQL agrees with
    `required_signers` seat by seat."""
    setup = build("npc")
    deputy_seat = setup.seats["deputy_chair"][0]
    all_present(setup, absent=(setup.chair.pk,), presiding=deputy_seat.pk)
    grade_all(setup)
    vote_all(setup, votes_for=3)
    services.decide_attestation(actor=setup.secretary, attestation=setup.attestation)
    setup.attestation.refresh_from_db()
    signing = {s.seat.person_id for s in required_signers(setup.attestation)}
    assert signing == {setup.deputy.pk, *(m.pk for m in setup.members), setup.secretary.pk}
    for group in setup.seats.values():
        for seat in group:
            expected = 2 if seat.person_id in signing else 0
            assert pending_count(seat.person) == expected, seat


def test_the_pending_list_groups_by_attestation_with_who_signed(five):
    services.sign_record(actor=five.chair, record=current_records(five.attestation)[0])
    [group] = selectors.pending_signatures(five.secretary)
    assert group.attestation == five.attestation
    assert len(group.records) == 3
    first = next(r for r in group.records if r.record.pk == current_records(five.attestation)[0].pk)
    assert [line.signer.seat.person for line in first.signed] == [five.chair]
    assert len(first.unsigned) == 4
    assert selectors.pending_signatures(five.org.staff) == []


# --- signing all at once ------------------------------------------------------------------


@pytest.mark.clause("rgmu-2.13")
def test_a_member_signs_all_three_in_one_action_each_audited(five):
    """A member who sat signs the two protocols and the report in one action (rgmu-2.13):
    three signatures, three `document.sign` lines, nothing left to sign."""
    member = five.members[0]
    done = sign_all(five, member)
    assert len(done.signed) == 3
    assert done.frozen == []
    assert pending_count(member) == 0
    assert AuditEntry.objects.filter(action="document.sign", actor=member).count() == 3
    seat = five.seat(member)
    assert DocumentSignature.objects.filter(seat=seat).count() == 3
    with pytest.raises(RecordNotSignable) as nothing:
        sign_all(five, member)
    assert nothing.value.code == "nothing_to_sign"


@pytest.mark.clause("rgmu-2.13")
def test_the_last_signature_freezes_each_document_as_before(five):
    """Four signers sign all; the fifth's «sign all» gives each record its last signature
    (rgmu-2.13):
    each is frozen once, in the same transaction — archive number, stored PDF, hash —
    exactly as `sign_record` freezes a record signed alone."""
    signers = signers_of(five)
    for signer in signers[:4]:
        assert sign_all(five, signer).frozen == []
    done = sign_all(five, signers[4])
    assert len(done.frozen) == 3
    records = list(current_records(five.attestation))
    assert {r.status for r in records} == {"frozen"}
    for record in records:
        assert record.signatures.count() == 5
        assert record.number is not None
        assert record.pdf_sha256
        assert bytes(record.pdf).startswith(b"%PDF")
        entries = AuditEntry.objects.filter(action="document.freeze", object_id=str(record.pk))
        assert entries.count() == 1
    assert sorted(r.number for r in records if r.kind == "retraining_protocol") == [1, 2]
    assert pending_count(signers[4]) == 0


def test_signing_all_signs_only_what_the_person_was_shown(five):
    """The versions shown are sent with the action: a list that changed since (here: one
    more id, one less) signs nothing."""
    ids = pending_ids(five.chair, five.attestation)
    for shown in (ids[:2], [*ids, 999_999]):
        with pytest.raises(RecordNotSignable) as refused:
            services.sign_all_records(
                actor=five.chair, attestation=five.attestation, record_ids=shown
            )
        assert refused.value.code == "pending_changed"
    assert DocumentSignature.objects.filter(document__attestation=five.attestation).count() == 0


def test_who_does_not_sign_is_refused(five, outsider):
    staff = five.org.staff
    with pytest.raises(PermissionDenied):
        services.sign_all_records(actor=staff, attestation=five.attestation, record_ids=[])
    with pytest.raises(NotFound):
        services.sign_all_records(actor=outsider, attestation=five.attestation, record_ids=[])


def test_a_member_absent_from_the_sitting_is_refused(rgmu):
    setup = build("rgmu", org=rgmu)
    absent = setup.members[0]
    all_present(setup, absent=(absent.pk,))
    grade_all(setup)
    vote_all(setup, votes_for=2)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    with pytest.raises(PermissionDenied):
        services.sign_all_records(actor=absent, attestation=setup.attestation, record_ids=[])
    assert pending_count(absent) == 0


# --- pages ----------------------------------------------------------------------------------


def _menu(html: str) -> str:
    nav = re.search(r'<nav class="[^"]*main-nav[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return nav.group(1)


def _text(fragment: str, between: str = " ") -> str:
    """The text of the HTML; `between` tags: "" for inline markup, " " between cells."""
    return " ".join(re.sub(r"<[^>]+>", between, fragment).split())


def test_the_menu_shows_the_count_in_the_links_text(five):
    member = five.members[0]
    client = client_for(member)
    menu = _menu(client.get(reverse("attestation:attestation_list")).content.decode())
    link = re.search(r'<a href="' + reverse("web:to_sign") + r'"([^>]*)>(.*?)</a>', menu, re.S)
    assert link is not None
    # The count is in the link's text: read as shown, «На подпись (3)».
    assert _text(link.group(2)) == "На подпись (3)"
    sign_all(five, member)
    menu = _menu(client.get(reverse("attestation:attestation_list")).content.decode())
    assert "На подпись</a>" in menu
    # Staff without a seat have nothing to sign and no such entry.
    staff_menu = _menu(client_for(five.org.staff).get(reverse("web:home")).content.decode())
    assert reverse("web:to_sign") not in staff_menu


def test_the_page_lists_documents_with_who_signed_and_signs_all(five):
    services.sign_record(actor=five.chair, record=current_records(five.attestation)[0])
    member = five.members[0]
    client = client_for(member)
    page = client.get(reverse("web:to_sign"))
    assert page.status_code == 200
    html = page.content.decode()
    text = _text(html)
    assert "Ждут вашей подписи: 3" in text
    assert "Председателева Ольга Ивановна, Начальник" in text
    assert "вы, Доцент" in text
    for record in current_records(five.attestation):
        assert reverse("attestation:document_pdf", args=[five.attestation.pk, record.pk]) in html
    ids = re.findall(r'name="record" value="(\d+)"', html)
    assert sorted(int(i) for i in ids) == pending_ids(member, five.attestation)
    response = client.post(
        reverse("attestation:attestation_sign_all", args=[five.attestation.pk]),
        {"record": ids, "back": "pending"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:to_sign")
    assert pending_count(member) == 0
    after = client.get(reverse("web:to_sign")).content.decode()
    assert "Ваша подпись поставлена: 3 документа." in after
    assert "Документов, ожидающих вашей подписи, нет." in after


def test_a_person_with_nothing_to_sign_sees_an_empty_list(five, django_user_model):
    nobody = django_user_model.objects.create_user(email="nobody@example.ru", password=PASSWORD)
    for user in (nobody, five.org.staff):
        page = client_for(user).get(reverse("web:to_sign"))
        assert page.status_code == 200
        assert "Документов, ожидающих вашей подписи, нет." in page.content.decode()


def test_sign_all_page_access(five, outsider):
    url = reverse("attestation:attestation_sign_all", args=[five.attestation.pk])
    ids = [str(i) for i in pending_ids(five.chair, five.attestation)]
    # Another organisation's attestation: 404, as if it did not exist.
    assert client_for(outsider).post(url, {"record": ids}).status_code == 404
    # The organisation's staff see the attestation but do not sign: 403.
    assert client_for(five.org.staff).post(url, {"record": ids}).status_code == 403
    # Without the CSRF token: refused.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(five.chair)
    assert strict.post(url, {"record": ids}).status_code == 403
    assert pending_count(five.chair) == 3
    # A changed list: nothing signed, told why.
    response = client_for(five.chair).post(url, {"record": ids[:1]}, follow=True)
    assert "Список документов, ожидающих вашей подписи, изменился" in response.content.decode()
    assert pending_count(five.chair) == 3
    assert client_for(five.chair).post(url, {"record": ["x"]}).status_code == 302


def test_the_attestation_page_offers_to_sign_all(five):
    client = client_for(five.secretary)
    url = five.attestation.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Подписать все документы, ожидающие моей подписи (3)" in html
    ids = re.findall(r'name="record" value="(\d+)"', html)
    response = client.post(
        reverse("attestation:attestation_sign_all", args=[five.attestation.pk]), {"record": ids}
    )
    assert response["Location"].startswith(url)
    assert "ожидающие моей подписи" not in client.get(url).content.decode()


def test_the_document_page_shows_who_signed_and_who_not_yet(five):
    record = current_records(five.attestation)[0]
    services.sign_record(actor=five.chair, record=record)
    html = client_for(five.secretary).get(record.get_absolute_url()).content.decode()
    text = _text(html)
    assert "Подписи: кто подписал и кто ещё нет" in text
    assert re.search(r"Председателева Ольга Ивановна Начальник .*? подписано \d\d\.\d\d", text)
    assert (
        "Секретарёва Елена Олеговна Методист Секретарь итоговой аттестационной комиссии "
        "ещё не подписано" in text
    )
    assert text.count("ещё не подписано") == 4
