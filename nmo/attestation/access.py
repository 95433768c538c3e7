"""Who may see and act on commissions, attestations and their records.

- Commissions are managed by the organisation's staff (`organisation_staff`).
- An attestation is seen and its results entered by the staff of the cohort's
  organisation and by the persons seated on its commission (chair, deputy chair, members,
  secretary).
- A learner sees only their own results (the cabinet page).

Anything else is NotFound (404), as if it did not exist; a visitor who is not signed in
gets NotAuthenticated.
"""

from collections.abc import Collection, Iterable

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_role, require_staff, require_staff_of
from nmo.accounts.models import Organisation, Role, User
from nmo.accounts.selectors import get_organisation, has_role
from nmo.attestation import selectors
from nmo.attestation.models import (
    Attestation,
    AttestationDocument,
    Commission,
    CommissionSeat,
    LearnerResult,
    RetakeApplication,
)
from nmo.core.exceptions import NotFound


def is_staff_of(actor: User | AnonymousUser, organisation: Organisation | int) -> bool:
    """Return whether the actor is organisation staff of the organisation."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if isinstance(organisation, int):
        organisation = get_organisation(organisation)
    return has_role(actor, Role.ORGANISATION_STAFF, organisation)


def seat_of(actor: User | AnonymousUser, commission_id: int) -> CommissionSeat | None:
    """Return the actor's active seat in the commission, or None."""
    if not actor.is_authenticated:
        return None
    return (
        CommissionSeat.objects.filter(commission_id=commission_id, person=actor, is_active=True)
        .select_related("person")
        .first()
    )


def check_commission_staff(actor: User | AnonymousUser, organisation: Organisation) -> None:
    """Refuse anyone but the organisation's staff (NotFound for another organisation)."""
    require_role(actor, Role.ORGANISATION_STAFF)
    if not has_role(actor, Role.ORGANISATION_STAFF, organisation):
        raise NotFound()


def check_attestation_actor(actor: User | AnonymousUser, attestation: Attestation) -> None:
    """Refuse anyone who may not enter the attestation's results: only the staff of the
    organisation and the persons seated on its commission may (NotFound otherwise)."""
    require_login(actor)
    organisation_id = attestation.commission.organisation_id
    if is_staff_of(actor, organisation_id):
        return
    if seat_of(actor, attestation.commission_id) is None:
        raise NotFound()


def access_commission(actor: User | AnonymousUser, commission_id: int) -> Commission:
    """Return a commission for the staff of its organisation."""
    require_role(actor, Role.ORGANISATION_STAFF)
    commission = (
        Commission.objects.select_related("organisation", "specialty", "unit")
        .filter(pk=commission_id)
        .first()
    )
    if commission is None or not has_role(actor, Role.ORGANISATION_STAFF, commission.organisation):
        raise NotFound()
    return commission


def access_attestation(actor: User | AnonymousUser, attestation_id: int) -> Attestation:
    """Return an attestation for the staff of its organisation or a person seated on its
    commission."""
    require_login(actor)
    attestation = (
        Attestation.objects.select_related(
            "cohort__programme__organisation",
            "cohort__unit",
            "commission__organisation",
            "commission__specialty",
            "regulation_version__regulation",
            "presiding_seat__person",
        )
        .filter(pk=attestation_id)
        .first()
    )
    if attestation is None:
        raise NotFound()
    check_attestation_actor(actor, attestation)
    return attestation


def access_learner_result(
    actor: User | AnonymousUser, attestation: Attestation, result_id: int
) -> LearnerResult:
    """Return a learner's row of an attestation the actor already accessed."""
    result = (
        LearnerResult.objects.select_related("enrolment__learner")
        .filter(pk=result_id, attestation=attestation)
        .first()
    )
    if result is None:
        raise NotFound()
    return result


def access_record(
    actor: User | AnonymousUser, attestation: Attestation, record_id: int
) -> AttestationDocument:
    """Return a record of an attestation the actor already accessed."""
    record = AttestationDocument.objects.filter(pk=record_id, attestation=attestation).first()
    if record is None:
        raise NotFound()
    return record


