"""Values that cross the app boundary: the kinds of documents the app issues, their
statuses (`TextChoices` declared once with their Russian label, used by the models'
`choices=`) and the ways a document is handed over. Other apps (attestation) pass these
to `services.issue_document` and friends; plain strings with the same values work too."""

from django.db.models import TextChoices

from nmo.regulations.types import HandoverMode

__all__ = ["QUALIFICATION_KINDS", "DocumentKind", "DocumentStatus", "HandoverMode"]


class DocumentKind(TextChoices):
    """What is issued (glossary: qualification certificate, retraining diploma, training
    record). The first two are qualification documents (npc-2.8, rgmu-2.8); the training
    record is for those who did not pass (npc-2.11, rgmu-2.11)."""

    QUALIFICATION_CERTIFICATE = (
        "qualification_certificate",
        "удостоверение о повышении квалификации",
    )
    RETRAINING_DIPLOMA = "retraining_diploma", "диплом о профессиональной переподготовке"
    TRAINING_RECORD = "training_record", "справка об обучении (о периоде обучения)"


class DocumentStatus(TextChoices):
    ISSUED = "issued", "действителен"
    REVOKED = "revoked", "аннулирован"


QUALIFICATION_KINDS: frozenset[DocumentKind] = frozenset(
    {DocumentKind.QUALIFICATION_CERTIFICATE, DocumentKind.RETRAINING_DIPLOMA}
)
