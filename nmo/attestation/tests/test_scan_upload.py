"""The scan attached to a retake application: checked by core.uploads (ADR 0025)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from nmo.attestation.forms import RetakeApplyForm
from nmo.attestation.types import RetakeKind
from nmo.core.tests import hostile


def test_a_scan_must_be_a_pdf_or_an_image_of_at_most_ten_megabytes():
    """The scan attached to a retake application (the one other upload) is checked by
    its first bytes and its size, whatever its name says."""

    def form(name, content):
        data = {"kind": RetakeKind.VALID_REASON, "document_description": "Больничный лист"}
        files = {"document_file": SimpleUploadedFile(name, content)}
        return RetakeApplyForm(data, files, kind=RetakeKind.VALID_REASON)

    program = form("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    program.is_valid()
    assert program.errors["document_file"] == [
        "Загрузите скан документа в формате PDF, JPEG или PNG."
    ]
    large = form("scan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    large.is_valid()
    assert large.errors["document_file"] == ["Файл больше 10 МБ."]
    plain = form("scan.pdf", hostile.pdf_named_xlsx())
    plain.is_valid()
    assert "document_file" not in plain.errors
