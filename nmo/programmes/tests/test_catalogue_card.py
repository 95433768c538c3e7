"""A programme's card in the public catalogue: the organisation edits it and publishes the
programme only when a specialist could use it (issue 15 point 1, ADR 0116); seats left."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from nmo.accounts.models import User
from nmo.catalog.models import Specialty
from nmo.catalog.services import load_specialties
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.programmes import selectors, services
from nmo.programmes.exceptions import CatalogueCardInvalid
from nmo.programmes.models import (
    ApplicationStatus,
    PaymentBasis,
    Programme,
    ProgrammeApplication,
)
from nmo.programmes.tests.factories import enrol, make_cohort, make_programme
from nmo.programmes.types import CatalogueCardData

TODAY = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def paediatrics(db):
    load_specialties()
    return Specialty.objects.get(code="31.08.19")


@pytest.fixture
def offered(npc, paediatrics):
    """A programme with a specialty and an upcoming cohort (from 4 May 2026)."""
    programme = make_programme(npc, specialty_ids=(paediatrics.pk,))
    cohort = make_cohort(npc, programme)
    return programme, cohort


def card(**overrides):
    values = {"summary": "Для педиатров: неотложные состояния у детей.", "price": Decimal("12500")}
    values.update(overrides)
    return CatalogueCardData(**values)


def test_the_staff_fill_the_card_and_publish(npc, offered):
    """Description, price and the seats of an upcoming cohort are saved and audited; then
    the programme is published, once."""
    programme, cohort = offered

    services.update_catalogue_card(
        actor=npc.staff, programme=programme, data=card(seats={cohort.pk: 20})
    )
    services.publish_programme(actor=npc.staff, programme=programme)
    services.publish_programme(actor=npc.staff, programme=programme)

    programme.refresh_from_db()
    cohort.refresh_from_db()
    assert programme.published
    assert programme.price == Decimal("12500.00")
    assert cohort.seats == 20
    actions = list(
        AuditEntry.objects.filter(action__startswith="programme.").values_list("action", flat=True)
    )
    assert actions.count("programme.publish") == 1
    assert "programme.catalogue_card" in actions
    changes = AuditEntry.objects.get(action="programme.catalogue_card").changes
    assert changes[f"seats_{cohort.pk}"] == {"before": None, "after": 20}
    assert changes["price"] == {"before": None, "after": "12500.00"}


def test_publishing_is_refused_with_every_missing_thing_named(npc):
    """No description, no price nor certificate, no specialty, no cohort with seats: the
    refusal names each, in Russian, and nothing is published."""
    programme = make_programme(npc)
    make_cohort(npc, programme)

    with pytest.raises(CatalogueCardInvalid) as refused:
        services.publish_programme(actor=npc.staff, programme=programme)

    errors = refused.value.errors
    assert set(errors) == {"summary", "price", "specialties", "seats"}
    assert "образовательным сертификатом" in errors["price"][0]
    assert "ни одной специальности" in errors["specialties"][0]
    assert "число мест" in errors["seats"][0]
    assert not Programme.objects.get(pk=programme.pk).published
    assert not AuditEntry.objects.filter(action="programme.publish").exists()


def test_a_cohort_that_started_does_not_make_a_programme_publishable(npc, paediatrics):
    """Only a cohort that has not started takes applications; its seats cannot be set on
    the card either."""
    programme = make_programme(npc, specialty_ids=(paediatrics.pk,))
    started = make_cohort(
        npc,
        programme,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 4, 10),
        attestation_date=date(2026, 4, 10),
    )

    with pytest.raises(CatalogueCardInvalid) as refused:
        services.update_catalogue_card(
            actor=npc.staff, programme=programme, data=card(seats={started.pk: 10})
        )
    assert "ещё не началось" in refused.value.errors["seats"][0]
    services.update_catalogue_card(actor=npc.staff, programme=programme, data=card())
    with pytest.raises(CatalogueCardInvalid) as refused:
        services.publish_programme(actor=npc.staff, programme=programme)
    assert set(refused.value.errors) == {"seats"}


def test_a_certificate_instead_of_a_price_is_enough(npc, offered):
    programme, cohort = offered
    services.update_catalogue_card(
        actor=npc.staff,
        programme=programme,
        data=card(price=None, by_certificate=True, seats={cohort.pk: 5}),
    )

    published = services.publish_programme(actor=npc.staff, programme=programme)

    assert published.published
    assert published.price is None
    assert published.by_certificate


def test_a_published_card_cannot_be_emptied_and_nothing_is_half_saved(npc, offered):
    """Taking the last seats off a published programme is refused with the reason; the
    price typed in the same form is not saved either."""
    programme, cohort = offered
    services.update_catalogue_card(
        actor=npc.staff, programme=programme, data=card(seats={cohort.pk: 5})
    )
    services.publish_programme(actor=npc.staff, programme=programme)

    with pytest.raises(CatalogueCardInvalid) as refused:
        services.update_catalogue_card(
            actor=npc.staff,
            programme=programme,
            data=card(price=Decimal("99"), seats={cohort.pk: None}),
        )

    assert "снимите программу с публикации" in refused.value.message
    programme.refresh_from_db()
    cohort.refresh_from_db()
    assert programme.price == Decimal("12500.00")
    assert cohort.seats == 5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (card(summary="я" * 2001), "summary"),
        (card(price=Decimal("-1")), "price"),
        (card(price=Decimal("10000000.01")), "price"),
    ],
)
def test_bad_values_are_refused(npc, offered, data, field):
    programme, _ = offered
    with pytest.raises(CatalogueCardInvalid) as refused:
        services.update_catalogue_card(actor=npc.staff, programme=programme, data=data)
    assert field in refused.value.errors


@pytest.mark.parametrize("seats", [0, 10_001])
def test_seats_out_of_range_are_refused(npc, offered, seats):
    programme, cohort = offered
    with pytest.raises(CatalogueCardInvalid) as refused:
        services.update_catalogue_card(
            actor=npc.staff, programme=programme, data=card(seats={cohort.pk: seats})
        )
    assert "от 1 до 10000" in refused.value.errors["seats"][0]


def test_unpublishing_takes_it_out_and_is_audited(npc, offered):
    programme, cohort = offered
    services.update_catalogue_card(
        actor=npc.staff, programme=programme, data=card(seats={cohort.pk: 5})
    )
    services.publish_programme(actor=npc.staff, programme=programme)

    services.unpublish_programme(actor=npc.staff, programme=programme)

    assert not Programme.objects.get(pk=programme.pk).published
    assert selectors.get_catalogue_programme(programme.pk) is None
    assert AuditEntry.objects.filter(action="programme.unpublish").count() == 1


def test_only_the_organisations_staff_publish(npc, offered, outsider, specialist):
    """Staff of another organisation: 404 (not theirs to see); anyone else: 403."""
    programme, _ = offered
    with pytest.raises(NotFound):
        services.publish_programme(actor=outsider, programme=programme)
    with pytest.raises(PermissionDenied):
        services.update_catalogue_card(actor=specialist, programme=programme, data=card())
    with pytest.raises(PermissionDenied):
        services.unpublish_programme(actor=specialist, programme=programme)


def test_seats_left_count_the_applications_that_hold_a_seat_never_below_zero(npc, offered):
    """One selector says what takes a catalogue seat (an application filed or accepted,
    ADR 0117); the bulk annotation and the single cohort agree, a learner the
    organisation enrols itself takes none, a declined or withdrawn application frees its
    seat, and seats cut below the applications leave 0, not a negative number."""
    programme, cohort = offered
    assert selectors.seats_left(cohort) is None  # takes no applications
    services.update_catalogue_card(
        actor=npc.staff, programme=programme, data=card(seats={cohort.pk: 2})
    )
    cohort.refresh_from_db()
    assert selectors.seats_left(cohort) == 2
    enrol(npc, cohort, n=1)  # the organisation's own learner
    assert selectors.seats_left(cohort) == 2

    def application(n: int, status: str) -> ProgrammeApplication:
        specialist = User.objects.create_user(
            email=f"seat{n}@example.ru", password="x" * 12, last_name="Местова", first_name="Анна"
        )
        return ProgrammeApplication.objects.create(
            specialist=specialist,
            cohort=cohort,
            payment_basis=PaymentBasis.SPECIALIST_CONTRACT,
            status=status,
            decision_reason="Группа укомплектована."
            if status == ApplicationStatus.DECLINED
            else "",
        )

    first = application(1, ApplicationStatus.FILED)
    assert selectors.seats_left(cohort) == 1
    application(2, ApplicationStatus.DECLINED)
    assert selectors.seats_left(cohort) == 1
    ProgrammeApplication.objects.filter(pk=first.pk).update(status=ApplicationStatus.WITHDRAWN)
    assert selectors.seats_left(cohort) == 2
    application(3, ApplicationStatus.FILED)
    application(4, ApplicationStatus.FILED)
    application(5, ApplicationStatus.FILED)  # as if the seats were cut after filing
    assert selectors.seats_left(cohort) == 0
    bulk = selectors.upcoming_cohorts(programme).get(pk=cohort.pk)
    assert bulk.seats_left == 0
    assert bulk.seats_taken == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
@pytest.mark.django_db
def test_postgresql_has_the_catalogue_indexes_of_programmes():
    """Migration 0007: the trigram index of the title search and the partial indexes of
    the filters and of the open cohorts (ADR 0116)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename IN ('programmes_programme', 'programmes_cohort')"
        )
        indexes = dict(cursor.fetchall())

    assert "gin (title_search gin_trgm_ops)" in indexes["programme_title_trgm_idx"]
    assert "WHERE published" in indexes["programme_published_kind_idx"]
    assert "WHERE (seats IS NOT NULL)" in indexes["cohort_open_start_idx"]
