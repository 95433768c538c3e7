"""Who may see and act on appeals.

- The learner sees their own appeals and files them.
- The organisation's staff (the study department, the secretary) see every appeal of
  their organisation, file paper applications, form commissions and record the hearing.
- A person seated on an appeal commission sees the appeals it hears and signs the
  protocol of a hearing they attended.

Anything else is NotFound (404), as if it did not exist; a role that may not act on an
appeal it sees gets PermissionDenied (403).
"""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_staff, require_staff_of
from nmo.accounts.models import User
from nmo.appeals.models import Appeal, AppealCommission, AppealProtocol, AppealSeat
from nmo.attestation.access import is_staff_of
from nmo.core.exceptions import NotFound

__all__ = [
    "access_appeal",
    "access_appeal_for_staff",
    "access_commission",
    "access_protocol",
    "can_manage",
    "is_staff_of",
    "seat_on",
]


def seat_on(actor: User | AnonymousUser, commission_id: int | None) -> AppealSeat | None:
    """Return the actor's seat on the appeal commission, or None."""
    if commission_id is None or not isinstance(actor, User):
        return None
    return (
        AppealSeat.objects.filter(commission_id=commission_id, person=actor)
        .select_related("person")
        .first()
    )


def access_appeal(actor: User | AnonymousUser, appeal_id: int) -> Appeal:
    """Return an appeal for its appellant, the staff of its organisation or a person
    seated on the commission that hears it; NotFound for anyone else."""
    user = require_login(actor)
    appeal = (
        Appeal.objects.select_related(
            "organisation",
            "learner",
            "commission",
            "regulation_version__regulation",
            "learner_result__attestation__cohort__programme",
            "learner_result__attestation__commission__specialty",
            "presiding_seat__person",
        )
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise NotFound()
    if appeal.learner_id == user.pk or is_staff_of(user, appeal.organisation_id):
        return appeal
    if seat_on(user, appeal.commission_id) is not None:
        return appeal
    raise NotFound()


def access_appeal_for_staff(actor: User | AnonymousUser, appeal_id: int) -> Appeal:
    """Return an appeal for the staff of its organisation: 403 without the staff role,
    404 for another organisation's appeal."""
    require_staff(actor)
    appeal = access_appeal(actor, appeal_id)
    require_staff_of(actor, appeal.organisation)
    return appeal


def access_commission(actor: User | AnonymousUser, commission_id: int) -> AppealCommission:
    """Return an appeal commission for the staff of its organisation."""
    require_staff(actor)
    commission = (
        AppealCommission.objects.select_related("organisation").filter(pk=commission_id).first()
    )
    if commission is None:
        raise NotFound()
    require_staff_of(actor, commission.organisation)
    return commission


def access_protocol(actor: User | AnonymousUser, appeal_id: int) -> AppealProtocol:
    """Return the protocol of an appeal the actor may see."""
    appeal = access_appeal(actor, appeal_id)
    protocol = AppealProtocol.objects.filter(appeal=appeal).first()
    if protocol is None:
        raise NotFound()
    protocol.appeal = appeal
    return protocol


def can_manage(actor: User | AnonymousUser, appeal: Appeal) -> bool:
    """Return whether the actor records the appeal's hearing and notice (the staff)."""
    return is_staff_of(actor, appeal.organisation_id)
