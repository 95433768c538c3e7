"""Values that cross the app boundary: the kinds of documents the app issues, their
statuses (`TextChoices` declared once with their Russian label, used by the models'
`choices=`) and the ways a document is handed over. Other apps (attestation) pass these
to `services.issue_document` and friends; plain strings with the same values work too."""

from django.db.models import TextChoices

from nmo.core.audit import AuditAction, AuditField, choices_of
from nmo.regulations.types import FailedDocument, HandoverMode, QualificationDocument

__all__ = [
    "FRDO_TEMPLATE_VERSION",
    "QUALIFICATION_KINDS",
    "DocumentKind",
    "DocumentStatus",
    "HandoverMode",
    "RevocationGround",
]


_CERTIFICATE = QualificationDocument.QUALIFICATION_CERTIFICATE
_DIPLOMA = QualificationDocument.RETRAINING_DIPLOMA


class DocumentKind(TextChoices):
    """What is issued (glossary: qualification certificate, retraining diploma, training
    record): the regulation's qualification documents (npc-2.8, rgmu-2.8), with their
    codes and labels, and the document for those who did not pass (npc-2.11, rgmu-2.11),
    with the regulation's code and the title printed on the register and its pages."""

    QUALIFICATION_CERTIFICATE = _CERTIFICATE.value, _CERTIFICATE.label
    RETRAINING_DIPLOMA = _DIPLOMA.value, _DIPLOMA.label
    TRAINING_RECORD = (
        FailedDocument.TRAINING_RECORD.value,
        "справка об обучении (о периоде обучения)",
    )


class DocumentStatus(TextChoices):
    ISSUED = "issued", "действителен"
    REVOKED = "revoked", "аннулирован"


class RevocationGround(TextChoices):
    """Why a document stopped being valid, in the words of the ФИС ФРДО template's
    confirmation columns (ADR 0114): the holder lost it («Подтверждение утраты»), it was
    exchanged for a new one — a changed name, an error in it («Подтверждение обмена») — or
    the form was destroyed — spoilt or issued in error («Подтверждение уничтожения»)."""

    LOST = "lost", "утрата"
    EXCHANGED = "exchanged", "обмен (замена)"
    DESTROYED = "destroyed", "уничтожение (испорчен или выдан ошибочно)"


FRDO_TEMPLATE_VERSION = (
    "ФИС ФРДО, шаблон ДПО в 40 столбцов (от «Вид документа» до «Номер документа для изменения»)"
)
"""Which template the FRDO export's columns follow; ADR 0114 and the app's README say how
it was established."""

QUALIFICATION_KINDS: frozenset[DocumentKind] = frozenset(
    {DocumentKind.QUALIFICATION_CERTIFICATE, DocumentKind.RETRAINING_DIPLOMA}
)


# The audit log's words for this app's actions (ADR 0018).
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "document.issue": "Выдан документ об обучении",
    "document.handover": AuditAction(
        "Документ об обучении вручён", fields_of="documents.documenthandover"
    ),
    "document.revoke": AuditAction("Документ об обучении аннулирован", pairs=True),
    "document.revocation_ground": "Указано основание аннулирования документа",
    "document_register.configure": "Изменены настройки реестра документов",
    "documents.frdo_export": "Выгружены сведения для ФИС ФРДО",
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "registration_prefix": "префикс регистрационного номера",
    "documents": "документов",
    "pdf_sha256": "SHA-256 файла PDF",
    "issued_on": "дата выдачи",
    "ground": AuditField("основание", choices=choices_of(RevocationGround.choices)),
    "incomplete": "строк с недостающими сведениями",
}
