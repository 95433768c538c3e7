"""Sex and date of birth of learners enrolled by an organisation (issue 12, ADR 0028): the
optional roster columns «Пол» and «Дата рождения», the enrolment form; a sex not given is
inferred from the patronymic as a default, and a roster never overwrites what a person
said about themselves."""

from datetime import date

import pytest
from django.urls import reverse

from nmo.accounts.models import User
from nmo.programmes import services
from nmo.programmes.exceptions import LearnersInvalid
from nmo.programmes.xlsx import LEARNER_HEADER, learners_template, parse_learners, read_sheet

from .factories import enrol, learners_file, make_cohort, snils_number

pytestmark = pytest.mark.django_db

HEADER = ["Фамилия", "Имя", "Отчество", "СНИЛС", "E-mail", "Пол", "Дата рождения"]


def test_the_roster_columns_sex_and_birth_date_are_read(npc):
    cohort = make_cohort(npc)
    rows = [
        ("Шевчук", "Ольга", "", snils_number(), "shevchuk@example.ru", "ж", "14.03.1985"),
        ("Ли", "Виктор", "", snils_number(), "li@example.ru", "муж.", date(1979, 1, 2)),
        ("Егоров", "Евгений", "Жоресович", snils_number(), "egorov@example.ru", "", ""),
        ("Ли", "Саша", "", snils_number(), "sasha@example.ru", "", ""),
    ]
    services.import_learners_file(
        actor=npc.staff,
        cohort=cohort,
        file_name="list.xlsx",
        content=learners_file(rows, header=HEADER),
    )
    people = {u.email: u for u in User.objects.filter(email__endswith="@example.ru")}
    shevchuk, li, egorov, sasha = (
        people["shevchuk@example.ru"],
        people["li@example.ru"],
        people["egorov@example.ru"],
        people["sasha@example.ru"],
    )
    assert (shevchuk.sex, shevchuk.sex_inferred, shevchuk.birth_date) == (
        "female",
        False,
        date(1985, 3, 14),
    )
    assert (li.sex, li.sex_inferred, li.birth_date) == ("male", False, date(1979, 1, 2))
    assert (egorov.sex, egorov.sex_inferred) == ("male", True)
    assert (sasha.sex, sasha.sex_inferred) == ("", False)


def test_bad_sex_or_birth_date_refuses_the_file_with_the_row(npc):
    cohort = make_cohort(npc)
    rows = [
        ("Иванов", "Иван", "", snils_number(), "i@example.ru", "мальчик", ""),
        ("Петрова", "Анна", "", snils_number(), "p@example.ru", "ж", "вчера"),
        ("Сидорова", "Анна", "", snils_number(), "s@example.ru", "ж", "01.01.2999"),
    ]
    with pytest.raises(LearnersInvalid) as caught:
        services.import_learners_file(
            actor=npc.staff,
            cohort=cohort,
            file_name="list.xlsx",
            content=learners_file(rows, header=HEADER),
        )
    problems = " | ".join(caught.value.errors["file"])
    assert "Строка 2: пол «мальчик» — укажите «м» или «ж»." in problems
    assert "Строка 3: дата рождения «вчера» — укажите ДД.ММ.ГГГГ." in problems
    assert "Строка 4: Дата рождения не может быть в будущем." in problems
    assert not User.objects.filter(email__in=["i@example.ru", "p@example.ru"]).exists()


def test_a_roster_fills_what_is_missing_and_keeps_what_the_person_said(npc):
    cohort = make_cohort(npc)
    own = User.objects.create_user(
        "own@example.ru", last_name="Ли", first_name="Саша", sex="female", snils=snils_number()
    )
    guessed = User.objects.create_user(
        "guess@example.ru",
        last_name="Шевчук",
        first_name="Саша",
        middle_name="Ильич",
        sex="male",
        sex_inferred=True,
    )
    rows = [
        ("Ли", "Саша", "", own.snils, "own@example.ru", "м", "02.02.1990"),
        ("Шевчук", "Саша", "Ильич", "", "guess@example.ru", "ж", ""),
    ]
    services.import_learners_file(
        actor=npc.staff,
        cohort=cohort,
        file_name="list.xlsx",
        content=learners_file(rows, header=HEADER),
    )
    own.refresh_from_db()
    guessed.refresh_from_db()
    assert (own.sex, own.birth_date) == ("female", date(1990, 2, 2))
    assert (guessed.sex, guessed.sex_inferred) == ("female", False)


def test_the_template_offers_the_columns():
    assert LEARNER_HEADER[8:10] == ("Пол", "Дата рождения")
    learners, errors = parse_learners(read_sheet(learners_template(), max_rows=10))
    assert errors == []
    assert (learners[0].sex, learners[0].birth_date) == ("male", date(1985, 3, 14))


def test_the_enrolment_form_and_service_take_sex(npc):
    cohort = make_cohort(npc)
    enrolment = enrol(npc, cohort, last_name="Ли", first_name="Анна", middle_name="", sex="female")
    assert enrolment.learner.sex == "female"
    assert enrolment.learner.sex_inferred is False


def test_the_enrolment_page_asks_sex(npc, client):
    cohort = make_cohort(npc)
    client.force_login(npc.staff)
    page = client.get(reverse("programmes:enrolment_create", args=[cohort.pk]))
    text = page.content.decode()
    assert "Пол" in text
    assert "Дата рождения" in text
