"""The records of an attestation (statement, retraining protocol, commission report: the
regulation's result documents) in the forms of the regulation's appendices: drawing them
up from their print snapshots, signing by each signatory, freezing with an archive number
and the PDF's hash, corrections as new versions (npc-2.12, npc-2.13, npc-app1; rgmu-2.12,
rgmu-2.13, rgmu-app1, rgmu-app2; ADR 0105)."""

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from nmo.accounts.models import User
from nmo.accounts.selectors import get_organisation
from nmo.attestation.access import check_attestation_actor, check_commission_staff, seat_of
from nmo.attestation.docx_forms import form_path
from nmo.attestation.exceptions import RecordNotSignable, RecordTampered, ResultInvalid
from nmo.attestation.models import (
    Attestation,
    AttestationDocument,
    DocumentCounter,
    DocumentSignature,
    LearnerResult,
)
from nmo.attestation.printed import record_meta
from nmo.attestation.selectors import required_record_kinds, required_signers, signatures_of
from nmo.attestation.services._common import cite
from nmo.attestation.services.sign_requests import ask_to_sign, collecting_requests
from nmo.attestation.snapshots import heading, in_form_order, printable, snapshot
from nmo.attestation.types import AttestationStatus, Outcome, RecordKind, RecordStatus
from nmo.core.exceptions import Conflict, PermissionDenied
from nmo.core.integrity import DOCUMENT_SEAL, seal, seal_matches, sha256_hex
from nmo.core.services import record_audit, report_tampering
from nmo.printing.office import render_docx
from nmo.printing.pdf import OFFICIAL_FORM, render_print

PRINT_DIR = Path(__file__).resolve().parents[1] / "templates" / "attestation" / "print"
STYLESHEET = (OFFICIAL_FORM, PRINT_DIR / "attestation.css")
"""Parsed once per process (render_print): a cohort's protocols are drawn one after another."""

MIN_REASON = 10
SERIES_MAX = 20
REDRAWN = "Документ составлен заново: изменились сведения, которые он содержит."
NUMBER_MAX = 40


def _content(record: AttestationDocument, header: dict[str, Any] | None = None) -> dict[str, Any]:
    content = snapshot(
        record.attestation,
        RecordKind(record.kind),
        record.learner_result,
        number=record.number,
        version=record.version,
        header=header,
    )
    content["correction_reason"] = record.correction_reason
    return content


def _refresh(
    actor: User,
    record: AttestationDocument,
    *,
    reason: str,
    header: dict[str, Any] | None = None,
) -> AttestationDocument:
    """Bring a record that is not frozen up to date with the current results and return
    its current version. A text nobody has signed yet is rewritten in place. A signature is
    never taken away: a text someone has signed that would change becomes a new version
    saying why (`reason`), which everybody signs again; the version they signed keeps its
    signatures in the history (ADR 0105)."""
    content = _content(record, header)
    if content == record.content:
        return record
    if not DocumentSignature.objects.filter(document=record).exists():
        record.content = content
        record.status = RecordStatus.DRAFT
        record.save(update_fields=["content", "status", "updated_at"])
        return record
    return _new_version(actor, record, reason=reason, header=header)


def _next_version(
    actor: User, record: AttestationDocument, attestation: Attestation, reason: str
) -> AttestationDocument:
    """The unsaved version N+1 of a record: the same archive number, the reason, and
    `supersedes` the old one (a correction or a redrawn text, ADR 0105)."""
    return AttestationDocument(
        attestation=attestation,
        organisation_id=record.organisation_id,
        kind=record.kind,
        learner_result_id=record.learner_result_id,
        number=record.number,
        version=record.version + 1,
        correction_reason=reason,
        supersedes=record,
        created_by=actor,
    )


def _new_version(
    actor: User,
    record: AttestationDocument,
    *,
    reason: str,
    header: dict[str, Any] | None = None,
) -> AttestationDocument:
    """Supersede a record being signed by a new version with the `reason`, drawn up from
    the current results, and ask those who signed the old one to sign it. Audited as
    "document.new_version" with the seats whose signatures stay on the old version (a
    person's correction of a frozen record is "document.correct")."""
    signed = list(
        DocumentSignature.objects.filter(document=record)
        .select_related("seat__person")
        .order_by("signed_at", "pk")
    )
    version = _next_version(actor, record, record.attestation, reason)
    version.content = _content(version, header)
    version.save()
    record_audit(
        actor=actor,
        action="document.new_version",
        target=version,
        changes={
            "supersedes": record.pk,
            "version": version.version,
            "reason": reason,
            "signatures_kept": [s.seat_id for s in signed],
        },
    )
    for signature in signed:
        _ask_to_sign_again(signature.seat.person, version)
    return version


