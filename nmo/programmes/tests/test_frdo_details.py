"""What the ФИС ФРДО template asks of a learner (issue 12 point 6, ADR 0114), collected
where it arises: citizenship, the diploma of higher or secondary vocational education the
programme builds on (level, surname in it, series, number) and the funding source on the
enrolment — the enrolment form, the roster import (its columns or the template's own
headers), the learner's page for later edits (audited) — and the form of study on the
cohort. Bad values are refused in Russian, by row for a roster, and nothing of a refused
roster is written."""

from datetime import date

import pytest
from django.urls import reverse

from nmo.accounts.models import User
from nmo.core.models import AuditEntry
from nmo.programmes import services
from nmo.programmes.exceptions import LearnersInvalid
from nmo.programmes.models import Enrolment
from nmo.programmes.xlsx import LEARNER_HEADER, learners_template, parse_learners, read_sheet

from .factories import cohort_data, enrol, learners_file, make_cohort, snils_number

pytestmark = pytest.mark.django_db

OLD_HEADER = ["Фамилия", "Имя", "Отчество", "СНИЛС", "E-mail", "Пол", "Дата рождения"]
TEMPLATE_HEADER = [
    "Фамилия получателя",
    "Имя",
    "Отчество",
    "СНИЛС",
    "E-mail",
    "Гражданство получателя (код страны по ОКСМ)",
    "Уровень образования ВО/СПО",
    "Фамилия указанная в дипломе о ВО или СПО",
    "Серия документа о ВО/СПО",
    "Номер документа о ВО/СПО",
    "Источник финансирования обучения",
]


def frdo_of(enrolment: Enrolment) -> tuple[str, ...]:
    enrolment.refresh_from_db()
    return (
        enrolment.citizenship,
        enrolment.education_level,
        enrolment.diploma_last_name,
        enrolment.diploma_series,
        enrolment.diploma_number,
        enrolment.funding_source,
    )


