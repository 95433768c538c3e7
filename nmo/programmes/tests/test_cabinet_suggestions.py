"""The cabinet's «Программы ДПП» section suggests the open cohorts of programmes for the
specialties of the specialist's cycles (faq-join-steps, step 1, ADR 0117); the list is
kept a minute in the cache for everyone of those specialties, and a cohort the specialist
has applied for is not suggested again, cached or not."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from nmo.catalog.services import load_specialties
from nmo.cycles.services import enter_cycle
from nmo.programmes import services
from nmo.programmes.tests.test_applications import another_specialist, offered, signed_in
from nmo.programmes.types import ApplicationRequest
from tests.e2e.helpers import ensure_default_cycle_rule

pytestmark = pytest.mark.django_db

PEDIATRICS = "31.08.19"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _in_cycle(person):
    load_specialties()
    ensure_default_cycle_rule()
    enter_cycle(specialist=person, specialty_code=PEDIATRICS, starts_on=date(2025, 3, 1))
    return person


def _suggested(client, cohort) -> bool:
    page = client.get(reverse("cycles:cabinet")).content.decode()
    return reverse("programmes:apply", kwargs={"cohort_pk": cohort.pk}) in page


@pytest.mark.clause("faq-join-steps")
def test_the_cabinet_suggests_open_cohorts_of_the_cycles_specialties(npc, specialist):
    cohort = offered(npc, seats=3)
    cohort.programme.specialties.set([_pediatrics()])
    me = signed_in(_in_cycle(specialist))
    page = me.get(reverse("cycles:cabinet")).content.decode()
    assert "Группы программ ДПП по вашим специальностям" in page
    assert f"«{cohort.programme.title}», {npc.organisation}, 36 ч" in page
    assert _suggested(me, cohort)

    # Another paediatrician is served the same list from the cache; she applies, and her
    # cabinet no longer suggests the cohort although the cached list still holds it.
    other = _in_cycle(another_specialist())
    services.apply_for_cohort(
        actor=other,
        cohort=cohort,
        request=ApplicationRequest(payment_basis="specialist_contract"),
    )
    theirs = signed_in(other)
    assert not _suggested(theirs, cohort)
    assert "заявка №" in theirs.get(reverse("cycles:cabinet")).content.decode()
    assert _suggested(me, cohort)


def test_no_cycle_no_suggestions(npc, specialist):
    offered(npc, seats=3).programme.specialties.set([_pediatrics()])
    page = signed_in(specialist).get(reverse("cycles:cabinet")).content.decode()
    assert "Группы программ ДПП по вашим специальностям" not in page


def _pediatrics():
    from nmo.catalog.models import Specialty

    load_specialties()
    return Specialty.objects.get(code=PEDIATRICS)


def test_the_section_is_kept_and_a_change_of_the_application_shows_at_once(
    npc, specialist, django_capture_on_commit_callbacks
):
    """A repeat visit serves the section from the cache without reading the
    applications; the study department's decision shows on the very next visit (the
    section is forgotten when the decision commits)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort = offered(npc, seats=3)
    cohort.programme.specialties.set([_pediatrics()])
    me = signed_in(_in_cycle(specialist))
    with django_capture_on_commit_callbacks(execute=True):
        application = services.apply_for_cohort(
            actor=specialist,
            cohort=cohort,
            request=ApplicationRequest(payment_basis="specialist_contract"),
        )
    assert "<strong>подана</strong>" in me.get(reverse("cycles:cabinet")).content.decode()
    with CaptureQueriesContext(connection) as seen:
        again = me.get(reverse("cycles:cabinet")).content.decode()
    assert "<strong>подана</strong>" in again
    assert not [q for q in seen.captured_queries if "programmes_programmeapplication" in q["sql"]]
    assert not [q for q in seen.captured_queries if '"cycles_cycle"' in q["sql"]]

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_application(actor=npc.staff, application=application)
    assert "<strong>принята</strong>" in me.get(reverse("cycles:cabinet")).content.decode()
