"""The protocol of an appeal hearing on «На подпись» (issue 12 point 7, ADR 0115): every
participant of the hearing (npc-5.16) sees it among the documents awaiting their
signature, with its count in the menu and who else has signed, gets one letter when it is
drawn up, and signs it from that page; the last signature freezes it as before."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from nmo.appeals import services
from nmo.appeals.models import AppealProtocol
from nmo.appeals.selectors import protocols_to_sign, protocols_to_sign_count
from nmo.appeals.services.sign_requests import SUBJECT
from nmo.appeals.tests.factories import HELD_ON, appeal_setup, file_as_learner, heard, votes
from nmo.attestation.tests.factories import PASSWORD
from nmo.web.context_processors import extra_count, extra_roles

pytestmark = pytest.mark.django_db


def decide(s, *, absent=()):
    appeal = heard(s, file_as_learner(s, HELD_ON), absent=absent)
    return services.decide_appeal(
        actor=s.staff, appeal=appeal, resolution="rejected", votes=votes(appeal)
    )


@pytest.fixture
def npc_decided(django_capture_on_commit_callbacks, mailoutbox):
    """НПЦ: the hearing with one member absent, the decision taken, the letters sent."""
    s = appeal_setup("npc")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = decide(s, absent=[s.members[1]])
    return s, appeal


def client_for(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.clause("npc-5.16")
def test_each_participant_gets_one_letter_listing_the_protocol(npc_decided, mailoutbox):
    """npc-5.16: everyone present at the hearing signs the protocol — each of the four gets
    one letter, addressed in the dative, with the hearing's page and «На подпись»; the
    absent member gets none."""
    s, appeal = npc_decided
    protocol = AppealProtocol.objects.get(appeal=appeal)
    letters = {m.to[0]: m for m in mailoutbox if m.subject == SUBJECT}
    present = [s.chair, s.deputy, s.members[0], s.secretary]
    assert sorted(letters) == sorted(p.email for p in present)
    body = letters[s.members[0].email].body
    assert body.startswith(
        "Кому: Членову Антону Ильичу, члену апелляционной комиссии\n\nУважаемый Антон Ильич!"
    )
    assert "Вашей подписи ждёт 1 протокол заседания апелляционной комиссии." in body
    assert f"Протокол № {protocol.number} заседания апелляционной комиссии от 31.10.2025" in body
    assert appeal.get_absolute_url() in body
    assert reverse("web:to_sign") in body
    assert "Уважаемая Ирина Олеговна!" in letters[s.deputy.email].body
    assert "Кому: Заместителевой Ирине Олеговне, заместителю председателя" in (
        letters[s.deputy.email].body
    )


@pytest.mark.clause("npc-5.16")
def test_what_awaits_follows_the_signatures(npc_decided, django_assert_num_queries):
    """The protocol awaits each participant present until they sign it; the count is one
    query; the absent member, the staff and the appellant have nothing to sign."""
    s, appeal = npc_decided
    protocol = AppealProtocol.objects.get(appeal=appeal)
    present = [s.chair, s.deputy, s.members[0], s.secretary]
    for person in present:
        with django_assert_num_queries(1):
            assert protocols_to_sign_count(person) == 1
    for person in (s.members[1], s.staff, s.learner):
        assert protocols_to_sign_count(person) == 0
        assert protocols_to_sign(person) == []
    services.sign_protocol(actor=s.chair, protocol=protocol)
    assert protocols_to_sign_count(s.chair) == 0
    # The list, its signatures, attendance and seats: four queries however long it is.
    with django_assert_num_queries(4):
        [item] = protocols_to_sign(s.secretary)
    assert item.protocol.pk == protocol.pk
    assert [line.seat.person for line in item.signed] == [s.chair]
    assert [line.seat.person for line in item.unsigned] == [s.deputy, s.members[0], s.secretary]
    for person in (s.deputy, s.members[0], s.secretary):
        services.sign_protocol(actor=person, protocol=protocol)
    protocol.refresh_from_db()
    assert protocol.is_frozen
    assert all(protocols_to_sign_count(p) == 0 for p in present)


def test_the_menu_counts_the_protocol_within_a_bounded_number_of_queries(
    npc_decided, django_assert_num_queries
):
    """«На подпись (1)» for a member of the appeal commission who sits on no attestation
    commission; with the roles read (the menu reads them first), the count is one query —
    the attestation's count asks nothing of a person with no seat there."""
    s, _ = npc_decided
    member = s.members[0]
    extra_roles(member)
    with django_assert_num_queries(1):
        assert extra_count(member, "to_sign") == 1
    html = client_for(member).get(reverse("appeals:appeal_list")).content.decode()
    nav = re.search(r'<nav class="[^"]*main-nav[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    link = re.search(r'<a href="' + reverse("web:to_sign") + r'"[^>]*>(.*?)</a>', nav.group(1))
    assert link is not None
    assert _text(link.group(1)) == "На подпись (1)"


@pytest.mark.clause("npc-5.16")
def test_the_page_lists_the_protocol_with_who_signed_and_signs_it(npc_decided):
    """The page shows the protocol (a link to the hearing's page and its PDF), who has
    signed and who not; the button signs it and the page returns without it."""
    s, appeal = npc_decided
    protocol = AppealProtocol.objects.get(appeal=appeal)
    services.sign_protocol(actor=s.chair, protocol=protocol)
    client = client_for(s.secretary)
    html = client.get(reverse("web:to_sign")).content.decode()
    text = _text(html)
    assert "Протоколы, ждущие вашей подписи: 1" in text
    assert appeal.get_absolute_url() in html
    assert reverse("appeals:protocol_pdf", args=[appeal.pk]) in html
    assert f"{s.chair.full_name}, Заместитель директора (председатель" in text
    assert "вы, Методист" in text
    assert s.members[1].full_name not in text  # absent: does not sign
    url = reverse("web:sign_appeal_protocol", args=[appeal.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:to_sign")
    after = _text(client.get(reverse("web:to_sign")).content.decode())
    assert "Ваша подпись поставлена: Протокол № 1" in after
    assert "Документов, ожидающих вашей подписи, нет." in after
    assert protocol.signatures.filter(seat__person=s.secretary).exists()
    # Signed twice: told, nothing changes.
    again = client.post(url, follow=True)
    assert "Вы уже подписали протокол." in again.content.decode()
    # The last participants sign from the page: frozen.
    client_for(s.deputy).post(url)
    final = client_for(s.members[0]).post(url, follow=True)
    assert "сдан в архив" in final.content.decode()
    protocol.refresh_from_db()
    assert protocol.is_frozen


def test_signing_from_the_page_is_refused_to_those_who_do_not_sign(npc_decided):
    """The absent member is told why; the staff, who see the appeal but do not sign, get
    403; another organisation's person 404; the attestation's old address redirects."""
    s, appeal = npc_decided
    url = reverse("web:sign_appeal_protocol", args=[appeal.pk])
    absent = client_for(s.members[1]).post(url, follow=True)
    assert "вы не присутствовали на нём" in absent.content.decode()
    assert client_for(s.staff).post(url).status_code == 403
    other = appeal_setup("rgmu")
    assert client_for(other.staff).post(url).status_code == 404
    assert client_for(s.members[0]).get(url).status_code == 405
    old = client_for(s.members[0]).get(reverse("attestation:pending_signatures"))
    assert (old.status_code, old["Location"]) == (301, reverse("web:to_sign"))
