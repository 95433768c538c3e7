"""Factories of the cycles tests: accredited catalogue activities created directly (the
accreditation workflow is the catalog app's), specialties from the nomenclature file."""

from datetime import date, datetime

import factory
from django.utils import timezone
from faker import Faker

from nmo.accounts.models import Organisation, OrganisationKind, User
from nmo.catalog.models import Activity, ActivityFormat, ActivityKind, ActivityStatus, Specialty
from nmo.catalog.services import load_specialties
from nmo.cycles.models import CreditEntry
from nmo.cycles.services import SyncedCredit, record_synced_credits

_faker = Faker("ru_RU")

CARDIOLOGY = "31.08.36"
THERAPY = "31.08.49"
PROVIDER_NAME = "Общество кардиологов"


def specialty(code: str = CARDIOLOGY) -> Specialty:
    """A specialty of the real nomenclature (loaded once per test database)."""
    if not Specialty.objects.filter(code=code).exists():
        load_specialties()
    return Specialty.objects.get(code=code)


def provider_organisation(name: str = PROVIDER_NAME) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"kind": OrganisationKind.PROVIDER}
    )
    return organisation


def _submitter() -> User:
    user = User.objects.filter(email="submitter@example.ru").first()
    if user is None:
        user = User.objects.create_user(
            "submitter@example.ru", None, last_name="Подавший", first_name="Заявку"
        )
    return user


class ActivityFactory(factory.django.DjangoModelFactory):
    """An accredited e-module of the catalogue for cardiology, held in Russia, listed for
    2025–2026, worth 4 credits. Pass `specialties=[codes]` to change the specialties."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    provider = factory.LazyFunction(provider_organisation)
    submitted_by = factory.LazyFunction(_submitter)
    kind = ActivityKind.MODULE
    title = factory.LazyFunction(lambda: f"Модуль {_faker.unique.numerify('####')}")
    format = ActivityFormat.ONLINE
    starts_on = date(2025, 1, 1)
    ends_on = date(2026, 12, 31)
    country = "RU"
    hours_requested = 4
    status = ActivityStatus.ACCREDITED
    credits = 4

    @factory.post_generation
    def specialties(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create:
            return
        codes = extracted if extracted is not None else [CARDIOLOGY]
        self.specialties.set([specialty(code) for code in codes])


def module(**kwargs: object) -> Activity:
    return ActivityFactory(**kwargs)


def event(**kwargs: object) -> Activity:
    defaults: dict[str, object] = {
        "kind": ActivityKind.EVENT,
        "format": ActivityFormat.IN_PERSON,
        "title": f"Конференция {_faker.unique.numerify('####')}",
        "starts_on": date(2025, 10, 1),
        "ends_on": date(2025, 10, 2),
        "credits": 6,
        "hours_requested": 6,
    }
    defaults.update(kwargs)
    return ActivityFactory(**defaults)


def set_foreign_credits(*, allowed: bool) -> None:
    """Switch the catalogue's credit policy for activities abroad (faq-foreign)."""
    from nmo.catalog.models import CreditPolicy

    CreditPolicy.objects.update_or_create(
        pk=1, defaults={"foreign_credits_allowed": allowed, "basis": "тест"}
    )


def synced_credit(
    specialist: User,
    *,
    portal: str,
    source_id: str = "4217",
    title: str = "Конференция по кардиологии",
    synced_at: datetime | None = None,
) -> CreditEntry:
    """A 6-credit event brought over from the credit portal `portal` by the link between
    the portals (its record № `source_id` there), booked through the ledger's service."""
    record_synced_credits(
        specialist=specialist,
        source_portal=portal,
        credits=[
            SyncedCredit(
                source_id=source_id,
                kind="event",
                hours=6,
                occurred_on=date(2025, 10, 1),
                specialty_code=CARDIOLOGY,
                title=title,
            )
        ],
        synced_at=synced_at or timezone.now(),
    )
    return CreditEntry.objects.get(source_portal=portal, source_id=source_id)
