"""Values that cross the app boundary: the kinds of documents the app issues, their
statuses (`TextChoices` declared once with their Russian label, used by the models'
`choices=`) and the ways a document is handed over. Other apps (attestation) pass these
to `services.issue_document` and friends; plain strings with the same values work too."""

from dataclasses import dataclass
from datetime import date

from django.db.models import TextChoices

from nmo.core.audit import AuditAction, AuditField, choices_of
from nmo.regulations.types import FailedDocument, HandoverMode, QualificationDocument

__all__ = [
    "FRDO_TEMPLATE_VERSION",
    "QUALIFICATION_KINDS",
    "AttestationFacts",
    "BlankKind",
    "DocumentKind",
    "DocumentStatus",
    "HandoverMode",
    "PrintMode",
    "RegisterEntry",
    "ReservationStatus",
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


class ReservationStatus(TextChoices):
    """A number of the register taken for a learner when the commission decides (ADR 0110)."""

    RESERVED = "reserved", "зарезервирован"
    USED = "used", "использован: документ выдан"
    VOID = "void", "аннулирован: документ не выдаётся"


@dataclass(frozen=True)
class RegisterEntry:
    """The register entry a signed record prints before the document exists (ADR 0110):
    the series, the number as printed (zero-padded) and the date the document will carry.
    `reservation_id` is None when the document was already issued."""

    series: str
    number: str
    issued_on: date
    reservation_id: int | None = None


class RevocationGround(TextChoices):
    """Why a document stopped being valid, in the words of the ФИС ФРДО template's
    confirmation columns (ADR 0114): the holder lost it («Подтверждение утраты»), it was
    exchanged for a new one — a changed name, an error in it («Подтверждение обмена») — or
    the form was destroyed — spoilt or issued in error («Подтверждение уничтожения»)."""

    LOST = "lost", "утрата"
    EXCHANGED = "exchanged", "обмен (замена)"
    DESTROYED = "destroyed", "уничтожение (испорчен или выдан ошибочно)"


FRDO_TEMPLATE_VERSION = (
    "ФИС ФРДО, шаблон ДПО в 40 столбцов (от «Вид документа» до «Номер документа для "
    "изменения»), редакция, действующая с 02.2025"
)
"""Which template the FRDO export's columns follow; ADR 0114 and the app's README say how
it was established."""

QUALIFICATION_KINDS: frozenset[DocumentKind] = frozenset(
    {DocumentKind.QUALIFICATION_CERTIFICATE, DocumentKind.RETRAINING_DIPLOMA}
)


class BlankKind(TextChoices):
    """The pre-printed blanks an organisation buys and prints the values onto (issue 12):
    the удостоверение, the диплом and the diploma's supplement (приложение)."""

    CERTIFICATE = "certificate", "бланк удостоверения о повышении квалификации"
    DIPLOMA = "diploma", "бланк диплома о профессиональной переподготовке"
    SUPPLEMENT = "supplement", "бланк приложения к диплому"


class PrintMode(TextChoices):
    """How staff print a qualification document: the whole form on plain A4 paper (the file
    issued and archived), or only the values onto the organisation's pre-printed blank."""

    FULL = "full", "полная форма на листе A4"
    BLANK = "blank", "на бланке организации"


@dataclass(frozen=True)
class AttestationFacts:
    """What the attestation app knows and a qualification document prints: the commission's
    protocol (number, date) for the diploma's reference and the final attestation's grade
    for its supplement. The attestation app passes it to `services.issue_document`."""

    protocol_number: str = ""
    protocol_date: date | None = None
    final_grade: str = ""


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
    "document_register.reserve": "Зарезервирован номер документа по решению комиссии",
    "document_register.void": "Аннулирован резерв номера документа",
    "organisation_details.configure": "Изменены реквизиты организации для документов",
    "blank_layout.configure": "Изменено расположение полей на бланке",
    "document.print_blank": "Документ напечатан на бланке организации",
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "registration_prefix": "префикс регистрационного номера",
    "documents": "документов",
    "pdf_sha256": "SHA-256 файла PDF",
    "issued_on": "дата выдачи",
    "ground": AuditField("основание", choices=choices_of(RevocationGround.choices)),
    "incomplete": "строк с недостающими сведениями",
}
