from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nmo.accounts.models import Membership, User
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.programmes import services
from nmo.programmes.exceptions import CohortInvalid, LearnersInvalid, ProgrammeNotReady
from nmo.programmes.models import Enrolment
from nmo.regulations.selectors import current_version
from nmo.regulations.types import AttestationPlace
from nmo.web.context_processors import extra_roles

from .conftest import PASSWORD
from .factories import (
    cohort_data,
    enrol,
    learner_row,
    learners_file,
    make_cohort,
    make_programme,
    snils_number,
)

pytestmark = pytest.mark.django_db


def test_a_cohort_keeps_the_regulation_it_was_opened_under(org):
    """A cohort pins the version of the regulation in force; its first-day notice is
    planned at once (npc-2.2, rgmu-2.2)."""
    cohort = make_cohort(org)
    assert cohort.regulation_version == current_version(org.organisation)
    assert cohort.unit == cohort.programme.unit
    assert list(cohort.notices.values_list("kind", flat=True)) == ["first_day"]
    assert AuditEntry.objects.filter(action="cohort.create", object_id=str(cohort.pk)).exists()


@pytest.mark.clause("npc-2.5", "rgmu-2.5")
def test_a_programme_without_stages_cannot_take_a_cohort(org):
    """The final attestation consists of one or more stages (npc-2.5, rgmu-2.5): a
    programme without stages is not ready for a cohort."""
    programme = make_programme(org, stages=0)
    with pytest.raises(ProgrammeNotReady) as caught:
        make_cohort(org, programme)
    assert "не менее 1" in caught.value.message


def test_the_attestation_date_lies_within_training(org):
    """The attestation completes the programme: its date is within the training dates,
    which are in order."""
    programme = make_programme(org)
    with pytest.raises(CohortInvalid) as caught:
        make_cohort(org, programme, attestation_date=date(2026, 5, 18))
    assert "attestation_date" in caught.value.errors
    with pytest.raises(CohortInvalid) as caught:
        make_cohort(org, programme, ends_on=date(2026, 5, 1))
    assert "ends_on" in caught.value.errors


@pytest.mark.clause("rgmu-2.4")
def test_only_rostgmu_attests_on_the_customers_premises(npc, rgmu):
    """РостГМУ may hold the attestation on the customer's premises (rgmu-2.4); НПЦ's
    regulation does not provide for it."""
    on_site = {"place": AttestationPlace.CUSTOMER_PREMISES, "address": "ГБУЗ «ДГБ № 1»"}
    assert make_cohort(rgmu, **on_site).place == "customer_premises"
    with pytest.raises(CohortInvalid) as caught:
        make_cohort(npc, **on_site)
    assert "place" in caught.value.errors


@pytest.mark.clause("npc-6.1", "rgmu-6.1")
def test_a_videoconference_attestation_is_remote_and_states_its_requirements(org):
    """A videoconference is a remote attestation (npc-6.1, rgmu-6.1) and its technical
    requirements must be written down, to be sent to learners."""
    programme = make_programme(org)
    with pytest.raises(CohortInvalid) as caught:
        make_cohort(org, programme, uses_videoconference=True)
    assert {"uses_videoconference", "videoconference_requirements"} <= set(caught.value.errors)


def test_enrolling_a_new_learner_creates_an_account_without_password_or_roles(org):
    """A learner not in the system gets an account with no usable password and no roles,
    and is enrolled with the contract."""
    cohort = make_cohort(org)
    enrolment = enrol(org, cohort, email="Novikova@Example.ru", last_name="Новикова")
    learner = enrolment.learner
    assert learner.email == "novikova@example.ru"
    assert not learner.has_usable_password()
    assert not Membership.objects.filter(user=learner).exists()
    assert enrolment.contract_number == "ПК-1/2026"
    assert enrolment.contract_date == date(2026, 4, 20)
    assert enrolment.status == "enrolled"


