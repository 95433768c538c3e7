"""Reads of an attestation's records — the statement, the retraining protocol and the
commission's report (the regulation's result documents; ADR 0105) —: which ones the
regulation names, their current versions and history, who signs them."""

from dataclasses import dataclass

from django.db.models import QuerySet

from nmo.attestation.models import (
    Attestation,
    AttestationDocument,
    CommissionSeat,
    DocumentSignature,
    LearnerResult,
)
from nmo.attestation.selectors.attestations import (
    VOTING_ROLES,
    active_seats,
    member_attendance,
    rules_of_attestation,
)
from nmo.attestation.types import RecordKind
from nmo.documents.types import AttestationFacts
from nmo.programmes.models import Programme
from nmo.regulations.types import (
    RESULT_DOCUMENT_PROGRAMME_KINDS,
    CommissionRole,
    Grade,
    Signatory,
)


def current_records(attestation: Attestation) -> QuerySet[AttestationDocument]:
    """Return the latest version of each record of the attestation."""
    return (
        AttestationDocument.objects.filter(attestation=attestation, superseded_by__isnull=True)
        .select_related("learner_result__enrolment__learner")
        .prefetch_related("signatures__seat__person")
        .order_by("kind", "learner_result__enrolment__learner__last_name", "pk")
    )


def versions_for_record(record: AttestationDocument) -> list[AttestationDocument]:
    """Return every version of a record, the first first."""
    versions = [record]
    current = record
    while current.supersedes_id is not None:
        current = AttestationDocument.objects.get(pk=current.supersedes_id)
        versions.append(current)
    newer = record
    while True:
        following = AttestationDocument.objects.filter(supersedes=newer).first()
        if following is None:
            break
        versions.append(following)
        newer = following
    return sorted(versions, key=lambda d: d.version)


def required_record_kinds(attestation: Attestation) -> list[RecordKind]:
    """Return the records the regulation names for this attestation, those whose form is
    made for the cohort's programme kind (`RESULT_DOCUMENT_PROGRAMME_KINDS`, ADR 0111):
    at НПЦ the statement (npc-2.12, npc-app1) and the protocol of the commission's meeting
    (npc-2.13, npc-4.9); at РостГМУ a protocol per learner of a retraining programme
    (rgmu-app1), the commission's report (rgmu-app2) — rgmu-2.12 — and the exam statement
    of a qualification-upgrade cohort (rgmu-4.9)."""
    named = rules_of_attestation(attestation).documents.result_documents
    programme: Programme = attestation.cohort.programme
    return [
        RecordKind(kind.value)
        for kind in named
        if programme.kind in RESULT_DOCUMENT_PROGRAMME_KINDS[kind.value]
    ]


@dataclass(frozen=True)
class Signer:
    """A seat whose signature a record needs, and the line it signs on."""

    seat: CommissionSeat
    line: str


def required_signers(attestation: Attestation) -> list[Signer]:
    """Return who signs the attestation's records (npc-2.13, rgmu-2.13): the chair — or
    whoever presided in the chair's absence —, the members who sat, and the secretary."""
    signatories = rules_of_attestation(attestation).documents.signatories
    present = {k for k, v in member_attendance(attestation).items() if v}
    seats = active_seats(attestation.commission)
    presiding = attestation.presiding_seat
    found: list[Signer] = []
    if Signatory.CHAIR_OR_REPLACEMENT in signatories and presiding is not None:
        line = "Председатель итоговой аттестационной комиссии"
        if presiding.role != CommissionRole.CHAIR:
            line += f" (председательствовал: {CommissionRole(presiding.role).label})"
        found.append(Signer(presiding, line))
    if Signatory.MEMBERS in signatories:
        for seat in seats:
            if (
                seat.role in VOTING_ROLES
                and seat.pk in present
                and seat.pk != (presiding.pk if presiding else None)
            ):
                line = (
                    "Зам. председателя итоговой аттестационной комиссии"
                    if seat.role == CommissionRole.DEPUTY_CHAIR
                    else "Член итоговой аттестационной комиссии"
                )
                found.append(Signer(seat, line))
    if Signatory.SECRETARY in signatories:
        found.extend(
            Signer(s, "Секретарь итоговой аттестационной комиссии")
            for s in seats
            if s.role == CommissionRole.SECRETARY
        )
    return found


def signatures_of(record: AttestationDocument) -> dict[int, DocumentSignature]:
    """Return the record's signatures by seat id."""
    return {
        s.seat_id: s
        for s in DocumentSignature.objects.filter(document=record).select_related("seat__person")
    }


def file_name_of(record: AttestationDocument, extension: str) -> str:
    """The record's download name in Russian: «Протокол ИА № 12 — Егоров Е.Ж. —
    03.12.2026.pdf» (ADR 0029)."""
    from nmo.attestation.printed import record_file_name

    return record_file_name(record, extension)


def document_facts_for(result: LearnerResult) -> AttestationFacts:
    """Return what the learner's qualification document prints from the attestation: the
    commission's protocol — the learner's retraining protocol (rgmu-app1), its archive
    number once filed, dated the day of the sitting — and the final grade in words, for
    the diploma's reference and its supplement (rgmu-2.8)."""
    protocol = (
        AttestationDocument.objects.filter(
            learner_result=result, kind=RecordKind.RETRAINING_PROTOCOL, number__isnull=False
        )
        .order_by("-version")
        .values_list("number", flat=True)
        .first()
    )
    return AttestationFacts(
        protocol_number=str(protocol) if protocol else "",
        protocol_date=result.attestation.held_on,
        final_grade=Grade(result.final_grade).label if result.final_grade else "",
    )
