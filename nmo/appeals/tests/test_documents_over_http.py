"""The appeal's files over HTTP, as the study department, the appeal commission and the
learner download them: the archive book of protocols and its PDF by year (npc-5.20), the
protocol as PDF and DOCX on A4 (npc-app3, rgmu-app4), the notice letter with the address
(npc-5.18, rgmu-5.18), the application in the РостГМУ form (Appendix 3: to the rector);
another organisation gets 404. What is kept in the archive (the frozen protocol, the
book) is PDF/A-3b with its fonts embedded, its archive number and signing marks in the
metadata and on the foot line, not in the body; every file has a Russian name (ADR 0029)."""

import io
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from nmo.appeals import services
from nmo.appeals.models import Appeal, AppealProtocol
from nmo.appeals.tests.factories import (
    HELD_ON,
    appeal_setup,
    file_as_learner,
    filing,
    heard,
    on,
    votes,
)
from nmo.attestation.tests.factories import organisation_under
from nmo.core.integrity import sha256_hex
from nmo.core.models import AuditEntry
from nmo.core.russian import full_name_in
from nmo.printing.tests.pdf_checks import assert_pdfa_3b, pages_text

pytestmark = pytest.mark.django_db

ADDRESS = "344022, г. Ростов-на-Дону, пер. Нахичеванский, д. 29, кв. 1"
PDF = "application/pdf"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def file_name(response) -> str:
    """The Russian name of a download (RFC 5987 `filename*`, UTF-8), checking that an
    ASCII fallback is given too."""
    header = response["Content-Disposition"]
    assert 'filename="' in header, header
    assert "filename*=UTF-8''" in header, header
    return unquote(header.split("filename*=UTF-8''")[1])


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def decided_and_signed(s, appeal: Appeal, **kw) -> Appeal:
    appeal = heard(s, appeal)
    appeal = services.decide_appeal(
        actor=s.staff, appeal=appeal, resolution=kw.pop("resolution", "rejected"),
        votes=votes(appeal), **kw,
    )  # fmt: skip
    protocol = AppealProtocol.objects.get(appeal=appeal)
    for person in (s.chair, s.deputy, *s.members, s.secretary):
        protocol = services.sign_protocol(actor=person, protocol=protocol)
    protocol.refresh_from_db()
    assert protocol.is_frozen
    return appeal


@pytest.fixture
def rgmu():
    """Two appeals of one РостГМУ attestation decided and their protocols frozen: № 1 of
    the learner (a woman) satisfied with «хорошо», № 2 of a man rejected."""
    s = appeal_setup("rgmu")
    first = decided_and_signed(
        s, file_as_learner(s, HELD_ON), resolution="new_result", new_grade="good"
    )
    with on(HELD_ON):
        other = services.file_appeal(
            actor=s.passed.enrolment.learner, learner_result=s.passed, filing=filing()
        )
    second = decided_and_signed(s, other)
    return s, first, second


@pytest.mark.clause("npc-5.20")
def test_the_book_page_and_the_book_pdf_of_a_year(rgmu):
    """npc-5.20: the archive book lists the year's protocols in number order with their
    hashes, and its PDF binds the frozen protocols in that order; another organisation's
    staff see none of it (their book of 2025 is 404)."""
    s, first, second = rgmu
    staff = client_for(s.staff)
    page = staff.get(reverse("appeals:book")).content.decode()
    assert "2025 год" in page
    one = page.index("Протокол № 1 от 31.10.2025")
    two = page.index("Протокол № 2 от 31.10.2025")
    assert one < two
    assert AppealProtocol.objects.get(appeal=first).pdf_sha256 in page
    assert s.learner.full_name in page
    response = staff.get(reverse("appeals:book_pdf", args=[2025]))
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    text = text_of(response.content)
    assert text.index("Протокол № 1") < text.index("Протокол № 2")
    assert s.learner.full_name in text
    assert second.learner.full_name in text
    assert file_name(response) == "Книга протоколов апелляционной комиссии — 2025.pdf"
    assert staff.get(reverse("appeals:book_pdf", args=[2024])).status_code == 404
    outsider = client_for(
        organisation_under("rgmu", name="ГБУЗ Другая", email="other@x.example.ru").staff
    )
    assert outsider.get(reverse("appeals:book_pdf", args=[2025])).status_code == 404
    assert s.learner.full_name not in outsider.get(reverse("appeals:book")).content.decode()


