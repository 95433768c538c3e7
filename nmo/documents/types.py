"""Values that cross the app boundary: the kinds of documents the app issues, their
statuses and the ways a document is handed over. Other apps (attestation) pass these to
`services.issue_document` and friends; plain strings with the same values work too."""

from enum import StrEnum

from nmo.regulations.types import HandoverMode

__all__ = ["DocumentKind", "DocumentStatus", "HandoverMode"]


class DocumentKind(StrEnum):
    """What is issued (glossary: qualification certificate, retraining diploma, training
    record). The first two are qualification documents (npc-2.8, rgmu-2.8); the training
    record is for those who did not pass (npc-2.11, rgmu-2.11)."""

    QUALIFICATION_CERTIFICATE = "qualification_certificate"
    RETRAINING_DIPLOMA = "retraining_diploma"
    TRAINING_RECORD = "training_record"


class DocumentStatus(StrEnum):
    ISSUED = "issued"
    REVOKED = "revoked"


QUALIFICATION_KINDS: frozenset[DocumentKind] = frozenset(
    {DocumentKind.QUALIFICATION_CERTIFICATE, DocumentKind.RETRAINING_DIPLOMA}
)
