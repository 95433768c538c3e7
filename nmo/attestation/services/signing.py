"""Signing every record of an attestation that awaits one person in one action (ADR 0115):
each record is signed by `sign_record` as when it is signed alone — the same checks, one
`document.sign` line each, and the freeze at the last signature (ADR 0105) — all in one
transaction. The records are locked first, in the order of their ids, so that two signers
signing all at once wait for each other instead of deadlocking, and the second sees the
first's signatures: each record is frozen exactly once, with every signature."""

from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef

from nmo.accounts.models import User
from nmo.attestation.access import check_attestation_actor, seat_of
from nmo.attestation.exceptions import RecordNotSignable
from nmo.attestation.models import Attestation, AttestationDocument, DocumentSignature
from nmo.attestation.selectors import pending_ids, required_signers
from nmo.attestation.services.records import sign_record
from nmo.attestation.types import AttestationStatus, RecordStatus
from nmo.core.exceptions import PermissionDenied

NOT_A_SIGNER = (
    "Документы аттестации подписывают председательствующий, члены комиссии, участвовавшие "
    "в заседании, и секретарь: вашей подписи под ними нет."
)


@dataclass(frozen=True)
class SignedAll:
    """What one «sign all» did: the records signed, and those of them it froze."""

    signed: list[AttestationDocument]

    @property
    def frozen(self) -> list[AttestationDocument]:
        return [r for r in self.signed if r.is_frozen]


@transaction.atomic
def sign_all_records(
    *, actor: User, attestation: Attestation, record_ids: Collection[int]
) -> SignedAll:
    """Sign, as one of their signatories (npc-2.13, rgmu-2.13), every version of the
    attestation's records that awaits the actor's signature. `record_ids` are the versions
    the actor was shown: when what awaits them is no longer exactly that (a new version was
    drawn up, one was replaced), nothing is signed (409 `pending_changed`) — a person signs
    only what they could read. A record whose last signature this is is frozen as by
    `sign_record`. Someone who does not sign this attestation's records is refused (403);
    nothing awaiting is 409 `nothing_to_sign`."""
    attestation = Attestation.objects.select_related("commission", "presiding_seat").get(
        pk=attestation.pk
    )
    check_attestation_actor(actor, attestation)
    seat = seat_of(actor, attestation.commission_id)
    if (
        seat is None
        or attestation.status != AttestationStatus.DECIDED
        or seat.pk not in {s.seat.pk for s in required_signers(attestation)}
    ):
        raise PermissionDenied(NOT_A_SIGNER)
    # Lock every unfrozen current version the seat has not signed, in id order: a second
    # signer waits here until the first commits, then reads the signatures it gave.
    locked = list(
        AttestationDocument.objects.select_for_update(of=("self",))
        .filter(attestation=attestation, superseded_by__isnull=True)
        .exclude(status=RecordStatus.FROZEN)
        .exclude(
            Exists(DocumentSignature.objects.filter(document_id=OuterRef("pk"), seat_id=seat.pk))
        )
        .order_by("pk")
    )
    awaiting = pending_ids(actor, attestation)
    if not awaiting:
        raise RecordNotSignable(
            "Документов этой аттестации, ожидающих вашей подписи, нет.", code="nothing_to_sign"
        )
    if sorted(set(record_ids)) != awaiting:
        raise RecordNotSignable(
            "Список документов, ожидающих вашей подписи, изменился: откройте его снова, "
            "прочитайте и подпишите.",
            code="pending_changed",
        )
    by_id = {r.pk: r for r in locked}
    signed = [sign_record(actor=actor, record=by_id[pk]) for pk in awaiting]
    return SignedAll(signed)
