"""The printed records as files (ADR 0029, issue 12 point 5): table rows and the signature
block never split across pages, the signature block never alone on its page, the archive
number and signing marks in the PDF's metadata and on the foot of each page, PDF/A-3b with
every font embedded, Russian download names."""

import io
import re

import pytest

from nmo.attestation import services
from nmo.attestation.models import AttestationDocument
from nmo.attestation.selectors import current_records, required_signers
from nmo.attestation.tests.factories import (
    Setup,
    all_present,
    enrol_admitted,
    grade_all,
    make_cohort,
    make_commission,
    make_programme,
    organisation_under,
    schedule_for,
    seats_by_role,
    vote_all,
)
from nmo.printing.tests.pdf_checks import assert_pdfa_3b, pages_text

pytestmark = pytest.mark.django_db

SURNAMES = [
    "Антонова",
    "Борисов",
    "Васильева",
    "Григорьев",
    "Дмитриева",
    "Егоров",
    "Жукова",
    "Зайцев",
    "Ильина",
    "Кириллова",
    "Лебедев",
    "Морозова",
    "Никитин",
    "Орлова",
    "Павлов",
    "Романова",
    "Соколов",
    "Тихонова",
    "Устинов",
    "Фёдорова",
    "Харитонов",
    "Цветкова",
    "Чернов",
    "Шевчук",
    "Щербакова",
    "Юдин",
    "Яковлева",
    "Абрамов",
    "Белова",
    "Виноградов",
    "Гусева",
    "Давыдов",
    "Ершова",
    "Жданов",
    "Захарова",
    "Исаев",
    "Калинина",
    "Ли",
    "Медведева",
    "Новиков",
]


def forty_learners(key: str) -> Setup:
    """A decided attestation of 40 learners under the preset `key`."""
    org = organisation_under(key)
    commission = make_commission(org)
    programme = make_programme(org, retraining=False)
    cohort = make_cohort(org, programme)
    names = [
        (
            last,
            "Анна" if last.endswith("а") else "Иван",
            "Сергеевна" if last.endswith("а") else "Петрович",
        )
        for last in SURNAMES
    ]
    enrolments = enrol_admitted(org, cohort, names=names)
    setup = Setup(org, commission, programme, cohort, enrolments, seats=seats_by_role(commission))
    setup.attestation = schedule_for(setup)
    all_present(setup)
    grade_all(setup)
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    setup.attestation.refresh_from_db()
    return setup


def sign_all(record: AttestationDocument) -> AttestationDocument:
    for signer in required_signers(record.attestation):
        services.sign_record(actor=signer.seat.person, record=record)
    record.refresh_from_db()
    return record


def assert_rows_whole(pages: list[str], rows: list[str]) -> None:
    """Each row's text stands whole on one page (not split by a page break)."""
    for row in rows:
        assert any(row in page for page in pages), f"row split or missing: {row}"


def assert_signatures_not_alone(pages: list[str], signer_names: list[str]) -> None:
    """The signature block («Подписи:» and every signatory) is on one page, and that page
    holds something of the form besides the signatures."""
    [page] = [p for p in pages if "Подписи:" in p]
    for name in signer_names:
        assert name in page, name
    before = page.split("Подписи:")[0]
    assert re.search(r"\d+ \S+ \S+ \S+ (зачтено|отлично|хорошо)", before), before[:300]


@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_a_forty_learner_record_keeps_rows_and_signatures_whole(key):
    """A 40-learner statement (НПЦ) and commission report (РостГМУ), signed and frozen: no
    learner's row is split across pages, the table's head repeats on each page it spans,
    the signature block stands whole with its heading on a page that also holds rows of
    the table (the bug: page 3 of a 38-learner statement held only signatures)."""
    setup = forty_learners(key)
    kind = "attestation_statement" if key == "npc" else "commission_report"
    [record] = [d for d in current_records(setup.attestation) if d.kind == kind]
    record = sign_all(record)
    pages = pages_text(bytes(record.pdf))
    assert len(pages) >= 2
    rows = [f"{learner['n']} {learner['name']}" for learner in record.content["learners"]]
    assert len(rows) == 40
    assert_rows_whole(pages, rows)
    table_pages = [p for p in pages if any(row in p for row in rows)]
    head = "№ п/п ФИО"
    assert all(head in p for p in table_pages), "the table's head repeats on each page"
    signers = [s["name"] for s in record.content["signers"]]
    assert_signatures_not_alone(pages, signers)
    for page in pages:
        assert f"Архивный № {record.number} · версия 1 · подписано в системе НМО" in page
    assert "Архивный №" not in pages[0].split("Архивный №")[0]