@pytest.mark.clause("rgmu-app4", "npc-5.16")
def test_the_protocol_as_pdf_and_as_a_docx_on_a4(rgmu):
    """rgmu-app4, npc-5.16: the frozen protocol downloads as the stored PDF (the text of
    the form with the decision taken) and as a DOCX on an A4 page with the same content;
    the members of the commission open it; another organisation gets 404."""
    s, first, _ = rgmu
    member = client_for(s.members[0])
    response = member.get(reverse("appeals:protocol_pdf", args=[first.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    protocol = AppealProtocol.objects.get(appeal=first)
    assert sha256_hex(response.content) == protocol.pdf_sha256
    text = text_of(response.content)
    for expected in (
        "Протокол № 1",
        "заседания апелляционной комиссии от 31.10.2025",
        s.learner.full_name,
        "удовлетворить апелляцию с результатом (отлично, хорошо, удовлетворительно, "
        "зачтено): хорошо",
        "С решением апелляционной комиссии ознакомлена",
    ):
        assert expected in text, expected
    assert file_name(response) == (
        f"Протокол апелляционной комиссии № 1 — {s.learner.short_name} — 31.10.2025.pdf"
    )
    response = client_for(s.staff).get(reverse("appeals:protocol_docx", args=[first.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment")
    assert file_name(response) == (
        f"Протокол апелляционной комиссии № 1 — {s.learner.short_name} — 31.10.2025.docx"
    )
    docx = Document(io.BytesIO(response.content))
    section = docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    body = "\n".join(p.text for p in docx.paragraphs)
    assert "Протокол № 1" in body
    assert "заседания апелляционной комиссии от 31.10.2025" in body
    assert "хорошо" in body
    assert s.chair.full_name in body
    assert "подписано в системе" not in body
    outsider = client_for(
        organisation_under("npc", name="ГБУЗ Чужая", email="alien@x.example.ru").staff
    )
    for name in ("protocol_pdf", "protocol_docx", "notice_pdf", "application_pdf"):
        assert outsider.get(reverse(f"appeals:{name}", args=[first.pk])).status_code == 404, name
    # Another learner of the same cohort does not see this learner's protocol.
    peer = client_for(s.passed.enrolment.learner)
    assert peer.get(reverse("appeals:protocol_pdf", args=[first.pk])).status_code == 404


@pytest.mark.clause("rgmu-5.18", "npc-5.18")
def test_the_notice_letter_pdf_carries_the_address(rgmu):
    """rgmu-5.18: the study department downloads the letter to post: addressed to the
    appellant at the postal address, with the decision and that it is final; the learner
    may not download the staff's letter (403)."""
    s, first, _ = rgmu
    response = client_for(s.staff).get(reverse("appeals:notice_pdf", args=[first.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    text = text_of(response.content)
    assert full_name_in("datv", s.learner) in text  # addressed in the dative
    assert ADDRESS in text
    assert "(протокол № 1)" in text
    assert "«хорошо»" in text
    assert "окончательным и обжалованию не подлежит" in text
    assert file_name(response) == (
        f"Уведомление о решении апелляционной комиссии — {s.learner.short_name} — 31.10.2025.pdf"
    )
    info = PdfReader(io.BytesIO(response.content)).metadata
    assert info.title == "Уведомление о решении апелляционной комиссии"
    assert info["/ArchiveNumber"] == "1/2025"
    assert (
        client_for(s.learner).get(reverse("appeals:notice_pdf", args=[first.pk])).status_code == 403
    )


@pytest.mark.clause("rgmu-5.10")
def test_the_rgmu_application_is_addressed_to_the_rector_in_the_appendix_3_form(rgmu):
    """rgmu-5.10 (Appendix 3 of the РостГМУ regulation): the application is addressed to
    the rector, from the learner, who completed the programme (the participle agrees with
    the person: «завершившей» for a woman, «завершившего» for a man), with its dates,
    the кафедра, the specialty and the phone."""
    s, first, second = rgmu
    response = client_for(s.learner).get(reverse("appeals:application_pdf", args=[first.pk]))
    assert response.status_code == 200
    text = text_of(response.content)
    organisation = s.org.organisation.name
    for expected in (
        f"Ректору {organisation}",
        f"от {full_name_in('gent', s.learner)},",
        "завершившей обучение по программе «Педиатрия» с 20.10.2025 по 31.10.2025",
        "на кафедре педиатрии",  # the unit inside the phrase
        "по специальности «Педиатрия»",
        "Контактный телефон: +7 900 000-00-00",
        "Почтовый адрес: 344022, г. Ростов-на-",  # the line breaks after the hyphen
        "Нахичеванский, д. 29, кв. 1",
        "Прошу рассмотреть мою апелляцию о несогласии с результатами",
    ):
        assert expected in text, (expected, text)
    assert "завершившего" not in text
    assert file_name(response) == (
        f"Заявление об апелляции — {s.learner.short_name} — {first.filed_on:%d.%m.%Y}.pdf"
    )
    info = PdfReader(io.BytesIO(response.content)).metadata
    assert info.title == f"Заявление о подаче апелляции от {first.filed_on:%d.%m.%Y}"
    assert info.author == s.learner.full_name
    man = client_for(s.staff).get(reverse("appeals:application_pdf", args=[second.pk])).content
    assert "завершившего обучение" in text_of(man)
    assert "завершившей" not in text_of(man)


@pytest.mark.clause("npc-5.18")
def test_a_letter_without_an_address_is_refused_until_the_staff_give_one():
    """npc-5.18 (ADR 0403): the notice goes by post, so without the appellant's postal
    address the letter is not produced — the refusal says why and where to give it; the
    list of letters flags the missing address and takes it; then the letter carries it.
    The change is audited; another organisation gets 404; an address too short is
    refused."""
    s = appeal_setup("npc")
    appeal = heard(s, file_as_learner(s, HELD_ON, postal_address=""))
    appeal = services.decide_appeal(
        actor=s.staff, appeal=appeal, resolution="rejected", votes=votes(appeal)
    )
    staff = client_for(s.staff)
    refused = staff.get(reverse("appeals:notice_pdf", args=[appeal.pk]))
    assert refused.status_code == 409
    message = refused.content.decode()
    assert "Не указан почтовый адрес заявителя" in message
    assert "направляется почтой (п. 5.18 Положения НПЦ ДЗМ)" in message
    letters = staff.get(reverse("appeals:letters")).content.decode()
    assert "почтовый адрес не указан" in letters
    assert reverse("appeals:notice_address", args=[appeal.pk]) in letters
    outsider = client_for(
        organisation_under("npc", name="ГБУЗ Третья", email="third@x.example.ru").staff
    )
    url = reverse("appeals:notice_address", args=[appeal.pk])
    assert outsider.post(url, {"postal_address": ADDRESS}).status_code == 404
    staff.post(url, {"postal_address": "Москва"})
    appeal.refresh_from_db()
    assert appeal.postal_address == ""
    response = staff.post(url, {"postal_address": f"  {ADDRESS} "})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.postal_address == ADDRESS
    entry = AuditEntry.objects.get(action="appeal.address", object_id=str(appeal.pk))
    assert entry.changes == {"before": "", "after": ADDRESS}
    letter = staff.get(reverse("appeals:notice_pdf", args=[appeal.pk]))
    assert letter.status_code == 200
    assert ADDRESS in text_of(letter.content)


@pytest.mark.clause("npc-5.16", "npc-5.20")
def test_the_frozen_protocol_and_the_book_are_pdfa_with_the_marks_on_the_foot_line(rgmu):
    """npc-5.16, npc-5.20 (ADR 0029): the frozen protocol is PDF/A-3b (XMP part 3,
    conformance B, output intent, in Russian, tagged) with every font embedded; its title,
    archive number (number/year of the book) and each signatory with the time of signing
    are in the file's metadata and on the verification line at the foot of every page —
    the form's body no longer says «подписано в системе». The draft is a plain PDF whose
    foot line says ПРОЕКТ. The year's book is PDF/A-3b too, each protocol's pages with
    that protocol's own foot line."""
    s, first, second = rgmu
    protocol = AppealProtocol.objects.get(appeal=first)
    pdf = bytes(protocol.pdf)
    reader = assert_pdfa_3b(pdf)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    info = reader.metadata
    assert info.title == "Протокол заседания апелляционной комиссии № 1 от 31.10.2025"
    assert info["/ArchiveNumber"] == "1/2025"
    assert "архивный № 1/2025" in info["/Keywords"]
    for signer in protocol.content["signers"]:
        assert signer["signed_at"]
        assert f"{signer['name']} ({signer['role']}), {signer['signed_at']}" in info["/SignedBy"]
    pages = pages_text(pdf)
    for page in pages:
        assert "Архивный № 1/2025 · подписано в системе НМО всеми участниками заседания (5)" in (
            page
        )
        assert f"/appeals/{first.pk}/" in page
        body = page.split("Архивный №")[0]
        assert "подписано в системе" not in body
    assert "Подписи:" in " ".join(pages)

    draft = services.render_protocol_pdf(
        AppealProtocol(
            appeal=first, year=2025, number=1, held_on=protocol.held_on, content=protocol.content
        )
    )  # the same protocol before its last signature
    assert b"pdfaid" not in draft
    assert "ПРОЕКТ · протокол № 1/2025 не подписан всеми участниками заседания" in text_of(draft)

    response = client_for(s.staff).get(reverse("appeals:book_pdf", args=[2025]))
    book = response.content
    reader = assert_pdfa_3b(book)
    info = reader.metadata
    assert info.title == "Книга протоколов апелляционной комиссии за 2025 год"
    assert info["/ArchiveNumbers"] == "1/2025; 2/2025"
    pages = pages_text(book)
    for page in pages:
        body = page.split("Архивный №")[0]
        number = 1 if s.learner.full_name in body else 2
        if number == 2:
            assert second.learner.full_name in body
        assert f"Архивный № {number}/2025 · подписано в системе НМО" in page
        assert "подписано в системе" not in body
    assert {p.split("Архивный № ")[1][:6] for p in pages} == {"1/2025", "2/2025"}


@pytest.mark.clause("rgmu-app4")
def test_the_attestation_records_of_an_appeal_download_under_their_russian_names(rgmu):
    """rgmu-app4: the retraining protocol and the commission's report the appeal
    commission opens from the hearing page carry the attestation record's own Russian
    name («Протокол ИА № … — Фамилия И.О. — дата.pdf»), not `retraining_protocol-1-v1.pdf`."""
    from nmo.appeals.selectors import appeal_documents

    s, first, _ = rgmu
    member = client_for(s.members[0])
    names = set()
    for document in appeal_documents(first):
        if "/records/" not in document.url:
            continue
        response = member.get(document.url)
        assert response.status_code == 200, document
        names.add(file_name(response))
    assert names == {
        "Проект — Протокол ИА — Антонова А.Б. — 31.10.2025.pdf",
        "Проект — Отчёт комиссии ИА — Педиатрия — 31.10.2025.pdf",
    }
