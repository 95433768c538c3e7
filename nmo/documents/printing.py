"""The printed form of an issued document: the template of each kind and its context.

`render_document_pdf` takes a document that may not be saved yet (the issuing service
renders the PDF before it inserts the row, inside the same transaction), so it reads only
the document's own fields and the row it replaces.
"""

from pathlib import Path
from typing import Any

from nmo.core.russian import agree, by_sex, full_name_in, person_from_full_name
from nmo.documents.models import QualificationDocument
from nmo.documents.selectors import verification_url
from nmo.documents.types import DocumentKind
from nmo.printing.pdf import PdfMeta, render_print
from nmo.printing.qr import qr_png_data_uri

STYLESHEET = Path(__file__).resolve().parent / "templates" / "documents" / "print" / "documents.css"

TEMPLATES: dict[DocumentKind, str] = {
    DocumentKind.QUALIFICATION_CERTIFICATE: "documents/print/qualification_document.html",
    DocumentKind.RETRAINING_DIPLOMA: "documents/print/qualification_document.html",
    DocumentKind.TRAINING_RECORD: "documents/print/training_record.html",
}

# The link ends in 256 random bits, so every mask pattern scores alike: fix one rather
# than score eight (printing.qr.qr_png_data_uri).
QR_MASK = 4

PROGRAMME_KIND_PHRASE = {
    "qualification_upgrade": "повышения квалификации",
    "professional_retraining": "профессиональной переподготовки",
}


def _holder(document: QualificationDocument) -> dict[str, str]:
    """The holder's name as printed on the document, with the sex stored for the learner
    (the name on the document is the snapshot; the sex decides its declension)."""
    sex = ""
    if document.enrolment_id:
        sex = document.enrolment.learner.sex
    return person_from_full_name(document.holder_name, sex)


def document_context(document: QualificationDocument) -> dict[str, Any]:
    """Return what the print template of the document needs: the holder's name in the
    dative («выдан Егорову Евгению Жоресовичу») and the verbs by the holder's sex."""
    url = verification_url(document.verification_token)
    kind = DocumentKind(document.kind)
    holder = _holder(document)
    return {
        "holder_datv": full_name_in("datv", holder),
        "he_she": by_sex(holder, "он", "она"),
        "passed": by_sex(holder, "прошёл", "прошла"),
        "studied": by_sex(holder, "обучался", "обучалась"),
        # «Объём программы: 72 академических часа»; «в объёме 72 академических часов».
        "hours_words": agree("академический час", document.hours),
        "hours_words_gent": agree("академический час", document.hours, "gent"),
        "document": document,
        "kind": kind.value,
        "is_certificate": kind == DocumentKind.QUALIFICATION_CERTIFICATE,
        "is_diploma": kind == DocumentKind.RETRAINING_DIPLOMA,
        "programme_kind_phrase": PROGRAMME_KIND_PHRASE.get(document.programme_kind, ""),
        "display_number": document.display_number,
        "replaces": document.replaces,
        "verification_url": url,
        "qr": qr_png_data_uri(url, mask=QR_MASK),
    }


def document_meta(document: QualificationDocument) -> PdfMeta:
    """The PDF's metadata (ADR 0029): kind, number, holder, issuer, where to check. The
    document is kept in the archive: PDF/A-3b. Its form carries the verification link
    itself (the QR code), so no footer line is added."""
    kind = DocumentKind(document.kind)
    url = verification_url(document.verification_token)
    return PdfMeta(
        title=f"{kind.label.capitalize()} {document.display_number}",
        subject=f"{document.holder_name}: «{document.programme_title}»",
        keywords=(
            "НМО",
            kind.label,
            document.display_number,
            f"регистрационный номер {document.registration_number}",
        ),
        custom={
            "DocumentKind": document.kind,
            "RegistrationNumber": str(document.registration_number),
            "IssuedOn": f"{document.issued_on:%d.%m.%Y}" if document.issued_on else "",
            "VerificationURL": url,
        },
        archival=True,
        author=document.organisation_name,
    )


def render_document_pdf(document: QualificationDocument) -> bytes:
    """Render the document's PDF: A4 landscape for an удостоверение or a диплом, A4
    portrait for a справка; each with a QR code leading to the verification page. Kept in
    the archive, so written as PDF/A-3b with its metadata (ADR 0029)."""
    return render_print(
        TEMPLATES[DocumentKind(document.kind)],
        document_context(document),
        stylesheet=STYLESHEET,
        meta=document_meta(document),
    )
