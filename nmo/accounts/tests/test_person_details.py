"""A person's sex and date of birth (issue 12, ADR 0028): asked at registration (page and
API, optional), inferred from the patronymic when not given — as a default the person
sees and can change on the profile page."""

import json
from datetime import date

import pytest
from django.core.cache import cache

from nmo.accounts.exceptions import RegistrationInvalid
from nmo.accounts.models import User
from nmo.accounts.services import Registration, register_specialist
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FORM = {
    "last_name": "Антонова",
    "first_name": "Алла",
    "middle_name": "Борисовна",
    "email": "antonova@example.ru",
    "snils": "112 233 445 95",
    "password": "correct-horse-battery-staple",
    "personal_data_consent": "on",
}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def registration(**overrides):
    data = {
        "email": "egorov@example.ru",
        "password": "correct-horse-battery-staple",
        "last_name": "Егоров",
        "first_name": "Евгений",
        "middle_name": "Жоресович",
        "snils": "112-233-445 95",
        "personal_data_consent": True,
    }
    data.update(overrides)
    return Registration(**data)


def test_sex_not_given_is_inferred_from_the_patronymic_as_a_default():
    user = register_specialist(data=registration())
    assert (user.sex, user.sex_inferred, user.birth_date) == ("male", True, None)


def test_sex_and_birth_date_given_are_the_persons_word():
    user = register_specialist(data=registration(sex="female", birth_date=date(1985, 3, 14)))
    assert (user.sex, user.sex_inferred, user.birth_date) == ("female", False, date(1985, 3, 14))


def test_nothing_is_inferred_when_the_name_does_not_tell():
    user = register_specialist(data=registration(last_name="Ли", first_name="Саша", middle_name=""))
    assert (user.sex, user.sex_inferred) == ("", False)


def test_a_birth_date_in_the_future_or_a_bad_sex_is_refused_in_russian():
    with pytest.raises(RegistrationInvalid) as caught:
        register_specialist(data=registration(sex="x", birth_date=date(2999, 1, 1)))
    assert caught.value.errors["birth_date"] == ["Дата рождения не может быть в будущем."]
    assert "Пол" in caught.value.errors["sex"][0]
    assert not User.objects.exists()


def test_the_registration_page_asks_sex_and_birth_date(client):
    page = client.get("/accounts/register/").content.decode()
    assert "Пол" in page
    assert "Дата рождения" in page
    response = client.post("/accounts/register/", {**FORM, "birth_date": "14.03.1985"})
    assert response.status_code == 302
    user = User.objects.get(email="antonova@example.ru")
    assert (user.sex, user.sex_inferred, user.birth_date) == ("female", True, date(1985, 3, 14))


def test_the_api_registration_takes_the_optional_fields(client):
    body = {
        "email": "zhukova@example.ru",
        "password": "correct-horse-battery-staple",
        "last_name": "Жукова",
        "first_name": "Мария",
        "middle_name": "",
        "snils": "112-233-445 95",
        "personal_data_consent": True,
        "sex": "female",
        "birth_date": "1990-07-01",
    }
    response = client.post("/api/v1/accounts", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    user = User.objects.get(email="zhukova@example.ru")
    assert (user.sex, user.sex_inferred, user.birth_date) == ("female", False, date(1990, 7, 1))


def test_the_profile_shows_an_inferred_sex_and_the_person_changes_it(client):
    client.post("/accounts/register/", FORM)
    page = client.get("/accounts/profile/").content.decode()
    assert "определён по отчеству — проверьте" in page
    response = client.post("/accounts/profile/", {"sex": "male", "birth_date": "01.02.1980"})
    assert response.status_code == 302
    user = User.objects.get(email="antonova@example.ru")
    assert (user.sex, user.sex_inferred, user.birth_date) == ("male", False, date(1980, 2, 1))
    entry = AuditEntry.objects.get(action="account.personal_details")
    assert entry.changes["sex"] == ["женский", "мужской"]
    assert "определён по отчеству" not in client.get("/accounts/profile/").content.decode()


def test_the_profile_refuses_a_bad_date_with_a_message(client):
    client.post("/accounts/register/", FORM)
    response = client.post("/accounts/profile/", {"sex": "", "birth_date": "31.02.1980"})
    assert response.status_code == 422
    assert "ДД.ММ.ГГГГ" in response.content.decode()
    response = client.post("/accounts/profile/", {"sex": "", "birth_date": "01.01.2999"})
    assert response.status_code == 422
    assert "не может быть в будущем" in response.content.decode()