def can_manage_commissions(actor: User | AnonymousUser) -> bool:
    """Return whether the actor is organisation staff anywhere (the commissions pages)."""
    return bool(getattr(actor, "is_authenticated", False)) and has_role(
        actor, Role.ORGANISATION_STAFF
    )


def can_list_attestations(actor: User | AnonymousUser) -> bool:
    """Return whether the actor may open the list of attestations: organisation staff, a
    person seated on a commission, or one invited as a commission member and not seated
    yet (the list tells them so)."""
    return (
        can_manage_commissions(actor)
        or selectors.is_seated(actor)
        or (
            bool(getattr(actor, "is_authenticated", False))
            and has_role(actor, Role.COMMISSION_MEMBER)
        )
    )


def can_sign(
    seat: CommissionSeat | None,
    record: AttestationDocument,
    signers: Iterable[selectors.Signer],
    signed_seat_ids: Collection[int],
) -> bool:
    """Return whether the holder of `seat` may sign the record now: it is not frozen, the
    seat is one of its signers (npc-2.13, rgmu-2.13) and has not signed it yet. The
    service (`sign_record`) checks the same and says why not."""
    return (
        seat is not None
        and not record.is_frozen
        and seat.pk in {s.seat.pk for s in signers}
        and seat.pk not in signed_seat_ids
    )


def can_reopen(attestation: Attestation, records: Iterable[AttestationDocument]) -> bool:
    """Return whether a decided attestation may go back to the entry of results: none of
    its current records is frozen (ADR 0105; the service checks it again)."""
    return attestation.is_decided and not any(r.is_frozen for r in records)


def access_attestation_for_staff(actor: User | AnonymousUser, attestation_id: int) -> Attestation:
    """Return an attestation for the staff of its organisation only (the API)."""
    require_role(actor, Role.ORGANISATION_STAFF)
    attestation = (
        Attestation.objects.select_related("cohort__programme", "commission__specialty")
        .filter(pk=attestation_id)
        .first()
    )
    if attestation is None or not is_staff_of(actor, attestation.commission.organisation_id):
        raise NotFound()
    return attestation


def access_own_learner_result(actor: User | AnonymousUser, result_id: int) -> LearnerResult:
    """Return one of the learner's own results (the retake application); anyone else's is
    NotFound."""
    learner = require_login(actor)
    result = (
        LearnerResult.objects.select_related(
            "attestation__cohort__programme",
            "attestation__regulation_version__regulation",
            "enrolment__learner",
        )
        .filter(pk=result_id, enrolment__learner=learner)
        .first()
    )
    if result is None:
        raise NotFound()
    return result


def access_retake_application(
    actor: User | AnonymousUser, application_id: int
) -> RetakeApplication:
    """Return a retake application for the staff of the attestation's organisation."""
    require_role(actor, Role.ORGANISATION_STAFF)
    application = (
        RetakeApplication.objects.select_related("attestation__commission")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not is_staff_of(
        actor, application.attestation.commission.organisation_id
    ):
        raise NotFound()
    return application


def access_learner_result_for_staff(actor: User | AnonymousUser, result_pk: int) -> LearnerResult:
    """A learner's result for the staff of the attestation's organisation: 403 without the
    staff role, 404 for another organisation's result."""
    require_staff(actor)
    result = (
        LearnerResult.objects.select_related(
            "enrolment__learner",
            "attestation__cohort__programme",
            "attestation__commission__organisation",
            "attestation__regulation_version__regulation",
        )
        .filter(pk=result_pk)
        .first()
    )
    if result is None:
        raise NotFound()
    require_staff_of(actor, result.attestation.commission.organisation)
    return result


def access_learner_result_for_applicant(
    actor: User | AnonymousUser, result_id: int
) -> LearnerResult:
    """The learner's own result, or one of the staff's organisations; anything else 404."""
    require_login(actor)
    result = (
        LearnerResult.objects.select_related(
            "enrolment__learner",
            "attestation__commission",
            "attestation__regulation_version__regulation",
        )
        .filter(pk=result_id)
        .first()
    )
    if result is None or not (
        result.enrolment.learner_id == actor.pk
        or is_staff_of(actor, result.attestation.commission.organisation_id)
    ):
        raise NotFound()
    return result
