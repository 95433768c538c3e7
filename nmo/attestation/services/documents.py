"""The documents of an attestation in the forms of the regulation's appendices: drawing
them up, signing by each signatory, freezing with an archive number and the PDF's hash,
corrections as new versions (npc-2.12, npc-2.13, npc-app1; rgmu-2.12, rgmu-2.13,
rgmu-app1, rgmu-app2; ADR 0105)."""

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from nmo.accounts.models import Organisation, User
from nmo.attestation.access import check_attestation_actor, check_commission_staff, seat_of
from nmo.attestation.docx_forms import form_path
from nmo.attestation.exceptions import DocumentNotSignable, ResultInvalid
from nmo.attestation.models import (
    Attestation,
    AttestationDocument,
    DocumentCounter,
    DocumentSignature,
    LearnerResult,
)
from nmo.attestation.selectors import (
    document_content,
    document_header,
    document_kinds,
    required_signers,
    signatures_of,
)
from nmo.attestation.services._common import cite
from nmo.attestation.types import AttestationStatus, DocumentKind, DocumentStatus, Outcome
from nmo.core.exceptions import Conflict, PermissionDenied
from nmo.core.services import record_audit
from nmo.documents.rendering import render_docx, render_print

PRINT_DIR = Path(__file__).resolve().parents[1] / "templates" / "attestation" / "print"
STYLESHEET = PRINT_DIR / "attestation.css"
"""Parsed once per process (render_print): a cohort's protocols are drawn one after another."""

MIN_REASON = 10
SERIES_MAX = 20
NUMBER_MAX = 40


def _content(document: AttestationDocument, header: dict[str, Any] | None = None) -> dict[str, Any]:
    content = document_content(
        document.attestation,
        DocumentKind(document.kind),
        document.learner_result,
        number=document.number,
        version=document.version,
        header=header,
    )
    content["correction_reason"] = document.correction_reason
    return content


def _refresh(document: AttestationDocument, header: dict[str, Any] | None = None) -> bool:
    """Rebuild a document that is not frozen from the current results; a changed text
    loses its signatures (they were given to the old text). Return whether it changed."""
    content = _content(document, header)
    if content == document.content:
        return False
    DocumentSignature.objects.filter(document=document).delete()
    document.content = content
    document.status = DocumentStatus.DRAFT
    document.save(update_fields=["content", "status", "updated_at"])
    return True


@transaction.atomic
def draw_up_documents(*, actor: User, attestation: Attestation) -> list[AttestationDocument]:
    """Draw up, for signing, the documents the regulation names for a decided attestation:
    the statement at НПЦ (npc-2.12, npc-app1); a protocol for each learner present of a
    retraining programme (rgmu-app1) and the commission's report (rgmu-app2) at РостГМУ
    (rgmu-2.12). A document already drawn up and not yet frozen is brought up to date; a
    frozen one is left as it is. Audited as "document.draw_up" for each new document."""
    attestation = Attestation.objects.select_for_update().get(pk=attestation.pk)
    check_attestation_actor(actor, attestation)
    if attestation.status != AttestationStatus.DECIDED:
        raise Conflict(
            "Документы составляются после решения комиссии.", code="attestation_not_decided"
        )
    current = {
        (d.kind, d.learner_result_id): d
        for d in AttestationDocument.objects.filter(
            attestation=attestation, superseded_by__isnull=True
        )
    }
    wanted: list[tuple[DocumentKind, LearnerResult | None]] = []
    for kind in document_kinds(attestation):
        if kind == DocumentKind.RETRAINING_PROTOCOL:
            wanted.extend(
                (kind, r)
                for r in LearnerResult.objects.filter(attestation=attestation)
                .select_related("enrolment__learner")
                .prefetch_related("stage_results__stage")
                .order_by("enrolment__learner__last_name", "pk")
                if r.is_present
            )
        else:
            wanted.append((kind, None))
    # The heading, the commission and the signature lines are the same in every document:
    # read them once, not once per protocol.
    header = document_header(attestation)
    documents = []
    for kind, result in wanted:
        document = current.get((kind.value, result.pk if result else None))
        if document is None:
            document = AttestationDocument(
                attestation=attestation,
                organisation_id=attestation.commission.organisation_id,
                kind=kind.value,
                learner_result=result,
                created_by=actor,
            )
            document.attestation = attestation
            document.content = _content(document, header)
            document.save()
            record_audit(
                actor=actor,
                action="document.draw_up",
                target=document,
                changes={"kind": kind.value, "learner_result": result.pk if result else None},
            )
        elif not document.is_frozen:
            document.attestation = attestation
            if result is not None:
                document.learner_result = result
            _refresh(document, header)
        documents.append(document)
    return documents


def _next_number(organisation_id: int, kind: str) -> int:
    counter, _ = DocumentCounter.objects.get_or_create(organisation_id=organisation_id, kind=kind)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    number = counter.next_number
    counter.next_number = number + 1
    counter.save(update_fields=["next_number"])
    return number


def _render(kind: str, content: dict[str, Any], *, draft: bool) -> bytes:
    return render_print(
        f"attestation/print/{kind}.html", {"doc": content, "draft": draft}, stylesheet=STYLESHEET
    )


def render_document_pdf(document: AttestationDocument) -> bytes:
    """Return the document's PDF: the stored file once frozen, else a draft rendered from
    the current snapshot and marked as a draft."""
    if document.is_frozen and document.pdf is not None:
        return bytes(document.pdf)
    return _render(document.kind, document.content, draft=True)


def render_document_docx(document: AttestationDocument) -> bytes:
    """Return the document as an editable DOCX in the appendix's form (docxtpl), filled
    from its snapshot."""
    return render_docx(form_path(DocumentKind(document.kind)), document.content)