def _ask_to_sign_again(person: User, version: AttestationDocument) -> None:
    # One letter per person and attestation listing everything awaiting them (ADR 0115).
    ask_to_sign(version.attestation_id, [person])


@transaction.atomic
@collecting_requests()
def draw_up_records(*, actor: User, attestation: Attestation) -> list[AttestationDocument]:
    """Draw up, for signing, the records the regulation names for a decided attestation
    (`required_record_kinds`): the statement (npc-2.12, npc-app1) and the protocol of the
    commission's meeting (npc-2.13, npc-4.9) at НПЦ; a protocol for each learner of a
    retraining programme (rgmu-app1), the commission's report (rgmu-app2) — rgmu-2.12 —
    and the exam statement of a qualification-upgrade cohort (rgmu-4.9) at РостГМУ. A
    record already drawn up and not yet frozen is brought up to date (one being signed by
    a new version, its signatures kept: `_refresh`); a frozen one is left as it is.
    Audited as "document.draw_up" for each new record."""
    attestation = Attestation.objects.select_for_update().get(pk=attestation.pk)
    check_attestation_actor(actor, attestation)
    if attestation.status != AttestationStatus.DECIDED:
        raise Conflict(
            "Документы составляются после решения комиссии.", code="attestation_not_decided"
        )
    current = {
        (d.kind, d.learner_result_id): d
        for d in AttestationDocument.objects.select_for_update(of=("self",)).filter(
            attestation=attestation, superseded_by__isnull=True
        )
    }
    wanted: list[tuple[RecordKind, LearnerResult | None]] = []
    for kind in required_record_kinds(attestation):
        if kind == RecordKind.RETRAINING_PROTOCOL:
            # Every learner admitted gets a protocol: one who did not appear too, whose
            # protocol says so instead of the diploma line (item 7).
            wanted.extend(
                (kind, r)
                for r in LearnerResult.objects.filter(attestation=attestation)
                .select_related("enrolment__learner")
                .prefetch_related("stage_results__stage")
                .order_by("enrolment__learner__last_name", "pk")
            )
        else:
            wanted.append((kind, None))
    # The heading, the commission and the signature lines are the same in every record:
    # read them once, not once per protocol.
    header = heading(attestation)
    records = []
    for kind, result in wanted:
        record = current.get((kind.value, result.pk if result else None))
        if record is None:
            record = AttestationDocument(
                attestation=attestation,
                organisation_id=attestation.commission.organisation_id,
                kind=kind.value,
                learner_result=result,
                created_by=actor,
            )
            record.attestation = attestation
            if kind == RecordKind.RETRAINING_PROTOCOL:
                # The learner's protocol takes its number when it is drawn up: the diploma
                # cites «протокол № … от …» (rgmu-2.8) and may be issued before the last
                # signature, and the two must agree (ADR 0110). Drawn-up records are never
                # deleted, so the register stays gap-free (ADR 0106).
                record.number = _next_number(record.organisation_id, kind.value)
            record.content = _content(record, header)
            record.save()
            record_audit(
                actor=actor,
                action="document.draw_up",
                target=record,
                changes={
                    "kind": kind.value,
                    "learner_result": result.pk if result else None,
                    "number": record.number,
                },
            )
        elif not record.is_frozen:
            record.attestation = attestation
            if result is not None:
                record.learner_result = result
            record = _refresh(actor, record, reason=REDRAWN, header=header)
        records.append(record)
    # Every signer gets one letter listing what awaits them (ADR 0115).
    ask_to_sign(attestation, None)
    return records


def _next_number(organisation_id: int, kind: str) -> int:
    counter, _ = DocumentCounter.objects.get_or_create(organisation_id=organisation_id, kind=kind)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    number = counter.next_number
    counter.next_number = number + 1
    counter.save(update_fields=["next_number"])
    return number


def _render(record: AttestationDocument, content: dict[str, Any], *, draft: bool) -> bytes:
    """The record's PDF from `content`: its archive number, version and signing marks in
    the file's metadata and on the verification line at the foot of each page; a frozen
    record as PDF/A-3b (ADR 0029)."""
    return render_print(
        f"attestation/print/{record.kind}.html",
        {"doc": printable(content), "draft": draft},
        stylesheet=STYLESHEET,
        meta=record_meta(record, content, draft=draft),
    )


#: What a frozen record's seal covers (ADR 0024): which record it is, what it says and
#: the hash of its file.
SEALED_FIELDS = (
    "id",
    "attestation_id",
    "organisation_id",
    "kind",
    "learner_result_id",
    "number",
    "version",
    "content",
    "pdf_sha256",
    "frozen_at",
    "supersedes_id",
)