def test_a_frozen_record_is_pdfa_with_its_marks_in_the_metadata():
    """A frozen record is PDF/A-3b (XMP pdfaid part 3, conformance B), its fonts embedded,
    in Russian, tagged; its title, archive number, version and signing marks are in the
    file's metadata; its stored hash is the hash of those bytes (ADR 0024)."""
    import hashlib

    setup = forty_learners("npc")
    [record] = [d for d in current_records(setup.attestation) if d.kind == "attestation_statement"]
    draft = services.render_record_pdf(record)
    assert b"pdfaid" not in draft
    record = sign_all(record)
    pdf = bytes(record.pdf)
    assert hashlib.sha256(pdf).hexdigest() == record.pdf_sha256
    assert services.render_record_pdf(record) == pdf
    reader = assert_pdfa_3b(pdf)
    info = reader.metadata
    assert info.title == f"Ведомость итоговой аттестации № {record.number}"
    assert info["/ArchiveNumber"] == str(record.number)
    assert info["/Version"] == "1"
    for signer in record.content["signers"]:
        assert signer["name"] in info["/SignedBy"]
        assert signer["signed_at"] in info["/SignedBy"]
    assert f"архивный № {record.number}" in info["/Keywords"]
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_record_downloads_are_named_in_russian(client):
    """The PDF and the DOCX of a record are downloaded under a Russian name saying what
    they are, with RFC 5987's `filename*` and an ASCII fallback."""
    from urllib.parse import unquote

    setup = forty_learners("npc")
    [record] = [d for d in current_records(setup.attestation) if d.kind == "attestation_statement"]
    record = sign_all(record)
    client.force_login(setup.org.staff)
    for extension in ("pdf", "docx"):
        response = client.get(f"{record.get_absolute_url()}{extension}/")
        assert response.status_code == 200, response.status_code
        header = response["Content-Disposition"]
        encoded = header.split("filename*=UTF-8''")[1]
        title = setup.cohort.title or setup.programme.title
        assert unquote(encoded) == (
            f"Ведомость ИА № {record.number} — {title} — 16.10.2026.{extension}"
        )
        assert 'filename="Vedomost IA' in header


# --- DOCX ------------------------------------------------------------------------------------

ANCHORS = (
    "Дата проведения",
    "Председатель итоговой аттестационной комиссии",
    "Зам. председателя итоговой аттестационной комиссии",
    "Секретарь итоговой аттестационной комиссии",
    "Члены итоговой аттестационной комиссии",
    "2. Фамилия, имя, отчество соискателя",
    "3. Специальность",
    "4.1. Тестовый контроль",
    "4.4. Общая оценка",
    "5. Решение комиссии",
    "6. Замечания",
    "2.1. Итоговая аттестационная комиссия",
    "2.2. Итоговая аттестационная комиссия",
    "№ п/п",
    "2.3. Результаты голосования",
    "Подписи:",
)
"""Where the parts of a record begin: their order in the DOCX must be the PDF's."""


def docx_body_text(document) -> str:
    """The DOCX's text in the order of its body (paragraphs and tables interleaved)."""
    from docx.oxml.ns import qn

    parts = []
    for child in document.element.body.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            parts.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
            if child.tag == qn("w:tbl"):
                for cell in child.iter(qn("w:tc")):
                    parts.append("".join(t.text or "" for t in cell.iter(qn("w:t"))))
    return " ".join(" ".join(parts).split())


def anchor_order(text: str) -> list[str]:
    found = [(text.find(a), a) for a in ANCHORS if a in text]
    return [a for _, a in sorted(found)]


