"""factory_boy factories of the catalog app."""

import datetime

import factory
from django.utils import timezone
from faker import Faker

from nmo.accounts.models import Organisation, OrganisationKind, User
from nmo.catalog.models import Activity, Specialty, SpecialtyLevel
from nmo.catalog.types import ActivityFormat, ActivityKind, ActivityStatus

_faker = Faker("ru_RU")


class SpecialtyFactory(factory.django.DjangoModelFactory):
    """A specialty with a made-up code ("99.xx.xxx", a group no real programme uses) and a
    unique name, active and not edited by an administrator."""

    class Meta:
        model = Specialty

    code = factory.LazyFunction(lambda: _faker.unique.numerify("99.##.###"))
    name = factory.LazyFunction(lambda: f"Специальность {_faker.unique.numerify('######')}")
    level = SpecialtyLevel.HIGHER_MEDICAL
    is_active = True
    edited_by_admin = False


class ProviderFactory(factory.django.DjangoModelFactory):
    """A provider organisation (a professional NGO that runs events and modules)."""

    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.LazyFunction(lambda: f"Общество специалистов № {_faker.unique.numerify('####')}")
    kind = OrganisationKind.PROVIDER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.LazyFunction(lambda: _faker.unique.email())
    last_name = factory.LazyFunction(_faker.last_name)
    first_name = factory.LazyFunction(_faker.first_name)


class ActivityFactory(factory.django.DjangoModelFactory):
    """A submitted in-person event in Moscow with one specialty; `accredited=True` (or
    `rejected=True`) gives a decided one. Pass `specialties=[...]` to choose them."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    submitted_by = factory.SubFactory(UserFactory)
    kind = ActivityKind.EVENT
    title = factory.Sequence(lambda n: f"Конференция «Актуальные вопросы медицины» № {n}")
    format = ActivityFormat.IN_PERSON
    starts_on = datetime.date(2026, 3, 10)
    ends_on = factory.LazyAttribute(lambda a: a.starts_on)
    location = "Москва, ул. Тверская, д. 1"
    country = "RU"
    hours_requested = 12
    status = ActivityStatus.SUBMITTED

    class Params:
        accredited = factory.Trait(
            status=ActivityStatus.ACCREDITED,
            credits=factory.LazyAttribute(lambda a: a.hours_requested),
            decided_at=factory.LazyFunction(timezone.now),
        )
        rejected = factory.Trait(
            status=ActivityStatus.REJECTED,
            decided_at=factory.LazyFunction(timezone.now),
        )
        module = factory.Trait(
            kind=ActivityKind.MODULE,
            format=ActivityFormat.ONLINE,
            location="",
            ends_on=factory.LazyAttribute(lambda a: a.starts_on + datetime.timedelta(days=90)),
        )

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [SpecialtyFactory()]
        self.specialties.set(extracted)
