"""The rows the replica test starts from, written to the throwaway primary before the
standby is copied from it: the specialties, an accreditation expert, a provider's two
applications awaiting the expert's decision and a confirmation code of the first. Run by
tests/replica/cluster.py as `python -m tests.replica.seed` with the server's settings;
prints the applications' ids, one a line."""

import datetime as dt

import django
from django.utils import timezone

django.setup()

from nmo.accounts.services import add_user  # noqa: E402
from nmo.catalog.models import Specialty  # noqa: E402
from nmo.catalog.services import load_specialties  # noqa: E402
from nmo.catalog.tests.factories import ActivityFactory  # noqa: E402
from nmo.codes.models import ConfirmationCode  # noqa: E402
from tests.replica.cluster import CODE, PASSWORD, SECOND_TITLE, TITLE  # noqa: E402

load_specialties()
add_user(email="expert@example.ru", password=PASSWORD, role="accreditation_expert")
provider = add_user(
    email="provider@example.ru",
    password=PASSWORD,
    role="provider",
    organisation_name="Общество кардиологов",
)
ids = [
    ActivityFactory(
        provider=provider.memberships.get().organisation,
        submitted_by=provider,
        title=title,
        starts_on=dt.date(2027, 3, 12),
        specialties=Specialty.objects.all()[:1],
    ).pk
    for title in (TITLE, SECOND_TITLE)
]
ConfirmationCode.objects.create(value=CODE, activity_id=ids[0], issued_at=timezone.now())
print(*ids, sep="\n")