def test_the_enrolment_form_stores_the_frdo_details(npc, client):
    """The enrolment form asks citizenship, the diploma (level, surname, series, number)
    and the funding source, and stores them on the learner's enrolment with the sex and
    date of birth on the person."""
    cohort = make_cohort(npc)
    client.force_login(npc.staff)
    url = reverse("programmes:enrolment_create", args=[cohort.pk])
    page = client.get(url).content.decode()
    for label in (
        "Гражданство (код страны по ОКСМ)",
        "Уровень образования",
        "Фамилия, указанная в дипломе о ВО или СПО",
        "Серия диплома о ВО или СПО",
        "Номер диплома о ВО или СПО",
        "Источник финансирования обучения",
    ):
        assert label in page
    response = client.post(
        url,
        {
            "last_name": "Кириллова",
            "first_name": "Алла",
            "middle_name": "Борисовна",
            "snils": snils_number(),
            "email": "kirillova@example.ru",
            "sex": "female",
            "birth_date": "02.11.1991",
            "citizenship": "Беларусь",
            "education_level": "secondary_vocational",
            "diploma_last_name": "Антонова",
            "diploma_series": "116104",
            "diploma_number": "0007001",
            "funding_source": "regional_budget",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    enrolment = Enrolment.objects.get(cohort=cohort)
    assert frdo_of(enrolment) == (
        "112",
        "secondary_vocational",
        "Антонова",
        "116104",
        "0007001",
        "regional_budget",
    )
    assert (enrolment.learner.sex, enrolment.learner.birth_date) == ("female", date(1991, 11, 2))


def test_the_enrolment_form_refuses_bad_values_in_russian(npc, client):
    """A citizenship that is no ОКСМ code and a diploma number without its level are
    refused with Russian messages; nobody is enrolled."""
    cohort = make_cohort(npc)
    client.force_login(npc.staff)
    response = client.post(
        reverse("programmes:enrolment_create", args=[cohort.pk]),
        {
            "last_name": "Егоров",
            "first_name": "Евгений",
            "email": "egorov@example.ru",
            "citizenship": "Марс",
            "diploma_number": "0012345",
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Укажите трёхзначный код страны по ОКСМ (Россия — 643), а не «Марс»." in text
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    again = client.post(
        reverse("programmes:enrolment_create", args=[cohort.pk]),
        {
            "last_name": "Егоров",
            "first_name": "Евгений",
            "email": "egorov@example.ru",
            "diploma_number": "0012345",
        },
    )
    assert again.status_code == 422
    assert "Укажите уровень образования (ВО или СПО) для этого диплома." in (again.content.decode())
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_the_roster_import_stores_the_frdo_columns(npc):
    """The roster's FRDO columns — ours or the template's own headers — are stored per
    learner: a code or a country word, «ВО»/«СПО», the diploma, the funding source in a
    word; an empty citizenship is Russia."""
    cohort = make_cohort(npc)
    rows = [
        ("Шевчук", "Ольга", "", snils_number(), "shevchuk@example.ru", "643", "ВО", "Жукова",
         "107704", "0123456", "договор"),
        ("Ли", "Виктор", "", snils_number(), "li@example.ru", "", "СПО", "", "", 7001,
         "За счет бюджетных ассигнований федерального бюджета"),
    ]  # fmt: skip
    services.import_learners_file(
        actor=npc.staff,
        cohort=cohort,
        file_name="list.xlsx",
        content=learners_file(rows, header=TEMPLATE_HEADER),
    )
    shevchuk = Enrolment.objects.get(cohort=cohort, learner__email="shevchuk@example.ru")
    li = Enrolment.objects.get(cohort=cohort, learner__email="li@example.ru")
    assert frdo_of(shevchuk) == ("643", "higher", "Жукова", "107704", "0123456", "contract")
    assert frdo_of(li) == ("643", "secondary_vocational", "", "", "7001", "federal_budget")


def test_a_roster_with_bad_frdo_values_is_refused_whole(npc):
    """A bad citizenship, level or funding source, or a series without its level, is
    reported by row in Russian and nothing of the file is written: no account, no
    enrolment."""
    cohort = make_cohort(npc)
    header = [*OLD_HEADER, "Гражданство", "Уровень образования", "Серия диплома",
              "Источник финансирования"]  # fmt: skip
    rows = [
        ("Иванов", "Иван", "", snils_number(), "ok@example.ru", "м", "", "643", "ВО", "1",
         "договор"),
        ("Петрова", "Анна", "", snils_number(), "p@example.ru", "ж", "", "Атлантида", "", "", ""),
        ("Сидорова", "Анна", "", snils_number(), "s@example.ru", "ж", "", "", "магистр", "", ""),
        ("Орлова", "Анна", "", snils_number(), "o@example.ru", "ж", "", "", "", "", "спонсор"),
        ("Белова", "Анна", "", snils_number(), "b@example.ru", "ж", "", "", "", "107704", ""),
    ]  # fmt: skip
    with pytest.raises(LearnersInvalid) as refused:
        services.import_learners_file(
            actor=npc.staff,
            cohort=cohort,
            file_name="list.xlsx",
            content=learners_file(rows, header=header),
        )
    assert refused.value.errors["file"] == [
        "Строка 3: гражданство «Атлантида» — укажите трёхзначный код страны по ОКСМ "
        "(Россия — 643).",
        "Строка 4: уровень образования «магистр» — укажите «ВО» или «СПО».",
        "Строка 5: источник финансирования «спонсор» — укажите «договор», «федеральный "
        "бюджет», «бюджет субъекта» или «местный бюджет».",
        "Строка 6: Укажите уровень образования (ВО или СПО) для этого диплома.",
    ]
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    assert not User.objects.filter(email__in=["ok@example.ru", "p@example.ru"]).exists()


def test_an_old_roster_keeps_working(npc):
    """A roster without the new columns is read as before; the learners' citizenship is
    Russia and the rest is left for the FRDO check to ask."""
    cohort = make_cohort(npc)
    rows = [("Жукова", "Анна", "", snils_number(), "z@example.ru", "ж", "14.03.1985")]
    services.import_learners_file(
        actor=npc.staff,
        cohort=cohort,
        file_name="list.xlsx",
        content=learners_file(rows, header=OLD_HEADER),
    )
    enrolment = Enrolment.objects.get(cohort=cohort)
    assert frdo_of(enrolment) == ("643", "", "", "", "", "")


def test_the_template_offers_the_frdo_columns():
    """The downloadable roster carries the FRDO columns and reads back clean."""
    assert LEARNER_HEADER[10:] == (
        "Гражданство (код ОКСМ)",
        "Уровень образования ВО/СПО",
        "Фамилия в дипломе о ВО/СПО",
        "Серия диплома о ВО/СПО",
        "Номер диплома о ВО/СПО",
        "Источник финансирования",
    )
    learners, errors = parse_learners(read_sheet(learners_template(), max_rows=10))
    assert errors == []
    assert (learners[0].citizenship, learners[0].education_level) == ("643", "higher")
    assert learners[0].funding_source == "contract"


def test_staff_edit_the_details_later_audited(npc, client):
    """The learner's page edits the details; the change is audited with before and after;
    staff of another organisation cannot see the page (404)."""
    cohort = make_cohort(npc)
    enrolment = enrol(npc, cohort)
    client.force_login(npc.staff)
    url = reverse("programmes:enrolment_detail", args=[cohort.pk, enrolment.pk])
    response = client.post(
        url,
        {
            "status": "enrolled",
            "citizenship": "643",
            "education_level": "higher",
            "diploma_series": "107704",
            "diploma_number": "0123456",
            "funding_source": "contract",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert frdo_of(enrolment) == ("643", "higher", "", "107704", "0123456", "contract")
    audit = AuditEntry.objects.filter(action="enrolment.update").latest("id")
    assert audit.changes["education_level"] == {"before": "", "after": "higher"}
    assert audit.changes["diploma_number"] == {"before": "", "after": "0123456"}
    page = client.get(url).content.decode()
    assert "0123456" in page
    bad = client.post(url, {"status": "enrolled", "citizenship": "12345"})
    assert bad.status_code == 422
    assert "трёхзначный код страны по ОКСМ" in bad.content.decode()


def test_another_organisation_does_not_see_the_details(npc, rgmu, client):
    """Personal data stay with the organisation's staff: another organisation's staff
    get 404 for the learner's page."""
    cohort = make_cohort(npc)
    enrolment = enrol(npc, cohort)
    client.force_login(rgmu.staff)
    url = reverse("programmes:enrolment_detail", args=[cohort.pk, enrolment.pk])
    assert client.get(url).status_code == 404


def test_the_cohort_keeps_its_form_of_study(npc, client):
    """The cohort's form of study is set in its form and audited; an unknown one is
    refused in Russian."""
    cohort = make_cohort(npc, study_form="part_time")
    assert cohort.study_form == "part_time"
    services.update_cohort(
        actor=npc.staff, cohort=cohort, data=cohort_data(study_form="extramural")
    )
    cohort.refresh_from_db()
    assert cohort.study_form == "extramural"
    audit = AuditEntry.objects.filter(action="cohort.update").latest("id")
    assert audit.changes["study_form"] == {"before": "part_time", "after": "extramural"}
    from nmo.programmes.exceptions import CohortInvalid

    with pytest.raises(CohortInvalid) as refused:
        services.update_cohort(actor=npc.staff, cohort=cohort, data=cohort_data(study_form="x"))
    assert refused.value.errors["study_form"] == [
        "Выберите форму обучения: очная, очно-заочная или заочная."
    ]
    client.force_login(npc.staff)
    page = client.get(reverse("programmes:cohort_edit", args=[cohort.pk])).content.decode()
    assert "Форма обучения" in page


def test_the_person_sees_what_was_stated(npc, client):
    """The learner sees, on «Мои документы», what the organisation recorded about them
    for ФИС ФРДО; another person does not."""
    cohort = make_cohort(npc, study_form="full_time")
    enrolment = enrol(
        npc,
        cohort,
        citizenship="112",
        education_level="higher",
        diploma_series="107704",
        diploma_number="0123456",
        funding_source="contract",
    )
    client.force_login(enrolment.learner)
    page = client.get(reverse("documents:my_documents")).content.decode()
    assert "Сведения о вас для ФИС ФРДО" in page
    assert "112 — Беларусь" in page
    assert "серия 107704 № 0123456" in page
    assert "По договору об оказании платных образовательных услуг" in page
    assert "Очная" in page
    client.force_login(npc.staff)
    assert "0123456" not in client.get(reverse("documents:my_documents")).content.decode()