def _freeze(actor: User, document: AttestationDocument) -> None:
    previous = document.supersedes
    if previous is not None and previous.number is not None:
        number = previous.number
    else:
        number = _next_number(document.organisation_id, document.kind)
    signed = signatures_of(document)
    content = dict(document.content)
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
        for s in required_signers(document.attestation)
    ]
    pdf = _render(document.kind, content, draft=False)
    document.number = number
    document.content = content
    document.pdf = pdf
    document.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    document.status = DocumentStatus.FROZEN
    document.frozen_at = timezone.now()
    document.save(
        update_fields=[
            "number",
            "content",
            "pdf",
            "pdf_sha256",
            "status",
            "frozen_at",
            "updated_at",
        ]
    )
    record_audit(
        actor=actor,
        action="document.freeze",
        target=document,
        changes={
            "number": number,
            "version": document.version,
            "sha256": document.pdf_sha256,
            "supersedes": document.supersedes_id,
        },
    )


@transaction.atomic
def sign_document(*, actor: User, document: AttestationDocument) -> AttestationDocument:
    """Confirm the document in the system as one of its signatories: the chair or whoever
    presided in the chair's absence, each member who sat, and the secretary (npc-2.13,
    rgmu-2.13). When the last one has signed, the document is frozen: it gets its archive
    number (the next of the organisation for that kind, under a row lock), its PDF is
    stored with its SHA-256, and the results it shows can no longer change. Audited as
    "document.sign" (and "document.freeze")."""
    document = AttestationDocument.objects.select_for_update().get(pk=document.pk)
    attestation = Attestation.objects.select_related("commission", "presiding_seat").get(
        pk=document.attestation_id
    )
    check_attestation_actor(actor, attestation)
    document.attestation = attestation
    seat = seat_of(actor, attestation.commission_id)
    if seat is None:
        raise PermissionDenied(
            "Документ подписывают председатель (или замещающее его лицо), члены и секретарь "
            "комиссии."
        )
    if document.is_frozen:
        raise DocumentNotSignable("Документ уже подписан всеми и сдан в архив.")
    if attestation.status != AttestationStatus.DECIDED:
        raise DocumentNotSignable("Документ подписывается после решения комиссии.")
    signers = required_signers(attestation)
    if seat.pk not in {s.seat.pk for s in signers}:
        raise DocumentNotSignable(
            "Документ подписывают председательствующий, члены комиссии, участвовавшие в "
            f"заседании, и секретарь{cite(attestation.regulation_version, 'documents.signatories')}"
            ": вы не участвовали в этом заседании."
        )
    if DocumentSignature.objects.filter(document=document, seat=seat).exists():
        raise DocumentNotSignable("Вы уже подписали этот документ.", code="already_signed")
    DocumentSignature.objects.create(
        document=document, seat=seat, signed_by=actor, signed_at=timezone.now()
    )
    if document.status == DocumentStatus.DRAFT:
        document.status = DocumentStatus.SIGNING
        document.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=actor,
        action="document.sign",
        target=document,
        changes={"seat": seat.pk, "role": seat.role},
    )
    signed = set(
        DocumentSignature.objects.filter(document=document).values_list("seat_id", flat=True)
    )
    if {s.seat.pk for s in signers} <= signed:
        _freeze(actor, document)
    return document


@transaction.atomic
def correct_document(
    *, actor: User, document: AttestationDocument, reason: str
) -> AttestationDocument:
    """Open a correction of a frozen document: a new version with the reason, keeping the
    archive number, drawn up from the current results and signed again. The old version
    stays, readable, superseded by the new one. While the correction is not frozen, the
    results it shows may be changed again (the attestation is reopened for that). Audited
    as "document.correct"."""
    document = AttestationDocument.objects.select_for_update().get(pk=document.pk)
    attestation = Attestation.objects.select_related("commission").get(pk=document.attestation_id)
    check_attestation_actor(actor, attestation)
    if not document.is_frozen:
        raise Conflict(
            "Исправляется только подписанный документ; черновик можно изменить и так.",
            code="document_not_frozen",
        )
    if AttestationDocument.objects.filter(supersedes=document).exists():
        raise Conflict("У этой версии уже есть исправление.", code="document_superseded")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ResultInvalid(
            errors={"reason": ["Опишите причину исправления: не менее 10 символов."]}
        )
    correction = AttestationDocument(
        attestation=attestation,
        organisation_id=document.organisation_id,
        kind=document.kind,
        learner_result_id=document.learner_result_id,
        number=document.number,
        version=document.version + 1,
        correction_reason=reason,
        supersedes=document,
        created_by=actor,
    )
    correction.content = _content(correction)
    correction.save()
    record_audit(
        actor=actor,
        action="document.correct",
        target=correction,
        changes={"supersedes": document.pk, "version": correction.version, "reason": reason},
    )
    return correction


@transaction.atomic
def record_diploma(
    *, actor: User, learner_result: LearnerResult, series: str, number: str, issued_on: date
) -> LearnerResult:
    """Record the retraining diploma issued to a learner who passed (series, number,
    date), for item 7 of the protocol (rgmu-app1): the hook through which the documents
    register fills it. A protocol not yet frozen is brought up to date (and signed again);
    a frozen one keeps its text until a correction. Audited as "attestation.diploma"."""
    result = LearnerResult.objects.select_for_update().get(pk=learner_result.pk)
    attestation = Attestation.objects.select_related("commission").get(pk=result.attestation_id)
    check_commission_staff(
        actor, Organisation.objects.get(pk=attestation.commission.organisation_id)
    )
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
    for document in AttestationDocument.objects.filter(
        learner_result=result, superseded_by__isnull=True
    ).exclude(status=DocumentStatus.FROZEN):
        _refresh(document)
    return result
