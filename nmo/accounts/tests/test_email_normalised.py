"""E-mail addresses are one address however they are typed: NFKC and case folded before
they are stored, looked up or counted (issue 11, point 9; ADR 0022)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from nmo.accounts.enumeration_throttle import REGISTRATION_REFUSED
from nmo.accounts.models import Invitation, Organisation, User
from nmo.accounts.rules import normalise_email
from nmo.accounts.services import invite_to_organisation, set_up_organisation
from nmo.core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db

LONG_S = "ſpecialist@nmo.local"  # U+017F LATIN SMALL LETTER LONG S
FULLWIDTH = "ｓｐｅｃｉａｌｉｓｔ@ｎｍｏ.ｌｏｃａｌ"


def test_the_rule_folds_compatibility_forms_and_case():
    assert normalise_email(" ſpecialist@NMO.local ") == "specialist@nmo.local"
    assert normalise_email(FULLWIDTH) == "specialist@nmo.local"
    assert normalise_email("Straße@example.ru") == "strasse@example.ru"
    assert normalise_email("K@example.ru") == "k@example.ru"  # U+212A KELVIN SIGN


def _form(email, snils):
    return {
        "last_name": "Петрова",
        "first_name": "Анна",
        "middle_name": "",
        "email": email,
        "snils": snils,
        "password": "correct-horse-battery-staple",
        "personal_data_consent": "on",
    }


def test_a_long_s_does_not_register_a_second_account(client, password):
    """`ſpecialist@nmo.local` is refused beside specialist@nmo.local, and signs in to it."""
    assert client.post("/accounts/register/", _form("specialist@nmo.local", "112-233-445 95"))
    for typed in (LONG_S, FULLWIDTH, "SPECIALIST@nmo.local"):
        response = Client().post("/accounts/register/", _form(typed, "123-456-789 64"))
        assert response.status_code == 422
        assert REGISTRATION_REFUSED in response.content.decode()
    assert list(User.objects.values_list("email", flat=True)) == ["specialist@nmo.local"]
    assert Client().login(username=LONG_S, password=password)


def test_every_path_stores_the_normalised_address(admin_user):
    """The manager, a plain save and an invitation all store the folded address."""
    made = User.objects.create_user("ｄｏｃｔｏｒ@nmo.local", "x-1234567890")
    assert made.email == "doctor@nmo.local"
    made.email = "Doctor@NMO.local"
    made.save()
    assert User.objects.get(pk=made.pk).email == "doctor@nmo.local"
    invitation = set_up_organisation(
        actor=admin_user,
        name="Клиника",
        short_name="",
        kind="educational",
        admin_email="ＡＤＭＩＮ@clinic.ru",
    )
    assert invitation.email == "admin@clinic.ru"
    with pytest.raises(ValidationFailed) as refused:
        invite_to_organisation(
            actor=admin_user,
            organisation=invitation.organisation,
            email="admin@ｃｌｉｎｉｃ.ru",
            role="organisation_admin",
        )
    assert "уже отправлено" in refused.value.errors["email"][0]


def test_the_database_refuses_a_twin_in_another_case(specialist):
    """Written around the model, an address differing only in case is still refused."""
    twin = User.objects.create_user("twin@example.ru", "x-1234567890")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=twin.pk).update(email=specialist.email.upper())


def test_the_migration_normalises_and_sets_twins_aside(capsys):
    """Existing addresses are normalised; an account whose address folds onto another's is
    kept as it was, deactivated and reported; a pending invitation's twin is cancelled."""
    migration = importlib.import_module("nmo.accounts.migrations.0004_email_normalised_h_a2")
    first = User.objects.create_user("specialist@nmo.local", "x-1234567890")
    twin = User.objects.create_user("other@nmo.local", "x-1234567890")
    odd = User.objects.create_user("odd@nmo.local", "x-1234567890")
    User.objects.filter(pk=twin.pk).update(email=LONG_S)
    User.objects.filter(pk=odd.pk).update(email="ｏｄｄ@nmo.local")
    organisation = Organisation.objects.create(name="Клиника", kind="educational")
    now = timezone.now()
    invitations = [
        Invitation.objects.create(
            organisation=organisation,
            email=email,
            role="organisation_staff",
            nonce="n",
            sent_at=now - timedelta(minutes=minutes),
            expires_at=now + timedelta(days=7),
        )
        for email, minutes in (("staff@clinic.ru", 10), ("other@clinic.ru", 0))
    ]
    Invitation.objects.filter(pk=invitations[1].pk).update(email="ＳＴＡＦＦ@clinic.ru")
    migration.normalise_addresses(apps, None)
    assert User.objects.get(pk=first.pk).email == "specialist@nmo.local"
    assert User.objects.get(pk=odd.pk).email == "odd@nmo.local"
    set_aside = User.objects.get(pk=twin.pk)
    assert (set_aside.email, set_aside.is_active) == (LONG_S, False)
    assert f"учётная запись {twin.pk}" in capsys.readouterr().out
    older, newer = (Invitation.objects.get(pk=i.pk) for i in invitations)
    assert older.cancelled_at is not None
    assert (newer.email, newer.cancelled_at) == ("staff@clinic.ru", None)
