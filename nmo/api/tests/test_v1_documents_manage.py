"""API v1: what the register pages do, through the API (ADR 0019): a document's PDF, its
handover and revocation, the registers' series, the FRDO file (npc-2.14, rgmu-2.14)."""

import io

import openpyxl
import pytest

from nmo.documents.tests.factories import ISSUED_ON, NPC, issue, make_enrolment, organisation_under
from nmo.documents.tests.test_frdo_export import complete, snils
from nmo.printing.files import attachment_header
from nmo.programmes.models import Enrolment
from nmo.regulations.types import PresetCode

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def npc(db):
    return organisation_under(PresetCode.NPC_DZM, name=NPC, email="uo@npc.example.ru")


@pytest.fixture
def outsider(db):
    return organisation_under(
        PresetCode.ROSTGMU, name="Другой университет", email="x@other.example.ru"
    ).staff


def test_the_pdf_downloads_for_staff_and_the_holder_only(npc, outsider, api_client, token_for):
    """GET /documents/{id}/pdf is the issued PDF for the organisation's staff and for the
    holder's own token; another organisation's staff get 404."""
    enrolment = make_enrolment(npc)
    document = issue(npc, enrolment)
    response = api_client.get(f"/api/v1/documents/{document.pk}/pdf", **token_for(npc.staff))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(document.pdf)
    assert response.content.startswith(b"%PDF")
    # «Удостоверение о ПК № … .pdf» in UTF-8, an ASCII fallback beside (ADR 0029).
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="Udostoverenie o PK')
    assert "filename*=UTF-8''%D0%A3%D0%B4%D0%BE%D1%81%D1%82%D0%BE%D0%B2%D0%B5%D1%80" in header
    other = api_client.get(f"/api/v1/documents/{document.pk}/pdf", **token_for(outsider))
    assert other.status_code == 404


@pytest.mark.clause("npc-2.14")
def test_handover_by_proxy_needs_the_power_of_attorney(npc, api_client, token_for):
    """A handover to a proxy without the power of attorney is 422 in Russian; with it,
    the document shows the handover; a second one is 409 (npc-2.14)."""
    document = issue(npc, make_enrolment(npc))
    headers = token_for(npc.staff)
    path = f"/api/v1/documents/{document.pk}/handover"
    body = {"mode": "proxy", "handed_on": "2026-11-02", "recipient_name": "Петров Пётр"}
    refused = api_client.post(path, body, content_type=JSON, **headers)
    assert refused.status_code == 422
    assert refused.json()["errors"]
    body.update(power_of_attorney_number="77 АА 123456", power_of_attorney_date="2026-10-20")
    done = api_client.post(path, body, content_type=JSON, **headers)
    assert done.status_code == 200, done.content
    assert done.json()["handover"]["mode"] == "proxy"
    assert api_client.post(path, body, content_type=JSON, **headers).status_code == 409


def test_a_revoked_document_says_so_on_its_verification(npc, api_client, token_for):
    """Revoking with a reason marks the document revoked, the public verification shows
    it; a short reason is 422, a second revocation 409."""
    document = issue(npc, make_enrolment(npc))
    headers = token_for(npc.staff)
    path = f"/api/v1/documents/{document.pk}/revoke"
    short = api_client.post(path, {"reason": "ошибка"}, content_type=JSON, **headers)
    assert short.status_code == 422
    reason = "Ошибка в фамилии владельца документа"
    revoked = api_client.post(path, {"reason": reason}, content_type=JSON, **headers)
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    token = document.verification_token
    verified = api_client.get(f"/api/v1/documents/verify/{token}").json()
    assert (verified["status"], verified["revocation_reason"]) == ("revoked", reason)
    again = api_client.post(path, {"reason": reason}, content_type=JSON, **headers)
    assert again.status_code == 409


def test_registers_and_the_frdo_file(npc, outsider, api_client, token_for):
    """The series of a register is set and shown with its next number; the FRDO file for
    the year is an XLSX with the document's row; another organisation's is 404 and a
    year out of range 422."""
    issue(npc, make_enrolment(npc))
    headers = token_for(npc.staff)
    base = f"/api/v1/organisations/{npc.organisation.pk}"
    changed = api_client.put(
        f"{base}/registers/qualification_certificate",
        {"series": "77 ПК"},
        content_type=JSON,
        **headers,
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["series"] == "77 ПК"
    registers = api_client.get(f"{base}/registers", **headers).json()
    certificate = next(r for r in registers if r["kind"] == "qualification_certificate")
    assert certificate["next_number"] == 2
    year = ISSUED_ON.year
    # Missing details (ADR 0114): the file is refused, the check lists them.
    refused = api_client.get(f"{base}/frdo?year={year}", **headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "frdo_incomplete"
    check = api_client.get(f"{base}/frdo/check?year={year}", **headers)
    assert check.status_code == 200
    body = check.json()
    assert (body["documents"], body["complete"]) == (1, False)
    assert body["template"].startswith("ФИС ФРДО, шаблон ДПО")
    assert "Пол получателя" in body["gaps"][0]["missing"]
    assert api_client.get(f"{base}/frdo/check?year={year}", **token_for(outsider)).status_code == (
        404
    )
    enrolment = Enrolment.objects.get(qualification_documents__organisation=npc.organisation)
    complete(enrolment)
    learner = enrolment.learner
    learner.snils = snils()
    learner.save(update_fields=["snils"])
    assert api_client.get(f"{base}/frdo/check?year={year}", **headers).json()["complete"]
    response = api_client.get(f"{base}/frdo?year={year}", **headers)
    assert response.status_code == 200
    assert response.streaming  # from a temporary file (ADR 0607)
    assert response["Content-Disposition"] == attachment_header(
        f"ФИС ФРДО — {npc.organisation} — {year}.xlsx"
    )
    assert (
        "filename*=UTF-8''%D0%A4%D0%98%D0%A1%20%D0%A4%D0%A0%D0%94%D0%9E"
        in (response["Content-Disposition"])
    )
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 2  # the header and one document
    assert api_client.get(f"{base}/frdo?year=1999", **headers).status_code == 422
    assert api_client.get(f"{base}/frdo?year={year}", **token_for(outsider)).status_code == 404