def test_an_existing_person_is_found_by_snils_then_by_email_never_duplicated(org, specialist):
    """The learner's account is found by SNILS, else by e-mail; a missing SNILS is filled
    in; nobody is created twice and nobody is enrolled twice."""
    cohort = make_cohort(org)
    by_snils = enrol(org, cohort, snils="112-233-445 95", email="")
    assert by_snils.learner == specialist
    again = services.import_learners(
        actor=org.staff, cohort=cohort, learners=[learner_row(snils="", email=specialist.email)]
    )
    assert (again.created, again.existing, again.enrolled, again.already_enrolled) == (0, 1, 0, 1)
    person = User.objects.create_user(
        "sidorov@example.ru", None, last_name="Сидоров", first_name="С"
    )
    number = snils_number()
    enrolment = enrol(org, cohort, snils=number, email="SIDOROV@example.ru")
    assert enrolment.learner == person
    person.refresh_from_db()
    assert person.snils == number
    assert User.objects.count() == 3  # the staff member, the specialist and Сидоров


def test_conflicting_identity_is_refused(org, specialist):
    """A SNILS of one person with the e-mail of another, a SNILS unknown without an
    e-mail, or a known e-mail with another SNILS: refused, nothing written."""
    cohort = make_cohort(org)
    cases = [
        ({"snils": "112-233-445 95", "email": org.staff.email}, "snils"),
        ({"snils": snils_number(), "email": ""}, "email"),
        ({"snils": snils_number(), "email": specialist.email}, "snils"),
    ]
    for overrides, field in cases:
        with pytest.raises(LearnersInvalid) as caught:
            enrol(org, cohort, **overrides)
        assert field in caught.value.errors
    assert not Enrolment.objects.exists()


def test_a_learners_file_enrols_everyone_and_a_second_load_duplicates_nobody(org):
    """A file of learners (ФИО, СНИЛС, e-mail, телефон, договор №/дата) enrols them all;
    loading it again creates and enrols nobody new."""
    cohort = make_cohort(org)
    header = ["ФИО", "СНИЛС", "Электронная почта", "Телефон", "№ договора", "Дата договора"]
    rows = [
        ("Кузнецова Анна Сергеевна", snils_number(), "kuz@example.ru", "", "1", date(2026, 4, 1)),
        (
            "Ибрагимов Тимур Ринат Оглы",
            int(snils_number()),
            "ibr@example.ru",
            "",
            "2",
            "02.04.2026",
        ),
    ]
    content = learners_file(rows, header=header)
    first = services.import_learners_file(
        actor=org.staff, cohort=cohort, file_name="list.xlsx", content=content
    )
    assert (first.created, first.enrolled) == (2, 2)
    second = services.import_learners_file(
        actor=org.staff, cohort=cohort, file_name="list.xlsx", content=content
    )
    assert (second.created, second.existing, second.enrolled, second.already_enrolled) == (
        0, 2, 0, 2,
    )  # fmt: skip
    ibragimov = Enrolment.objects.get(learner__email="ibr@example.ru")
    assert ibragimov.learner.middle_name == "Ринат Оглы"
    assert ibragimov.contract_date == date(2026, 4, 2)
    assert Enrolment.objects.count() == 2


def test_a_learners_file_with_bad_rows_enrols_nobody(org):
    """Any bad row refuses the whole file, each problem named by row number: a bad SNILS,
    no name, a repeated learner, an unreadable date."""
    cohort = make_cohort(org)
    same = snils_number()
    rows = [
        ("Иванов", "Иван", "", same, "ivanov@example.ru", "", "", ""),
        ("Петров", "Пётр", "", "123-456-789 00", "petrov@example.ru", "", "", ""),
        ("", "", "", snils_number(), "x@example.ru", "", "", ""),
        ("Сидоров", "Семён", "", same, "sid@example.ru", "", "", "позавчера"),
    ]
    with pytest.raises(LearnersInvalid) as caught:
        services.import_learners_file(
            actor=org.staff, cohort=cohort, file_name="list.xlsx", content=learners_file(rows)
        )
    problems = " | ".join(caught.value.errors["file"])
    assert "Строка 3: СНИЛС указан с ошибкой" in problems
    assert "Строка 4: Укажите фамилию." in problems
    assert "Строка 5: дата договора «позавчера»" in problems
    assert not Enrolment.objects.exists()
    assert User.objects.filter(email="ivanov@example.ru").exists() is False


