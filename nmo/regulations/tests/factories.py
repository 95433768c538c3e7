import factory

from nmo.accounts.models import Organisation, OrganisationKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Образовательная организация № {n}")
    kind = OrganisationKind.EDUCATIONAL
