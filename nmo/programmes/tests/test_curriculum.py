"""What a programme's diploma and its supplement print beyond its title and hours: the
qualification awarded, the field of professional activity and the disciplines (modules)
with hours, typed one a line (issue 12, rgmu-2.8)."""

import pytest
from django.urls import reverse

from nmo.core.models import AuditEntry
from nmo.programmes.exceptions import ProgrammeInvalid
from nmo.programmes.rules import parse_disciplines
from nmo.programmes.services import set_curriculum
from nmo.programmes.tests.conftest import PASSWORD
from nmo.programmes.tests.factories import make_programme
from nmo.programmes.types import CurriculumData, DisciplineData
from nmo.regulations.types import AttestationForm, ProgrammeKind

pytestmark = pytest.mark.django_db


def test_lines_are_read_with_any_usual_separator():
    rows, problems = parse_disciplines(
        "Кардиология — 144\n\n  Неотложная  помощь - 36 ч.\nФармакология; 18\nЭКГ | 6 часов\n"
    )
    assert problems == []
    assert rows == [
        DisciplineData("Кардиология", 144),
        DisciplineData("Неотложная помощь", 36),
        DisciplineData("Фармакология", 18),
        DisciplineData("ЭКГ", 6),
    ]


def test_a_line_without_hours_is_named_by_its_number():
    rows, problems = parse_disciplines("Кардиология — 144\nТерапия\nХирургия — 0")
    assert rows == [DisciplineData("Кардиология", 144)]
    assert problems[0].startswith("Строка 2: укажите наименование и через тире число часов")
    assert problems[1] == "Строка 3: объём — не меньше 1 академического часа."


def retraining(rgmu):
    return make_programme(
        rgmu,
        kind=ProgrammeKind.PROFESSIONAL_RETRAINING,
        title="Кардиология",
        hours=576,
        attestation_form=AttestationForm.EXAM,
        attestation_hours=6,
        stages=0,
    )


@pytest.mark.clause("rgmu-2.8")
def test_staff_set_the_curriculum_on_its_page(rgmu, client):
    """The page saves the qualification, the field and the disciplines in order; the
    programme's page shows them; the change is audited (rgmu-2.8)."""
    programme = retraining(rgmu)
    client.login(email=rgmu.staff.email, password=PASSWORD)
    url = reverse("programmes:programme_curriculum", args=[programme.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "qualification_title": "Врач-кардиолог",
            "practice_field": "кардиологии",
            "disciplines": "Фундаментальные дисциплины — 144\nСпециальные дисциплины — 360",
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.qualification_title == "Врач-кардиолог"
    assert [(d.order, d.title, d.hours) for d in programme.disciplines.all()] == [
        (1, "Фундаментальные дисциплины", 144),
        (2, "Специальные дисциплины", 360),
    ]
    detail = client.get(programme.get_absolute_url()).content.decode()
    assert "Специальные дисциплины — 360 ак. ч." in detail
    assert AuditEntry.objects.filter(action="programme.set_curriculum").count() == 1

    again = client.get(url).content.decode()
    assert "Фундаментальные дисциплины — 144" in again


def test_bad_lines_and_too_many_hours_are_refused(rgmu, client):
    programme = retraining(rgmu)
    client.login(email=rgmu.staff.email, password=PASSWORD)
    url = reverse("programmes:programme_curriculum", args=[programme.pk])

    bad = client.post(url, {"disciplines": "Кардиология"})
    assert bad.status_code == 422
    assert "Строка 1: укажите наименование и через тире число часов" in bad.content.decode()

    with pytest.raises(ProgrammeInvalid) as refused:
        set_curriculum(
            actor=rgmu.staff,
            programme=programme,
            data=CurriculumData(disciplines=(DisciplineData("Кардиология", 600),)),
        )
    assert refused.value.errors["disciplines"] == [
        "Сумма часов дисциплин (600) больше объёма программы (576)."
    ]
    assert not programme.disciplines.exists()


def test_it_checks_access(rgmu, outsider, client):
    programme = retraining(rgmu)
    client.login(email=outsider.email, password=PASSWORD)
    url = reverse("programmes:programme_curriculum", args=[programme.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"disciplines": "Кардиология — 5"}).status_code == 404
    assert not programme.disciplines.exists()
