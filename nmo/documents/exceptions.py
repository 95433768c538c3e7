"""Refusals of the documents app, each with a stable code."""

from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = [
    "DocumentAlreadyIssued",
    "DocumentAlreadyRevoked",
    "DocumentInvalid",
    "DocumentKindNotAllowed",
    "DocumentRevoked",
    "DocumentTampered",
    "FrdoIncomplete",
    "HandoverAlreadyRecorded",
    "HandoverInvalid",
    "LayoutInvalid",
    "OrganisationDetailsInvalid",
    "RegisterInvalid",
    "RevocationInvalid",
]


class DocumentKindNotAllowed(ValidationFailed):
    """The kind does not fit the programme (ПК → удостоверение, ПП → диплом) or the
    organisation's regulation does not name it (npc-2.8, rgmu-2.8, npc-2.11, rgmu-2.11)."""

    code = "document_kind_not_allowed"
    default_message = "Такой документ по этой программе не выдаётся."


class DocumentInvalid(ValidationFailed):
    """Dates or the learner's state do not allow the document."""

    code = "document_invalid"
    default_message = "Документ не может быть оформлен: проверьте данные."


class DocumentAlreadyIssued(Conflict):
    """The enrolment already holds a live document of this kind (or a qualification
    document, when a training record is asked for). Revoke it first to re-issue."""

    code = "document_already_issued"
    default_message = "Слушателю уже выдан такой документ. Чтобы выдать новый, аннулируйте прежний."


class DocumentRevoked(Conflict):
    code = "document_revoked"
    default_message = "Документ аннулирован."


class DocumentAlreadyRevoked(Conflict):
    code = "document_already_revoked"
    default_message = "Документ уже аннулирован."


class HandoverInvalid(ValidationFailed):
    code = "handover_invalid"
    default_message = "Сведения о выдаче документа заполнены с ошибками."


class HandoverAlreadyRecorded(Conflict):
    code = "handover_already_recorded"
    default_message = "Выдача этого документа уже записана."


class RevocationInvalid(ValidationFailed):
    code = "revocation_invalid"
    default_message = "Укажите причину аннулирования."


class RegisterInvalid(ValidationFailed):
    code = "register_invalid"
    default_message = "Настройки реестра заполнены с ошибками."


class OrganisationDetailsInvalid(ValidationFailed):
    code = "organisation_details_invalid"
    default_message = "Реквизиты организации заполнены с ошибками."


class LayoutInvalid(ValidationFailed):
    code = "blank_layout_invalid"
    default_message = "Расположение полей на бланке задано с ошибками."


class DocumentTampered(Conflict):
    """The stored file or data of an issued document no longer match what was sealed when
    it was issued (ADR 0024): the document is not served, and the administrators see it
    on the integrity page."""

    code = "document_tampered"
    default_message = (
        "Документ не может быть выдан: его файл или данные изменены после выдачи и не "
        "совпадают с сохранённой контрольной суммой. Администраторы уведомлены; "
        "обратитесь в организацию, выдавшую документ."
    )


class FrdoIncomplete(ValidationFailed):
    """The FRDO file would lack what the template requires (ADR 0114): `errors["frdo"]`
    names each learner and the missing columns."""

    code = "frdo_incomplete"
