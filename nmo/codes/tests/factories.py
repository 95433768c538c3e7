"""Factories of the codes tests.

Activities are created directly (the catalogue's own services are being written
alongside): an accredited event of a provider's organisation, with specialties from the
nomenclature loaded by `nmo.catalog.services.load_specialties`.
"""

import datetime as dt
import secrets
from typing import Any

import factory
from faker import Faker

from nmo.accounts.models import Organisation, Role
from nmo.accounts.services import add_user
from nmo.catalog.models import Activity, ActivityFormat, ActivityKind, ActivityStatus, Specialty
from nmo.codes.models import ConfirmationCode, Participant
from nmo.codes.rules import generate_code_value

_faker = Faker("ru_RU")
SPECIALTY_CODES = ("31.08.36",)  # «Кардиология»
PASSWORD = "correct-horse-battery-staple"


def ensure_specialties() -> None:
    if not Specialty.objects.exists():
        from nmo.catalog.services import load_specialties

        load_specialties()


def provider_staff(email: str, organisation_name: str) -> Any:
    """A user with the provider role in the organisation (created if missing)."""
    return add_user(
        email=email, password=PASSWORD, role=Role.PROVIDER, organisation_name=organisation_name
    )


def make_specialist(email: str, **names: str) -> Any:
    return add_user(
        email=email,
        password=PASSWORD,
        role=Role.SPECIALIST,
        last_name=names.get("last_name", "Петров"),
        first_name=names.get("first_name", "Пётр"),
        middle_name=names.get("middle_name", ""),
    )


def accredited_event(
    *,
    provider: Organisation | None = None,
    submitted_by: Any = None,
    title: str = "Актуальные вопросы кардиологии",
    starts_on: dt.date = dt.date(2025, 3, 12),
    ends_on: dt.date = dt.date(2025, 3, 13),
    credits: int | None = 6,
    kind: str = ActivityKind.EVENT,
    status: str = ActivityStatus.ACCREDITED,
    location: str = "Москва, Краснопресненская наб., 12",
    specialty_codes: tuple[str, ...] = SPECIALTY_CODES,
) -> Activity:
    """An activity as the commission left it: by default an accredited two-day event of
    6 credits in cardiology."""
    ensure_specialties()
    if submitted_by is None:
        submitted_by = provider_staff("events-provider@example.ru", "Общество кардиологов")
    if provider is None:
        provider = Organisation.objects.get(
            memberships__user=submitted_by, memberships__role=Role.PROVIDER
        )
    activity = Activity.objects.create(
        provider=provider,
        submitted_by=submitted_by,
        kind=kind,
        title=title,
        format=ActivityFormat.IN_PERSON,
        starts_on=starts_on,
        ends_on=ends_on,
        location=location,
        hours_requested=credits or 6,
        status=status,
        credits=credits if status == ActivityStatus.ACCREDITED else None,
    )
    activity.specialties.set(Specialty.objects.filter(code__in=specialty_codes))
    return activity


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    full_name = factory.LazyFunction(lambda: _faker.name())
    email = factory.LazyFunction(lambda: _faker.unique.email())
    snils = None


_CODE_RNG = secrets.SystemRandom()


class ConfirmationCodeFactory(factory.django.DjangoModelFactory):
    """A code issued directly (bypassing issue_codes) for tests of activation."""

    class Meta:
        model = ConfirmationCode

    value = factory.LazyFunction(lambda: generate_code_value(_CODE_RNG))
    issued_at = factory.LazyFunction(lambda: dt.datetime.now(tz=dt.UTC))


def issued_codes(actor: Any, activity: Activity, count: int) -> list[ConfirmationCode]:
    """Issue codes through the service and return them as rows, in the order issued."""
    from nmo.codes.services import issue_codes

    issued = issue_codes(actor=actor, activity=activity, count=count)
    rows = ConfirmationCode.objects.in_bulk(list(issued.codes), field_name="value")
    return [rows[value] for value in issued.codes]
