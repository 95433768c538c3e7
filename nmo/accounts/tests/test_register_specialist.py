import pytest
from django.conf import settings

from nmo.accounts.enumeration_throttle import REGISTRATION_REFUSED
from nmo.accounts.exceptions import RegistrationInvalid
from nmo.accounts.models import Membership, Role, User
from nmo.accounts.services import Registration, register_specialist
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def registration(**overrides):
    data = {
        "email": "Petrov@Example.ru ",
        "password": "correct-horse-battery-staple",
        "last_name": "Петров",
        "first_name": "Пётр",
        "middle_name": "Петрович",
        "snils": "112-233-445 95",
        "personal_data_consent": True,
    }
    data.update(overrides)
    return Registration(**data)


@pytest.mark.clause("npc-1.2")
def test_specialist_registers_with_consent_recorded():
    """Registration creates a specialist who logs in by e-mail, with the SNILS normalised
    to 11 digits and the time and version of the personal-data consent kept (152-ФЗ)."""
    user = register_specialist(data=registration())
    assert user.email == "petrov@example.ru"
    assert user.snils == "11223344595"
    assert user.personal_data_consent_at is not None
    assert user.personal_data_consent_version == settings.PERSONAL_DATA_CONSENT_VERSION
    assert user.check_password("correct-horse-battery-staple")
    assert Membership.objects.filter(user=user, role=Role.SPECIALIST).exists()
    assert AuditEntry.objects.filter(action="account.register", object_id=str(user.pk)).exists()


@pytest.mark.clause("npc-1.2")
def test_registration_without_consent_is_refused():
    """Without the personal-data consent nothing is created."""
    with pytest.raises(RegistrationInvalid) as exc:
        register_specialist(data=registration(personal_data_consent=False))
    assert "personal_data_consent" in exc.value.errors
    assert not User.objects.exists()


def test_bad_snils_checksum_is_refused():
    """A SNILS with a wrong check number is refused with the reason."""
    with pytest.raises(RegistrationInvalid) as exc:
        register_specialist(data=registration(snils="112-233-445 96"))
    assert exc.value.errors["snils"] == ["СНИЛС указан с ошибкой: не сходится контрольное число."]


def test_weak_password_is_refused_in_russian():
    """A short or common password is refused with Django's Russian messages."""
    with pytest.raises(RegistrationInvalid) as exc:
        register_specialist(data=registration(password="12345"))
    messages = " ".join(exc.value.errors["password"])
    assert "Введённый пароль слишком короткий" in messages


def test_taken_email_and_snils_are_refused():
    """An e-mail (in any case) or a SNILS already registered cannot register again; the
    refusal names neither (ADR 0022)."""
    register_specialist(data=registration())
    with pytest.raises(RegistrationInvalid) as exc:
        register_specialist(data=registration(email="PETROV@example.ru"))
    assert exc.value.errors == {"__all__": [REGISTRATION_REFUSED]}
    assert User.objects.count() == 1


def test_every_problem_is_reported_at_once():
    """A form with several mistakes gets one message per field, so the person fixes all."""
    with pytest.raises(RegistrationInvalid) as exc:
        register_specialist(
            data=registration(
                email="not-an-email", last_name=" ", snils="1", personal_data_consent=False
            )
        )
    assert set(exc.value.errors) >= {"email", "last_name", "snils", "personal_data_consent"}
