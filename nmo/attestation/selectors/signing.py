"""What awaits a person's signature (ADR 0115): the current, not yet frozen versions of the
records of decided attestations that the person signs (`required_signers`: the presiding
person, the members who sat, the secretary — npc-2.13, rgmu-2.13) and has not signed.

`pending_count` is the menu's badge: one query on every page a seated person opens, so it
reads the person's seat, the presiding seat, the attendance and the signature in SQL
(subqueries on indexed columns) and applies the regulation's signatories to the few rows
it returns (`signs`, the rule of `required_signers` in one place). `pending_signatures`
is the «На подпись» page: the same rows, grouped by attestation, with every signer."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from nmo.accounts.models import User
from nmo.attestation.models import (
    Attestation,
    AttestationDocument,
    CommissionSeat,
    DocumentSignature,
    MemberAttendance,
)
from nmo.attestation.selectors.attestations import VOTING_ROLES
from nmo.attestation.selectors.records import Signer, required_signers
from nmo.attestation.types import AttestationStatus, RecordStatus
from nmo.regulations.types import CommissionRole, Signatory

SIGNATORIES = "attestation__regulation_version__rules__documents__signatories"


def signs(*, role: str, presiding: bool, present: bool, signatories: Collection[str]) -> bool:
    """Whether a seat signs the attestation's records — the rule of `required_signers`
    for one seat: the presiding person (chair or replacement); a voting member who sat and
    did not preside; the secretary — each as far as the regulation names them."""
    if presiding and Signatory.CHAIR_OR_REPLACEMENT in signatories:
        return True
    if Signatory.MEMBERS in signatories and role in VOTING_ROLES and present and not presiding:
        return True
    return Signatory.SECRETARY in signatories and role == CommissionRole.SECRETARY


def _awaiting_rows(user: User, attestation_id: int | None = None) -> QuerySet[Any]:
    """One query: the current unfrozen versions of decided attestations where the user
    holds an active seat that has not signed them, with what `signs` needs."""
    mine = CommissionSeat.objects.filter(person_id=user.pk, is_active=True).order_by()
    seats = mine.filter(commission_id=OuterRef("attestation__commission_id"))
    found = AttestationDocument.objects.filter(
        attestation__commission_id__in=mine.values("commission_id"),
        superseded_by__isnull=True,
        attestation__status=AttestationStatus.DECIDED,
    ).exclude(status=RecordStatus.FROZEN)
    if attestation_id is not None:
        found = found.filter(attestation_id=attestation_id)
    rows: QuerySet[Any] = (
        found.annotate(
            my_seat=Subquery(seats.values("pk")[:1]), my_role=Subquery(seats.values("role")[:1])
        )
        .filter(my_seat__isnull=False)
        .annotate(
            signed=Exists(
                DocumentSignature.objects.filter(
                    document_id=OuterRef("pk"), seat_id=OuterRef("my_seat")
                )
            ),
            present=Exists(
                MemberAttendance.objects.filter(
                    attestation_id=OuterRef("attestation_id"),
                    seat_id=OuterRef("my_seat"),
                    present=True,
                )
            ),
            presiding=Q(attestation__presiding_seat_id=F("my_seat")),
        )
        .filter(signed=False)
        .order_by("pk")
        .values("pk", "attestation_id", "my_seat", "my_role", "present", "presiding", SIGNATORIES)
    )
    return rows


def _awaiting_ids(user: User, attestation_id: int | None = None) -> list[tuple[int, int]]:
    """(record id, attestation id) of what awaits the user's signature."""
    return [
        (row["pk"], row["attestation_id"])
        for row in _awaiting_rows(user, attestation_id)
        if signs(
            role=row["my_role"],
            presiding=bool(row["presiding"]),
            present=bool(row["present"]),
            signatories=row[SIGNATORIES] or (),
        )
    ]


def pending_count(user: User | AnonymousUser) -> int:
    """How many record versions await the user's signature (the menu's badge): one query."""
    if not isinstance(user, User):
        return 0
    return len(_awaiting_ids(user))


def pending_ids(user: User | AnonymousUser, attestation: Attestation) -> list[int]:
    """The ids of the attestation's record versions awaiting the user's signature."""
    if not isinstance(user, User):
        return []
    return sorted(pk for pk, _ in _awaiting_ids(user, attestation.pk))


@dataclass(frozen=True)
class SignatureLine:
    """One signer of a record and, once given, the signature."""

    signer: Signer
    signature: DocumentSignature | None


@dataclass(frozen=True)
class AwaitingRecord:
    record: AttestationDocument
    lines: list[SignatureLine]

    @property
    def signed(self) -> list[SignatureLine]:
        return [line for line in self.lines if line.signature is not None]

    @property
    def unsigned(self) -> list[SignatureLine]:
        return [line for line in self.lines if line.signature is None]


@dataclass(frozen=True)
class AwaitingAttestation:
    """An attestation with the records that await one person's signature."""

    attestation: Attestation
    records: list[AwaitingRecord]

    @property
    def record_ids(self) -> list[int]:
        return [r.record.pk for r in self.records]


def signature_lines(record: AttestationDocument, signers: Iterable[Signer]) -> list[SignatureLine]:
    """Each signer of the record with their signature, if given (from the prefetched
    `signatures` when there are any)."""
    signed = {s.seat_id: s for s in record.signatures.all()}
    return [SignatureLine(s, signed.get(s.seat.pk)) for s in signers]


def pending_signatures(user: User | AnonymousUser) -> list[AwaitingAttestation]:
    """What awaits the user's signature, grouped by attestation (the date, newest first),
    each record with who has signed it (name, post, time) and who has not yet."""
    if not isinstance(user, User):
        return []
    ids = _awaiting_ids(user)
    if not ids:
        return []
    records = (
        AttestationDocument.objects.filter(pk__in=[pk for pk, _ in ids])
        .select_related("learner_result__enrolment__learner")
        .prefetch_related("signatures__seat__person")
        .order_by("kind", "learner_result__enrolment__learner__last_name", "pk")
    )
    by_attestation: dict[int, list[AttestationDocument]] = {}
    for record in records:
        by_attestation.setdefault(record.attestation_id, []).append(record)
    attestations = Attestation.objects.filter(pk__in=by_attestation).select_related(
        "cohort__programme",
        "commission__organisation",
        "commission__specialty",
        "regulation_version",
        "presiding_seat__person",
    )
    found = []
    for attestation in attestations.order_by("-held_on", "-pk"):
        signers = required_signers(attestation)
        found.append(
            AwaitingAttestation(
                attestation,
                [
                    AwaitingRecord(record, signature_lines(record, signers))
                    for record in by_attestation[attestation.pk]
                ],
            )
        )
    return found