@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_docx_records_are_a4_forms_in_the_pdf_order(key):
    """Each record's DOCX (python-docx): A4 portrait with the form's margins (left 30 mm,
    right 15, top and bottom 20), tables of fixed layout whose columns have explicit widths
    filling the 165 mm of text, header rows repeated and rows unsplit, no empty paragraph,
    no archive line in the body, and its parts in the order of the PDF."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm

    from nmo.attestation.tests.factories import decided

    setup = decided(key)
    records = list(current_records(setup.attestation))
    assert records
    for record in records:
        document = Document(io.BytesIO(services.render_record_docx(record)))
        for section in document.sections:
            assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
            assert round(section.left_margin.mm) == 30
            assert round(section.right_margin.mm) == 15
            assert round(section.top_margin.mm) == 20
            assert round(section.bottom_margin.mm) == 20
        for table in document.tables:
            layout = table._tbl.tblPr.find(qn("w:tblLayout"))
            assert layout is not None
            assert layout.get(qn("w:type")) == "fixed"
            grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
            assert abs(sum(grid) - Mm(165).twips) < 30, grid
            for row in table.rows:
                assert row._tr.trPr is not None
                assert row._tr.trPr.find(qn("w:cantSplit")) is not None
                for cell, width in zip(row.cells, grid, strict=True):
                    assert cell.width is not None
                    assert abs(cell.width.twips - width) < 2
        bordered = [
            t for t in document.tables if t.style is not None and t.style.name == "Table Grid"
        ]
        for table in bordered:
            assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        empty = [
            p
            for p in document.element.body.iterchildren(qn("w:p"))
            if not "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()
            and not list(p.iter(qn("w:sectPr")))
        ]
        assert not empty, f"{record.kind}: {len(empty)} empty paragraphs"
        text = docx_body_text(document)
        assert "Архивный №" not in text
        assert "{%" not in text
        assert "{{" not in text
        pdf_text = " ".join(pages_text(services.render_record_pdf(record)))
        if record.kind == "meeting_protocol":
            # Its order is checked by test_appendix_forms (the appendix's parts in order in
            # both files); its attendance table repeats the anchors' role names.
            continue
        assert anchor_order(text) == anchor_order(pdf_text), record.kind
        assert len(anchor_order(text)) >= 4


def test_every_archived_record_kind_is_pdfa():
    """РостГМУ's retraining protocols and commission report, once frozen, are PDF/A-3b with
    every font embedded, their archive number and signing marks in the metadata and on the
    foot of the page, none of it in the body (the statement: above)."""
    from nmo.attestation.tests.factories import decided

    setup = decided("rgmu")
    kinds = set()
    for record in current_records(setup.attestation):
        record = sign_all(record)
        assert record.is_frozen
        reader = assert_pdfa_3b(bytes(record.pdf))
        assert reader.metadata["/ArchiveNumber"] == str(record.number)
        assert reader.metadata["/SignedBy"].count(";") == len(record.content["signers"]) - 1
        for page in pages_text(bytes(record.pdf)):
            assert f"Архивный № {record.number} · версия 1" in page
            assert "подписано в системе НМО" in page
            body = page.split("Архивный №")[0]
            assert "подписано в системе" not in body
        kinds.add(record.kind)
    assert kinds == {"retraining_protocol", "commission_report"}


def _qualification_upgrade_at_rgmu() -> Setup:
    """A decided attestation of a qualification-upgrade cohort at РостГМУ (its ведомость,
    rgmu-4.8, Appendix 4 item 2)."""
    org = organisation_under("rgmu")
    commission = make_commission(org)
    programme = make_programme(org, retraining=False)
    cohort = make_cohort(org, programme)
    enrolments = enrol_admitted(org, cohort)
    setup = Setup(org, commission, programme, cohort, enrolments, seats=seats_by_role(commission))
    setup.attestation = schedule_for(setup)
    all_present(setup)
    grade_all(setup)
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    setup.attestation.refresh_from_db()
    return setup


@pytest.mark.parametrize(
    ("key", "kind"),
    [("npc", "meeting_protocol"), ("rgmu-pk", "attestation_statement")],
)
def test_the_meeting_protocol_and_the_qualification_upgrade_statement_are_pdfa(key, kind):
    """ADR 0029: НПЦ's protocol of the commission's meeting (npc-2.13, npc-4.9) and
    РостГМУ's ведомость of a qualification-upgrade cohort (rgmu-4.8), once frozen, are
    PDF/A-3b with every font (Liberation Serif) embedded, their archive number and signing
    marks in the metadata and on the foot of each page, none of it in the body."""
    from nmo.attestation.tests.factories import decided

    setup = decided("npc") if key == "npc" else _qualification_upgrade_at_rgmu()
    [record] = [d for d in current_records(setup.attestation) if d.kind == kind]
    record = sign_all(record)
    assert record.is_frozen
    reader = assert_pdfa_3b(bytes(record.pdf))
    assert reader.metadata["/ArchiveNumber"] == str(record.number)
    assert reader.metadata["/DocumentKind"] == kind
    assert reader.metadata["/SignedBy"].count(";") == len(record.content["signers"]) - 1
    for page in pages_text(bytes(record.pdf)):
        assert f"Архивный № {record.number} · версия 1 · подписано в системе НМО" in page
        assert "подписано в системе" not in page.split("Архивный №")[0]