def record_seal(record: AttestationDocument) -> str:
    """The HMAC (server key) of what the frozen record says and its file's SHA-256."""
    return seal(DOCUMENT_SEAL, _sealed(record))


def render_record_pdf(record: AttestationDocument) -> bytes:
    """Return the record's PDF: the stored file once frozen — after checking its bytes
    against its SHA-256 and the record against its seal (RecordTampered, 409, recorded
    for the administrators, when either differs) — else a draft rendered from the
    current snapshot and marked as a draft."""
    if record.is_frozen and record.pdf is not None:
        content = bytes(record.pdf)
        actual = sha256_hex(content)
        if not seal_matches(DOCUMENT_SEAL, _sealed(record), record.seal):
            report_tampering(target=record, bytes_changed=False, changes={"seal": "не совпадает"})
            raise RecordTampered()
        if actual != record.pdf_sha256:
            report_tampering(
                target=record,
                bytes_changed=True,
                changes={"stored_sha256": record.pdf_sha256, "actual_sha256": actual},
            )
            raise RecordTampered()
        return content
    return _render(record, record.content, draft=True)


def _sealed(record: AttestationDocument) -> dict[str, Any]:
    return {name: getattr(record, name) for name in SEALED_FIELDS}


def render_record_docx(record: AttestationDocument) -> bytes:
    """Return the record as an editable DOCX in the appendix's form (docxtpl), filled
    from its snapshot."""
    return render_docx(form_path(RecordKind(record.kind)), printable(record.content))


def _freeze(actor: User, record: AttestationDocument) -> None:
    previous = record.supersedes
    if record.number is not None:  # numbered when drawn up
        number = record.number
    elif previous is not None and previous.number is not None:
        number = previous.number
    else:
        number = _next_number(record.organisation_id, record.kind)
    signed = signatures_of(record)
    content = dict(record.content)
    content["number"] = number
    content["signers"] = [
        {
            "line": s.line,
            "name": s.seat.person.full_name,
            "signed_at": (
                timezone.localtime(signed[s.seat.pk].signed_at).strftime("%d.%m.%Y %H:%M")
                if s.seat.pk in signed
                else ""
            ),
        }
        for s in in_form_order(required_signers(record.attestation))
    ]
    pdf = _render(record, content, draft=False)
    record.number = number
    record.content = content
    record.pdf = pdf
    record.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    record.status = RecordStatus.FROZEN
    record.frozen_at = timezone.now()
    record.seal = record_seal(record)
    record.save(
        update_fields=[
            "number",
            "content",
            "pdf",
            "pdf_sha256",
            "status",
            "frozen_at",
            "seal",
            "updated_at",
        ]
    )
    record_audit(
        actor=actor,
        action="document.freeze",
        target=record,
        changes={
            "number": number,
            "version": record.version,
            "sha256": record.pdf_sha256,
            "supersedes": record.supersedes_id,
        },
    )


@transaction.atomic
def sign_record(*, actor: User, record: AttestationDocument) -> AttestationDocument:
    """Confirm the record in the system as one of its signatories: the chair or whoever
    presided in the chair's absence, each member who sat, and the secretary (npc-2.13,
    rgmu-2.13). When the last one has signed, the record is frozen: it gets its archive
    number (the next of the organisation for that kind, under a row lock), its PDF is
    stored with its SHA-256, and the results it shows can no longer change. Audited as
    "document.sign" (and "document.freeze")."""
    record = AttestationDocument.objects.select_for_update().get(pk=record.pk)
    attestation = Attestation.objects.select_related("commission", "presiding_seat").get(
        pk=record.attestation_id
    )
    check_attestation_actor(actor, attestation)
    record.attestation = attestation
    seat = seat_of(actor, attestation.commission_id)
    if seat is None:
        raise PermissionDenied(
            "Документ подписывают председатель (или замещающее его лицо), члены и секретарь "
            "комиссии."
        )
    if record.is_frozen:
        raise RecordNotSignable("Документ уже подписан всеми и сдан в архив.")
    if AttestationDocument.objects.filter(supersedes=record).exists():
        raise RecordNotSignable(
            "Документ заменён новой версией: подписывается она.", code="document_superseded"
        )
    if attestation.status != AttestationStatus.DECIDED:
        raise RecordNotSignable("Документ подписывается после решения комиссии.")
    signers = required_signers(attestation)
    if seat.pk not in {s.seat.pk for s in signers}:
        raise RecordNotSignable(
            "Документ подписывают председательствующий, члены комиссии, участвовавшие в "
            f"заседании, и секретарь{cite(attestation.regulation_version, 'documents.signatories')}"
            ": вы не участвовали в этом заседании."
        )
    if DocumentSignature.objects.filter(document=record, seat=seat).exists():
        raise RecordNotSignable("Вы уже подписали этот документ.", code="already_signed")
    DocumentSignature.objects.create(
        document=record, seat=seat, signed_by=actor, signed_at=timezone.now()
    )
    if record.status == RecordStatus.DRAFT:
        record.status = RecordStatus.SIGNING
        record.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=actor,
        action="document.sign",
        target=record,
        changes={"seat": seat.pk, "role": seat.role},
    )
    signed = set(
        DocumentSignature.objects.filter(document=record).values_list("seat_id", flat=True)
    )
    if {s.seat.pk for s in signers} <= signed:
        _freeze(actor, record)
    return record


