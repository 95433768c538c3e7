import pytest
from django.test import Client
from django.urls import reverse

from nmo.attestation.models import Attestation, Commission
from nmo.attestation.selectors import current_records, required_signers
from nmo.attestation.tests.factories import (
    all_present,
    build,
    decided,
    grade_all,
    person,
    specialty,
    vote_all,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seat_post(people_roles):
    data = {
        "seats-TOTAL_FORMS": str(len(people_roles)),
        "seats-INITIAL_FORMS": "0",
        "seats-MIN_NUM_FORMS": "1",
        "seats-MAX_NUM_FORMS": "30",
    }
    for index, (user, role) in enumerate(people_roles):
        data[f"seats-{index}-email"] = user.email
        data[f"seats-{index}-role"] = role
        data[f"seats-{index}-post"] = "Доцент"
    return data


@pytest.mark.clause("npc-4.3", "npc-4.8")
def test_the_study_department_forms_a_commission_on_its_page(npc):
    """The commissions page forms a commission from the order and the seats; a breach of
    the regulation is shown on the form (422) with its Russian message."""
    client = client_for(npc.staff)
    page = client.get(reverse("attestation:commission_create"))
    assert page.status_code == 200
    assert "Состав комиссии" in page.content.decode()
    people = [
        (person("Председателева"), "chair"),
        (person("Заместителев"), "deputy_chair"),
        (person("Секретарёва"), "secretary"),
    ]
    base = {
        "organisation": npc.organisation.pk,
        "specialty": specialty().pk,
        "title": "Комиссия по педиатрии",
        "order_number": "12",
        "order_date": "2026-09-01",
        "valid_from": "2026-09-01",
    }
    refused = client.post(reverse("attestation:commission_create"), {**base, **seat_post(people)})
    assert refused.status_code == 422
    assert "секретарь в это число не входит" in refused.content.decode()
    people.append((person("Членова"), "member"))
    created = client.post(reverse("attestation:commission_create"), {**base, **seat_post(people)})
    assert created.status_code == 302
    commission = Commission.objects.get()
    listing = client.get(reverse("attestation:commission_list")).content.decode()
    assert "Комиссия по педиатрии" in listing
    assert "Приказ директора № 12 от 01.09.2026" in listing
    assert (
        client.get(reverse("attestation:commission_edit", args=[commission.pk])).status_code == 200
    )


@pytest.mark.clause("npc-2.4", "npc-6.1")
def test_the_study_department_schedules_a_remote_attestation(npc):
    """The schedule page takes the commission, the date and the place; a remote
    attestation needs its videoconference link (npc-2.4, npc-6.1)."""
    setup = build("npc", schedule=False, org=npc)
    client = client_for(npc.staff)
    url = reverse("attestation:attestation_schedule", args=[setup.cohort.pk])
    assert "Итоговая аттестация группы" in client.get(url).content.decode()
    form = {"commission": setup.commission.pk, "held_on": "2026-10-16", "attempt": 1}
    refused = client.post(url, {**form, "place": "remote"})
    assert refused.status_code == 422
    assert "ссылку на двустороннюю видеоконференцию" in refused.content.decode()
    done = client.post(
        url, {**form, "place": "remote", "videoconference_url": "https://meet.example.ru/x"}
    )
    assert done.status_code == 302
    attestation = Attestation.objects.get()
    assert attestation.videoconference_url == "https://meet.example.ru/x"
    listing = client.get(reverse("attestation:attestation_list")).content.decode()
    assert "16.10.2026" in listing


@pytest.mark.clause("rgmu-3.2", "npc-3.3")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_grading_page_shows_the_programme_criteria(key):
    """The commission sees the programme's grade criteria when grading (rgmu-3.2; зачтено
    / не зачтено at НПЦ, npc-3.3) and the stages with their thresholds."""
    setup = build(key)
    page = client_for(setup.members[0]).get(setup.attestation.get_absolute_url()).content.decode()
    assert "Критерии оценки" in page
    if key == "rgmu":
        assert "Отлично" in page
        assert "полное освоение планируемых результатов" in page
        assert "отлично — от 90%, хорошо — от 80%, удовлетворительно — от 70%" in page
    else:
        assert "Зачтено" in page
        assert "не допустил ошибок" in page
        assert "зачтено — от 70% правильных ответов" in page
    assert '<th scope="col">Слушатель</th>' in page


@pytest.mark.clause("npc-4.11", "npc-3.2")
def test_the_commission_grades_votes_and_decides_on_its_page(npc):
    """On the grading page the secretary enters results and votes and the chair decides;
    the learner then sees stage grades, the final grade and the decision in the cabinet,
    the same day (npc-4.11) — before the decision, only a notice."""
    setup = build("npc", org=npc)
    all_present(setup)
    secretary = client_for(setup.secretary)
    learner = setup.results()[0].enrolment.learner
    learner_page = client_for(learner).get(reverse("attestation:learner_home")).content.decode()
    assert "Результаты будут опубликованы после решения комиссии" in learner_page
    stages = setup.stages()
    data = {}
    for result in setup.results():
        data[f"att_{result.pk}"] = "present"
        data[f"r{result.pk}_s{stages[0].pk}"] = "85"
        data[f"r{result.pk}_s{stages[1].pk}"] = "passed"
    saved = secretary.post(
        reverse("attestation:attestation_results", args=[setup.attestation.pk]), data
    )
    assert saved.status_code == 302
    voted = secretary.post(
        reverse("attestation:attestation_votes", args=[setup.attestation.pk]),
        {"learner": "all", "votes_for": 4, "votes_against": 0, "abstained": 0},
    )
    assert voted.status_code == 302
    chair = client_for(setup.chair)
    decided_page = chair.post(
        reverse("attestation:attestation_decide", args=[setup.attestation.pk]), follow=True
    ).content.decode()
    assert "Решение принято" in decided_page
    assert "Ведомость итоговой аттестации" in decided_page
    learner_page = client_for(learner).get(reverse("attestation:learner_home")).content.decode()
    assert "85% правильных ответов — зачтено" in learner_page
    assert "Итоговая оценка: <strong>зачтено</strong>" in learner_page
    assert "итоговая аттестация пройдена" in learner_page


def test_a_refusal_is_shown_on_the_page(npc):
    """A decision refused without the chair or the deputy shows the Russian message with
    the clause."""
    setup = build("npc", org=npc)
    all_present(setup, absent=[setup.chair.pk, setup.deputy.pk])
    grade_all(setup)
    vote_all(setup, votes_for=2, presiding_vote=None)
    page = client_for(setup.secretary).post(
        reverse("attestation:attestation_decide", args=[setup.attestation.pk]), follow=True
    )
    assert "п. 4.10 Положения НПЦ ДЗМ" in page.content.decode()


@pytest.mark.clause("npc-2.13")
def test_signatories_sign_on_the_page_and_download_the_files(npc):
    """Each signatory sees a "Подписать" button for the documents awaiting them; the PDF
    and the DOCX download."""
    setup = decided("npc", org=npc)
    [statement] = current_records(setup.attestation).filter(kind="attestation_statement")
    for signer in required_signers(setup.attestation):
        client = client_for(signer.seat.person)
        page = client.get(setup.attestation.get_absolute_url()).content.decode()
        assert "Подписать" in page
        response = client.post(
            reverse("attestation:document_sign", args=[setup.attestation.pk, statement.pk])
        )
        assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == "frozen"
    # The last signatory is told the record went to the archive, in its own gender.
    shown = client.get(response.url).content.decode()
    assert f"Подписано всеми: {statement} сдана в архив." in shown
    client = client_for(npc.staff)
    pdf = client.get(reverse("attestation:document_pdf", args=[setup.attestation.pk, statement.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(statement.pdf)
    docx = client.get(
        reverse("attestation:document_docx", args=[setup.attestation.pk, statement.pk])
    )
    assert docx.status_code == 200
    assert docx.content[:2] == b"PK"
    detail = client.get(statement.get_absolute_url()).content.decode()
    assert statement.pdf_sha256 in detail
    assert "Открыть исправление" in detail


def test_the_menu_shows_attestations_to_commission_members_and_results_to_learners(npc):
    """A person seated on a commission gets the "Аттестации" entry (the "commission"
    role); a learner gets "Моя аттестация"."""
    setup = build("npc", org=npc)
    member_page = client_for(setup.members[0]).get(reverse("attestation:attestation_list"))
    assert member_page.status_code == 200
    assert 'href="/attestation/"' in member_page.content.decode()
    learner = setup.results()[0].enrolment.learner
    home = client_for(learner).get(reverse("attestation:learner_home")).content.decode()
    assert "Моя аттестация" in home


def test_it_checks_access(npc, outsider, specialist):
    """Another organisation's staff and learners get 404 on an attestation; a person with
    no commission seat and no staff role gets 403 on the lists; a visitor is sent to log
    in; a learner sees only their own results."""
    setup = decided("npc", org=npc)
    url = setup.attestation.get_absolute_url()
    assert client_for(outsider).get(url).status_code == 404
    learner = setup.results()[0].enrolment.learner
    assert client_for(learner).get(url).status_code == 404
    assert client_for(specialist).get(reverse("attestation:attestation_list")).status_code == 403
    assert client_for(specialist).get(reverse("attestation:commission_list")).status_code == 403
    assert Client().get(url).status_code == 302
    assert Client().get(reverse("attestation:learner_home")).status_code == 302
    other = setup.results()[1].enrolment.learner.full_name
    home = client_for(learner).get(reverse("attestation:learner_home")).content.decode()
    assert other not in home
    assert (
        client_for(outsider)
        .get(reverse("attestation:commission_edit", args=[setup.commission.pk]))
        .status_code
        == 404
    )


def test_every_control_on_the_grading_page_has_its_own_id():
    """Each label on the grading page points at its own control: no two inputs share an
    id (the votes' and the remarks' learner selects used to)."""
    import re
    from collections import Counter

    setup = build("rgmu")
    page = client_for(setup.members[0]).get(setup.attestation.get_absolute_url()).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []
