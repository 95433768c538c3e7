"""The programme's card in the public catalogue: what it costs, how it is paid, the seats
of its upcoming cohorts, and publishing it (issue 15, faq-join-steps, ADR 0116)."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import User
from nmo.core.services import record_audit
from nmo.programmes.exceptions import CatalogueCardInvalid
from nmo.programmes.models import Cohort, Programme
from nmo.programmes.rules import catalogue_card_errors, publication_errors
from nmo.programmes.selectors import open_cohorts
from nmo.programmes.types import CatalogueCardData


def _price(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _publication_errors(programme: Programme) -> dict[str, list[str]]:
    return publication_errors(
        summary=programme.summary,
        price=programme.price,
        by_certificate=programme.by_certificate,
        specialty_count=programme.specialties.filter(is_active=True).count(),
        open_cohort_count=open_cohorts().filter(programme=programme, seats__gt=0).count(),
    )


def _lock(actor: User, programme: Programme) -> Programme:
    require_staff_of(actor, programme.organisation)
    return Programme.objects.select_for_update().get(pk=programme.pk)


@transaction.atomic
def update_catalogue_card(
    *, actor: User, programme: Programme, data: CatalogueCardData
) -> Programme:
    """Change the programme's card: description, price, payment by an educational
    certificate, and the seats of its cohorts that have not started (a cohort that started
    or belongs to another programme is refused). A published programme must stay usable
    by a specialist (`publication_errors`): to take it out of the catalogue, unpublish it.
    Audited as "programme.catalogue_card" with the values before and after."""
    programme = _lock(actor, programme)
    summary = data.summary.strip()
    errors = catalogue_card_errors(summary=summary, price=data.price, seats=data.seats.values())
    upcoming = {
        c.pk: c
        for c in Cohort.objects.select_for_update().filter(
            programme=programme, starts_on__gte=timezone.localdate()
        )
    }
    if set(data.seats) - set(upcoming):
        errors.setdefault("seats", []).append(
            "Места указываются только в группах этой программы, обучение в которых ещё не началось."
        )
    if errors:
        raise CatalogueCardInvalid(errors=errors)
    before: dict[str, Any] = {
        "summary": programme.summary,
        "price": _price(programme.price),
        "by_certificate": programme.by_certificate,
    }
    programme.summary = summary
    programme.price = data.price
    programme.by_certificate = data.by_certificate
    programme.save(update_fields=["summary", "price", "by_certificate", "updated_at"])
    after: dict[str, Any] = {
        "summary": programme.summary,
        "price": _price(programme.price),
        "by_certificate": programme.by_certificate,
    }
    for cohort_id, seats in sorted(data.seats.items()):
        cohort = upcoming[cohort_id]
        if cohort.seats != seats:
            before[f"seats_{cohort_id}"], after[f"seats_{cohort_id}"] = cohort.seats, seats
            cohort.seats = seats
            cohort.save(update_fields=["seats", "updated_at"])
    if programme.published:
        problems = _publication_errors(programme)
        if problems:
            # The transaction rolls back: nothing of the card is saved.
            raise CatalogueCardInvalid(
                "Программа опубликована в каталоге, а с такими изменениями специалист не "
                "сможет ею воспользоваться. Исправьте карточку или снимите программу с "
                "публикации.",
                errors=problems,
            )
    changed = {k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]}
    if changed:
        record_audit(
            actor=actor, action="programme.catalogue_card", target=programme, changes=changed
        )
    return programme


@transaction.atomic
def publish_programme(*, actor: User, programme: Programme) -> Programme:
    """Put the programme into the public catalogue. Refused (`CatalogueCardInvalid`, each
    message saying what to add) when a specialist could not use it: no description, no
    price and no certificate payment, no specialty, or no upcoming cohort with seats.
    Publishing a published programme changes nothing. Audited as "programme.publish"."""
    programme = _lock(actor, programme)
    problems = _publication_errors(programme)
    if problems:
        raise CatalogueCardInvalid(errors=problems)
    if not programme.published:
        programme.published = True
        programme.save(update_fields=["published", "updated_at"])
        record_audit(actor=actor, action="programme.publish", target=programme)
    return programme


@transaction.atomic
def unpublish_programme(*, actor: User, programme: Programme) -> Programme:
    """Take the programme out of the public catalogue (its card and cohorts stay).
    Audited as "programme.unpublish"."""
    programme = _lock(actor, programme)
    if programme.published:
        programme.published = False
        programme.save(update_fields=["published", "updated_at"])
        record_audit(actor=actor, action="programme.unpublish", target=programme)
    return programme