def test_a_repeated_learner_in_one_file_is_named(org):
    """Two rows with the same SNILS are one person listed twice: refused with both rows."""
    cohort = make_cohort(org)
    same = snils_number()
    rows = [
        ("Иванов", "Иван", "", same, "ivanov@example.ru", "", "", ""),
        ("Иванов", "Иван", "", same, "ivanov2@example.ru", "", "", ""),
    ]
    with pytest.raises(LearnersInvalid) as caught:
        services.import_learners_file(
            actor=org.staff, cohort=cohort, file_name="list.xlsx", content=learners_file(rows)
        )
    assert caught.value.errors["file"] == ["Строка 3: Тот же СНИЛС, что у слушателя в строке 2."]


def test_an_enrolled_person_sees_the_learner_menu_entry(org, specialist):
    """The menu shows the learner's entry to a person with an enrolment."""
    assert "learner" not in extra_roles(specialist)
    cohort = make_cohort(org)
    enrol(org, cohort, snils="112-233-445 95", email="")
    fresh = User.objects.get(pk=specialist.pk)
    assert "learner" in extra_roles(fresh)


def test_the_cohort_pages_enrol_and_list_learners(client, rgmu):
    """Staff open a cohort on the form, enrol a learner and load a file; the cohort page
    lists them."""
    programme = make_programme(rgmu)
    client.force_login(rgmu.staff)
    created = client.post(
        "/programmes/cohorts/new/",
        {
            "programme": programme.pk,
            "title": "ПК-05/2026",
            "starts_on": "2026-05-04",
            "ends_on": "2026-05-15",
            "attestation_date": "2026-05-15",
            "place": "organisation",
        },
    )
    assert created.status_code == 302
    cohort_url = created["Location"]
    enrolled = client.post(
        f"{cohort_url}learners/new/",
        {"last_name": "Орлова", "first_name": "Ольга", "email": "orlova@example.ru"},
    )
    assert enrolled.status_code == 302
    upload = SimpleUploadedFile(
        "list.xlsx",
        learners_file([("Зайцев", "Захар", "", snils_number(), "z@example.ru", "", "7", "")]),
    )
    loaded = client.post(f"{cohort_url}learners/import/", {"file": upload})
    assert loaded.status_code == 302
    page = client.get(cohort_url).content.decode()
    assert "Орлова Ольга" in page
    assert "Зайцев Захар" in page
    assert "Слушатели группы, промежуточные аттестации и задолженности" in page
    refused = client.post(f"{cohort_url}learners/new/", {"last_name": "Без", "first_name": "Почты"})
    assert refused.status_code == 422
    assert "Укажите СНИЛС или адрес электронной почты." in refused.content.decode()


def test_it_checks_access(client, npc, outsider, specialist):
    """Only the staff of the programme's organisation open and fill its cohorts."""
    cohort = make_cohort(npc)
    with pytest.raises(NotFound):
        services.create_cohort(actor=outsider, programme=cohort.programme, data=cohort_data())
    with pytest.raises(NotFound):
        services.enrol_learner(actor=outsider, cohort=cohort, learner=learner_row())
    with pytest.raises(PermissionDenied):
        services.import_learners(actor=specialist, cohort=cohort, learners=[learner_row()])
    client.login(email=outsider.email, password=PASSWORD)
    assert client.get(f"/programmes/cohorts/{cohort.pk}/").status_code == 404
    assert client.get("/programmes/cohorts/").status_code == 200
    client.force_login(specialist)
    assert client.get("/programmes/cohorts/").status_code == 403
    assert not Enrolment.objects.exists()


def test_the_cohort_edit_page_moves_the_notices(client, rgmu):
    """Changing the start date on the edit form moves the first-day notice (rgmu-2.2)."""
    cohort = make_cohort(rgmu)
    client.force_login(rgmu.staff)
    url = f"/programmes/cohorts/{cohort.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"starts_on": "2026-05-06", "ends_on": "2026-05-15", "attestation_date": "2026-05-15",
         "place": "unit"},
    )  # fmt: skip
    assert response.status_code == 302
    assert cohort.notices.get().due_on == date(2026, 5, 6)
