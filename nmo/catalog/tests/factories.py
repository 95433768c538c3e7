"""factory_boy factories of the catalog app."""

import factory
from faker import Faker

from nmo.catalog.models import Specialty, SpecialtyLevel

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
