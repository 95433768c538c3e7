"""The commission's sheet: the special conditions granted to disabled learners (rgmu-7.2,
rgmu-7.4) and the videoconference record of each learner (npc-6.1, rgmu-6.1); the
Jitsi room offered by default when scheduling."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nmo.attestation import services
from nmo.attestation.exceptions import ResultInvalid
from nmo.attestation.models import VideoconferenceCheck
from nmo.attestation.tests.factories import build
from nmo.attestation.types import ConnectionDecision, ConnectionOutcome, Place
from nmo.core.exceptions import NotFound
from nmo.core.models import AuditEntry
from nmo.programmes import services as programme_services
from nmo.programmes.models import ProgrammeStage, SpecialConditionsApplication
from nmo.programmes.types import SpecialConditionsGrant, SpecialConditionsRequest

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FEATURES = "Слабовидящая, I группа инвалидности"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grant_conditions(setup, enrolment):
    """A paper application recorded by staff before the deadline, then granted."""
    application = programme_services.file_special_conditions(
        actor=setup.org.staff,
        enrolment=enrolment,
        request=SpecialConditionsRequest(
            needs_assistant=True,
            extra_time_written=True,
            extra_time_oral=True,
            technical_means="Программа экранного доступа NVDA",
            individual_features=FEATURES,
        ),
        filed_on=date(2026, 6, 1),
        documents=[SimpleUploadedFile("справка МСЭ.pdf", PDF, "application/pdf")],
    )
    return programme_services.grant_special_conditions(
        actor=setup.org.staff,
        application=application,
        grant=SpecialConditionsGrant(
            assistant=True,
            written_minutes=90,
            oral_minutes=20,
            technical_means="Программа экранного доступа NVDA",
        ),
    )


@pytest.mark.clause("rgmu-7.2", "rgmu-7.4")
def test_the_commission_sheet_shows_the_assistant_the_means_and_the_extensions(rgmu):
    """The commission's sheet shows, for the learner granted special conditions, the
    assistant, the technical means and each stage's extended time — a written test
    +90 minutes, an oral answer's preparation +20 (rgmu-7.2, rgmu-7.4) — read from the
    enrolment, nobody retypes them. The medical features and documents are not shown to
    the commission, and a commission member asking for a document gets 404."""
    setup = build("rgmu")
    ProgrammeStage.objects.filter(programme=setup.programme, kind="interview").update(mode="oral")
    disabled = setup.enrolments[0]
    application = grant_conditions(setup, disabled)
    page = client_for(setup.secretary).get(
        reverse("attestation:attestation_detail", args=[setup.attestation.pk])
    )
    assert page.status_code == 200
    html = page.content.decode()
    section = html[html.index('id="special-conditions"') :]
    section = section[: section.index("</table>")]
    assert disabled.learner.full_name in section
    assert "присутствует ассистент" in section
    assert "Программа экранного доступа NVDA" in section
    assert "150 мин. — на 90 мин. дольше" in section  # testing, 60 minutes, written
    assert "80 мин. — на 20 мин. дольше подготовка к устному ответу" in section  # interview
    for other in setup.enrolments[1:]:
        assert other.learner.full_name not in section
    assert FEATURES not in html
    assert "special-conditions/" not in html
    document = application.documents.get()
    url = reverse("programmes:special_conditions_document", args=[application.pk, document.pk])
    for person in (setup.secretary, setup.chair, setup.members[0]):
        assert client_for(person).get(url).status_code == 404
    assert client_for(setup.org.staff).get(url).status_code == 200


@pytest.mark.clause("rgmu-7.2")
def test_a_learner_without_conditions_has_no_section(rgmu):
    """No granted conditions, no section on the sheet (rgmu-7.2): a filed application is
    not yet a condition."""
    setup = build("rgmu")
    programme_services.file_special_conditions(
        actor=setup.org.staff,
        enrolment=setup.enrolments[0],
        request=SpecialConditionsRequest(needs_assistant=True),
        filed_on=date(2026, 6, 1),
    )
    page = client_for(setup.chair).get(
        reverse("attestation:attestation_detail", args=[setup.attestation.pk])
    )
    assert 'id="special-conditions"' not in page.content.decode()
    assert SpecialConditionsApplication.objects.get().status == "filed"


def remote(key: str):
    return build(key, place=Place.REMOTE, videoconference_url="https://meet.jit.si/nmo-test")


@pytest.mark.clause("npc-6.1", "rgmu-6.1")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_commission_records_that_both_sides_see_and_hear_each_other(key):
    """In a videoconference attestation the learner and the commission must see and hear
    each other (npc-6.1, rgmu-6.1): the sheet records it for each learner, or the
    interruption with what happened and the decision (continue or reschedule); every
    entry is audited and shown on the sheet."""
    setup = remote(key)
    first, second = setup.results()[:2]
    services.record_videoconference_check(
        actor=setup.secretary, learner_result=first, outcome=ConnectionOutcome.CONFIRMED
    )
    with pytest.raises(ResultInvalid) as refused:
        services.record_videoconference_check(
            actor=setup.secretary, learner_result=second, outcome=ConnectionOutcome.INTERRUPTED
        )
    assert set(refused.value.errors) == {"decision", "note"}
    services.record_videoconference_check(
        actor=setup.secretary,
        learner_result=second,
        outcome=ConnectionOutcome.INTERRUPTED,
        decision=ConnectionDecision.RESCHEDULE,
        note="Связь пропала на 10-й минуте собеседования, восстановить не удалось",
        stage=setup.stages()[-1],
    )
    assert VideoconferenceCheck.objects.count() == 2
    entries = AuditEntry.objects.filter(action="attestation.videoconference")
    assert sorted(e.changes["outcome"] for e in entries) == ["confirmed", "interrupted"]
    html = client_for(setup.chair).get(setup.attestation.get_absolute_url()).content.decode()
    section = html[html.index('id="videoconference"') :]
    assert "слушатель и комиссия видят и слышат друг друга" in section
    assert "связь прервалась — перенести аттестацию слушателя" in section
    assert "Связь пропала на 10-й минуте" in section


@pytest.mark.clause("npc-6.1")
def test_the_record_is_made_on_the_page(npc):
    """The secretary records the connection on the sheet's form (npc-6.1); a bad form is
    answered with the messages, not a 500."""
    setup = remote("npc")
    result = setup.results()[0]
    client = client_for(setup.secretary)
    url = reverse("attestation:attestation_videoconference", args=[setup.attestation.pk])
    page = client.get(setup.attestation.get_absolute_url()).content.decode()
    assert 'for="id_vc-note"' in page
    bad = client.post(url, {"vc-learner": str(result.pk), "vc-outcome": "nonsense"})
    assert bad.status_code == 422
    done = client.post(url, {"vc-learner": str(result.pk), "vc-outcome": "confirmed"})
    assert done.status_code == 302
    assert VideoconferenceCheck.objects.get().recorded_by == setup.secretary


def test_an_attestation_in_person_has_no_videoconference_record(npc, outsider):
    """An attestation held in person has no videoconference record; a stranger cannot
    record anything (NotFound)."""
    setup = build("npc")
    result = setup.results()[0]
    with pytest.raises(ResultInvalid):
        services.record_videoconference_check(
            actor=setup.org.staff, learner_result=result, outcome=ConnectionOutcome.CONFIRMED
        )
    html = client_for(setup.chair).get(setup.attestation.get_absolute_url()).content.decode()
    assert 'id="videoconference"' not in html
    remote_setup = remote("rgmu")
    with pytest.raises(NotFound):
        services.record_videoconference_check(
            actor=outsider,
            learner_result=remote_setup.results()[0],
            outcome=ConnectionOutcome.CONFIRMED,
        )


@pytest.mark.clause("npc-6.1", "rgmu-6.1")
def test_scheduling_offers_an_unguessable_jitsi_room_from_the_setting(rgmu, settings):
    """Scheduling offers a Jitsi Meet room under JITSI_BASE_URL with an unguessable name
    (npc-6.1, rgmu-6.1); the department may keep it or give any https link."""
    setup = build("rgmu", schedule=False)
    settings.JITSI_BASE_URL = "https://jitsi.rostgmu.example.ru/"
    url = reverse("attestation:attestation_schedule", args=[setup.cohort.pk])
    client = client_for(setup.org.staff)
    rooms = set()
    for _ in range(2):
        form = client.get(url).context["form"]
        room = form.initial["videoconference_url"]
        assert room.startswith("https://jitsi.rostgmu.example.ru/nmo-")
        assert len(room.rsplit("-", 1)[-1]) == 32
        rooms.add(room)
    assert len(rooms) == 2
    settings.JITSI_BASE_URL = "https://meet.jit.si"
    assert services.new_conference_url().startswith("https://meet.jit.si/nmo-")