@transaction.atomic
def correct_record(*, actor: User, record: AttestationDocument, reason: str) -> AttestationDocument:
    """Open a correction of a frozen record: a new version with the reason, keeping the
    archive number, drawn up from the current results and signed again. The old version
    stays, readable, superseded by the new one. While the correction is not frozen, the
    results it shows may be changed again (the attestation is reopened for that). Audited
    as "document.correct"."""
    record = AttestationDocument.objects.select_for_update().get(pk=record.pk)
    attestation = Attestation.objects.select_related("commission").get(pk=record.attestation_id)
    check_attestation_actor(actor, attestation)
    if not record.is_frozen:
        raise Conflict(
            "Исправляется только подписанный документ; черновик можно изменить и так.",
            code="document_not_frozen",
        )
    if AttestationDocument.objects.filter(supersedes=record).exists():
        raise Conflict("У этой версии уже есть исправление.", code="document_superseded")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ResultInvalid(
            errors={"reason": ["Опишите причину исправления: не менее 10 символов."]}
        )
    correction = _next_version(actor, record, attestation, reason)
    correction.content = _content(correction)
    correction.save()
    record_audit(
        actor=actor,
        action="document.correct",
        target=correction,
        changes={"supersedes": record.pk, "version": correction.version, "reason": reason},
    )
    ask_to_sign(attestation, None)
    return correction


@transaction.atomic
def record_diploma(
    *, actor: User, learner_result: LearnerResult, series: str, number: str, issued_on: date
) -> LearnerResult:
    """Record the retraining diploma issued to a learner who passed (series, number,
    date), for item 7 of the protocol (rgmu-app1): the hook through which the documents
    register fills it. A protocol nobody has signed is brought up to date; one being signed
    is not touched: a new version says why and is signed again, the signatures given stay
    on the old one (`_refresh`); a frozen one keeps its text until a correction. Audited as
    "attestation.diploma"."""
    result = LearnerResult.objects.select_for_update().get(pk=learner_result.pk)
    attestation = Attestation.objects.select_related("commission").get(pk=result.attestation_id)
    check_commission_staff(actor, get_organisation(attestation.commission.organisation_id))
    errors: dict[str, list[str]] = {}
    if result.outcome != Outcome.PASSED:
        errors["learner"] = ["Диплом выдаётся слушателю, прошедшему итоговую аттестацию."]
    if not number.strip() or len(number.strip()) > NUMBER_MAX:
        errors["number"] = [f"Укажите номер диплома (не более {NUMBER_MAX} символов)."]
    if len(series.strip()) > SERIES_MAX:
        errors["series"] = [f"Не более {SERIES_MAX} символов."]
    if errors:
        raise ResultInvalid(errors=errors)
    before = {
        "series": result.diploma_series,
        "number": result.diploma_number,
        "issued_on": result.diploma_issued_on,
    }
    result.diploma_series, result.diploma_number = series.strip(), number.strip()
    result.diploma_issued_on = issued_on
    result.save(
        update_fields=["diploma_series", "diploma_number", "diploma_issued_on", "updated_at"]
    )
    record_audit(
        actor=actor,
        action="attestation.diploma",
        target=result,
        changes={
            "before": before,
            "after": {
                "series": result.diploma_series,
                "number": result.diploma_number,
                "issued_on": issued_on,
            },
        },
    )
    reason = (
        "В п. 7 внесён выданный диплом: серия "
        f"{result.diploma_series or '—'} № {result.diploma_number} от {issued_on:%d.%m.%Y}."
    )
    # Locked like `sign_record` locks it: no signature slips in while a version is made.
    for record in (
        AttestationDocument.objects.select_for_update(of=("self",))
        .filter(learner_result=result, superseded_by__isnull=True)
        .exclude(status=RecordStatus.FROZEN)
    ):
        _refresh(actor, record, reason=reason)
    return result
