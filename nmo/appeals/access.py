"""Who may see and act on appeals.

- The learner sees their own appeals and files them.
- The organisation's staff (the study department) see every appeal of their
  organisation, file paper applications, form commissions and record the hearing, the
  decision and the notice's posting.
- A person seated on an appeal commission sees the appeals it hears and signs the
  protocol of a hearing they attended. Of that commission, the chair presiding (the
  deputy chair in the chair's absence, npc-5.7) and the secretary (npc-5.9) record the
  attendance, the vote and the decision; the secretary records the notice's posting.

Anything else is NotFound (404), as if it did not exist; a role that may not act on an
appeal it sees gets PermissionDenied (403).
"""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_staff, require_staff_of
from nmo.accounts.models import User
from nmo.appeals.models import Appeal, AppealCommission, AppealProtocol, AppealSeat
from nmo.attestation.access import is_staff_of
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.regulations.types import CommissionRole

__all__ = [
    "access_appeal",
    "access_appeal_for_hearing",
    "access_appeal_for_notice",
    "access_appeal_for_staff",
    "access_commission",
    "access_protocol",
    "can_decide",
    "can_manage",
    "can_post_notice",
    "can_record_hearing",
    "is_staff_of",
    "require_notice_poster",
    "require_presiding_or_secretary",
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
    """Return whether the actor runs the appeal for the organisation (the study
    department: the commission, the hearing's day, the scan, and all the secretary does)."""
    return is_staff_of(actor, appeal.organisation_id)


_HEARING_ROLES = (CommissionRole.CHAIR, CommissionRole.DEPUTY_CHAIR, CommissionRole.SECRETARY)


def can_record_hearing(actor: User | AnonymousUser, appeal: Appeal) -> bool:
    """Return whether the actor may record who attended the hearing: the staff, or the
    chair, the deputy chair (for the absent chair) or the secretary of the appeal's
    commission. The service checks that the chair or deputy presides (npc-5.7)."""
    if can_manage(actor, appeal):
        return True
    seat = seat_on(actor, appeal.commission_id)
    return seat is not None and seat.role in _HEARING_ROLES


def can_decide(actor: User | AnonymousUser, appeal: Appeal) -> bool:
    """Return whether the actor may record the vote and the decision: the staff, the
    secretary (npc-5.9) or the person presiding at the hearing recorded (the chair, or
    the deputy chair in the chair's absence, npc-5.7)."""
    if can_manage(actor, appeal):
        return True
    seat = seat_on(actor, appeal.commission_id)
    if seat is None:
        return False
    return seat.role == CommissionRole.SECRETARY or seat.pk == appeal.presiding_seat_id


def can_post_notice(actor: User | AnonymousUser, appeal: Appeal) -> bool:
    """Return whether the actor may record the notice's posting (and print the letter):
    the staff or the commission's secretary, who informs the appellant (npc-5.9)."""
    if can_manage(actor, appeal):
        return True
    seat = seat_on(actor, appeal.commission_id)
    return seat is not None and seat.role == CommissionRole.SECRETARY


def access_appeal_for_hearing(actor: User | AnonymousUser, appeal_id: int) -> Appeal:
    """Return an appeal whose attendance, vote or decision the actor may record
    (`can_record_hearing`): 404 for what the actor may not see, 403 for a learner or a
    member who may only view and sign."""
    appeal = access_appeal(actor, appeal_id)
    if not can_record_hearing(actor, appeal):
        raise PermissionDenied()
    return appeal


def access_appeal_for_notice(actor: User | AnonymousUser, appeal_id: int) -> Appeal:
    """Return an appeal whose notice the actor may post (`can_post_notice`): 404 for what
    the actor may not see, 403 for anyone else who sees it."""
    appeal = access_appeal(actor, appeal_id)
    if not can_post_notice(actor, appeal):
        raise PermissionDenied()
    return appeal


def require_presiding_or_secretary(
    actor: User | AnonymousUser, appeal: Appeal, presiding_seat_id: int | None
) -> User:
    """For the services: the staff of the appeal's organisation, the secretary of its
    commission, or the person presiding at its hearing (`presiding_seat_id`: the chair, or
    the deputy chair in the chair's absence, npc-5.7). Another member: PermissionDenied
    (403) naming who records; anyone else as `require_staff_of` (403, or 404 for another
    organisation's staff)."""
    user = require_login(actor)
    if can_manage(user, appeal):
        return user
    seat = seat_on(user, appeal.commission_id)
    if seat is None:
        return require_staff_of(user, appeal.organisation)  # 403, or 404 for other staff
    if seat.role == CommissionRole.SECRETARY or seat.pk == presiding_seat_id:
        return user
    raise PermissionDenied(
        "Заседание и решение отмечают председательствующий (председатель или, в его "
        "отсутствие, заместитель председателя), секретарь комиссии или учебный отдел."
    )


def require_notice_poster(actor: User | AnonymousUser, appeal: Appeal) -> User:
    """For the services: the staff of the appeal's organisation or the secretary of its
    commission, who informs the appellant (npc-5.9); another member 403; anyone else as
    `require_staff_of` (403, or 404 for another organisation's staff)."""
    user = require_login(actor)
    if can_post_notice(user, appeal):
        return user
    if seat_on(user, appeal.commission_id) is None:
        return require_staff_of(user, appeal.organisation)  # 403, or 404 for other staff
    raise PermissionDenied(
        "Отправку уведомления отмечают секретарь апелляционной комиссии или учебный отдел."
    )
