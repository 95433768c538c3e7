"""Tamper evidence of issued documents (ADR 0024): the snapshot of what a document says,
sealed with the server's key when it is issued, and the checks made before its PDF is
served and before its verification page or API answer shows it.

Public through `nmo.documents.services` (`checked_pdf`, `frozen_view`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from nmo.core.integrity import DOCUMENT_SEAL, canonical, seal, seal_matches, sha256_hex
from nmo.core.services import report_tampering
from nmo.documents.exceptions import DocumentTampered
from nmo.documents.models import QualificationDocument
from nmo.documents.rules import display_number
from nmo.documents.types import DocumentKind

#: The columns the snapshot holds: everything printed on the document, who it belongs to,
#: and the hash of its PDF. Status and revocation are not in it: they change by design,
#: and each change is audited.
SNAPSHOT_FIELDS = (
    "organisation_id",
    "register_id",
    "enrolment_id",
    "kind",
    "series",
    "number",
    "registration_number",
    "organisation_name",
    "holder_name",
    "programme_title",
    "programme_kind",
    "hours",
    "specialty",
    "period_from",
    "period_to",
    "studied_from",
    "studied_to",
    "issued_on",
    "replaces_id",
    "verification_token",
    "pdf_sha256",
)
_DATES = ("period_from", "period_to", "studied_from", "studied_to", "issued_on")


def _as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def snapshot_of(document: QualificationDocument) -> dict[str, Any]:
    """What the row says now, in the snapshot's form (dates as ISO strings). The
    particulars (organisation's details, diploma wording and supplement) are in it when the
    document has them: documents issued before they were kept were sealed without them."""
    snapshot = {name: _as_json(getattr(document, name)) for name in SNAPSHOT_FIELDS}
    if document.particulars:
        snapshot["particulars"] = document.particulars
    return snapshot


def seal_document(document: QualificationDocument) -> None:
    """Take the snapshot of a document about to be saved and seal it."""
    document.snapshot = snapshot_of(document)
    document.seal = seal(DOCUMENT_SEAL, document.snapshot)


def changed_fields(document: QualificationDocument) -> list[str]:
    """The fields whose value differs from the sealed snapshot; ["seal"] when the
    snapshot itself no longer matches its seal (or has none)."""
    if not seal_matches(DOCUMENT_SEAL, document.snapshot, document.seal):
        return ["seal"]
    now = snapshot_of(document)
    frozen = document.snapshot
    return [
        name
        for name in (*SNAPSHOT_FIELDS, "particulars")
        if canonical(now.get(name)) != canonical(frozen.get(name))
    ]


@dataclass(frozen=True)
class FrozenView:
    """What a verification shows: the document as it was issued (its sealed snapshot)
    with its status now; `intact` False when the record changed after issue — then none
    of its data may be shown."""

    intact: bool
    data: dict[str, Any]


def frozen_view(document: QualificationDocument) -> FrozenView:
    """The sealed snapshot of the document for its verification, after checking the row
    against it; a mismatch is recorded in the audit log for the administrators."""
    changed = changed_fields(document)
    if changed:
        report_tampering(target=document, bytes_changed=False, changes={"changed_fields": changed})
        return FrozenView(intact=False, data={})
    data = dict(document.snapshot)
    for name in _DATES:
        if data.get(name):
            data[name] = date.fromisoformat(data[name])
    data["display_number"] = display_number(data["series"], data["number"])
    data["kind_label"] = DocumentKind(data["kind"]).label
    return FrozenView(intact=True, data=data)


def checked_pdf(document: QualificationDocument) -> bytes:
    """The document's PDF, after checking its bytes against the SHA-256 sealed at issue;
    DocumentTampered (409) when they differ or the record changed, which is recorded."""
    content = bytes(document.pdf or b"")
    actual = sha256_hex(content)
    changed = changed_fields(document)
    if changed and changed != ["pdf_sha256"]:
        report_tampering(target=document, bytes_changed=False, changes={"changed_fields": changed})
        raise DocumentTampered()
    if changed or actual != document.pdf_sha256:
        report_tampering(
            target=document,
            bytes_changed=True,
            changes={"stored_sha256": document.snapshot.get("pdf_sha256"), "actual_sha256": actual},
        )
        raise DocumentTampered()
    return content
