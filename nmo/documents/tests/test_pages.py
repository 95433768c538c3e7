"""The pages of issued documents: the register of the organisation's staff (filters,
search, pages, one query for the rows), a document's page, the PDF for its holder and the
staff, the learner's own documents, and the settings of the registers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nmo.core.models import AuditEntry
from nmo.documents.models import DocumentRegister
from nmo.documents.services import issue_training_record, revoke_document
from nmo.documents.tests.factories import (
    ISSUED_ON,
    PASSWORD,
    enrol,
    issue,
    make_cohort,
    make_enrolment,
    make_learner,
)

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def rows_of(html: str) -> int:
    return html.count('<th scope="row">')


def test_the_register_lists_filters_and_searches(rgmu, client):
    """The register lists the organisation's documents; filters by kind, status and year
    and a search by the holder's name narrow it."""
    cohort = make_cohort(rgmu)
    issue(rgmu, enrol(cohort, make_learner(last_name="Алексеева")))
    revoked = issue(rgmu, enrol(cohort, make_learner(last_name="Борисов")))
    revoke_document(actor=rgmu.staff, document=revoked, reason="Ошибка в фамилии слушателя")
    issue_training_record(
        actor=rgmu.staff,
        enrolment=enrol(cohort, make_learner(last_name="Васильев")),
        issued_on=ISSUED_ON,
    )
    signed_in(client, rgmu.staff)
    url = reverse("documents:register")

    page = client.get(url).content.decode()
    assert rows_of(page) == 3
    assert all(name in page for name in ("Алексеева", "Борисов", "Васильев"))
    assert "аннулирован" in page

    assert rows_of(client.get(url, {"kind": "training_record"}).content.decode()) == 1
    assert rows_of(client.get(url, {"status": "revoked"}).content.decode()) == 1
    assert rows_of(client.get(url, {"year": "2026"}).content.decode()) == 3
    assert rows_of(client.get(url, {"year": "2025"}).content.decode()) == 0
    found = client.get(url, {"q": "алексе"}).content.decode()
    assert rows_of(found) == 1
    assert "Алексеева" in found
    assert rows_of(client.get(url, {"q": "ПК-2"}).content.decode()) == 1
    assert client.get(url, {"year": "abc"}).status_code == 422


def test_the_register_pages_with_one_query_for_the_rows(rgmu, client):
    """The register shows 25 documents a page; the number of queries does not grow with
    the rows (no query per document, and the PDF bytes are not loaded)."""
    cohort = make_cohort(rgmu)
    oldest = [issue(rgmu, enrol(cohort)) for _ in range(3)]
    signed_in(client, rgmu.staff)
    url = reverse("documents:register")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(24):
        issue(rgmu, enrol(cohort))
    with CaptureQueriesContext(connection) as many:
        first = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    rows = [
        q["sql"] for q in many.captured_queries if "documents_qualificationdocument" in q["sql"]
    ]
    assert len(rows) == 2  # the count and the page
    assert all('"pdf"' not in sql for sql in rows)
    assert rows_of(first) == 25
    assert "Страница 1 из 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert rows_of(second) == 2
    # Newest first: the last page holds the two documents issued first, and a number past
    # the last page shows the last page.
    assert all(document.display_number in second for document in oldest[:2])
    assert oldest[2].display_number not in second
    assert rows_of(client.get(url, {"page": 99}).content.decode()) == 2
    # A deep page picks its ids in a subquery (its OFFSET there) and reads only their rows
    # (ADR 0614): the documents before it are skipped as index entries, not read.
    with CaptureQueriesContext(connection) as deep:
        client.get(url, {"page": 2})
    (page_rows,) = [
        q["sql"]
        for q in deep.captured_queries
        if "documents_qualificationdocument" in q["sql"] and "COUNT(" not in q["sql"].upper()
    ]
    subquery = page_rows[page_rows.index("IN (SELECT") :]
    assert "OFFSET 25" in subquery


def test_the_document_page_shows_the_document(org, client):
    """The document's page shows what is printed, the PDF link and the forms."""
    document = issue(org, make_enrolment(org))
    page = signed_in(client, org.staff).get(document.get_absolute_url()).content.decode()
    assert document.holder_name in page
    assert document.display_number in page
    assert reverse("documents:document_pdf", args=[document.pk]) in page
    assert "Записать выдачу" in page
    assert "Аннулировать документ" in page


def test_the_holder_and_the_staff_download_the_pdf(org, client):
    """The PDF as issued goes to the holder and to the organisation's staff."""
    document = issue(org, make_enrolment(org))
    url = reverse("documents:document_pdf", args=[document.pk])
    for user in (document.enrolment.learner, org.staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == bytes(document.pdf)
        assert "attachment" in response["Content-Disposition"]


def test_a_learner_sees_only_their_documents(org, client):
    """ "Мои документы" lists the person's own documents with their PDFs, revoked ones
    with the reason, and nobody else's."""
    mine = make_enrolment(org, last_name="Моя")
    certificate = issue(org, mine)
    revoke_document(actor=org.staff, document=certificate, reason="Ошибка в фамилии слушателя")
    current = issue(org, mine)
    other = issue(org, make_enrolment(org, last_name="Чужой"))
    client.force_login(mine.learner)
    page = client.get(reverse("documents:my_documents")).content.decode()
    documents_table = page.split('id="frdo-details"')[0]  # the FRDO details follow
    assert rows_of(documents_table) == 2
    assert reverse("documents:document_pdf", args=[current.pk]) in page
    assert "Ошибка в фамилии слушателя" in page
    assert reverse("documents:document_pdf", args=[other.pk]) not in page

    client.force_login(make_learner())
    assert "Документов пока нет" in client.get(reverse("documents:my_documents")).content.decode()


def test_register_settings_set_the_series(org, client):
    """The staff set the series (and prefix) of a register; documents issued afterwards
    carry it, the next number goes on; the change is audited."""
    issue(org, make_enrolment(org))
    signed_in(client, org.staff)
    url = reverse("documents:register_settings")
    response = client.post(
        url,
        {
            "organisation": org.organisation.pk,
            "kind": "qualification_certificate",
            "series": "77 24",
            "registration_prefix": "уд",
        },
    )
    assert response.status_code == 302
    register = DocumentRegister.objects.get(
        organisation=org.organisation, kind="qualification_certificate"
    )
    assert (register.series, register.registration_prefix, register.next_number) == (
        "77 24",
        "УД",
        2,
    )
    document = issue(org, make_enrolment(org))
    assert (document.display_number, document.registration_number) == (
        "серия 77 24 № 000002",
        "УД-2",
    )
    assert AuditEntry.objects.filter(action="document_register.configure").count() == 1
    bad = client.post(
        url,
        {"organisation": org.organisation.pk, "kind": "qualification_certificate", "series": "№!"},
    )
    assert bad.status_code == 422
    assert "Серия состоит из цифр" in bad.content.decode()


def test_it_checks_access(org, outsider, specialist, client):
    """The register, a document's page and the settings are for the organisation's staff:
    another organisation's staff get 404 for the document and see none of its documents,
    a person without the role 403, a visitor the login form. The PDF is the holder's and
    the staff's: anyone else gets 404. "Мои документы" needs a sign-in."""
    document = issue(org, make_enrolment(org))
    detail = document.get_absolute_url()
    pdf = reverse("documents:document_pdf", args=[document.pk])
    register = reverse("documents:register")
    settings_url = reverse("documents:register_settings")
    mine = reverse("documents:my_documents")

    for url in (detail, pdf, register, settings_url, mine):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login" in response["Location"]

    client.force_login(outsider)
    assert client.get(detail).status_code == 404
    assert client.get(pdf).status_code == 404
    assert document.holder_name not in client.get(register).content.decode()
    forged = client.post(
        settings_url,
        {"organisation": org.organisation.pk, "kind": "qualification_certificate", "series": "1"},
    )
    assert forged.status_code == 422  # not one of the outsider's organisations
    assert not DocumentRegister.objects.filter(series="1").exists()

    client.force_login(specialist)
    assert client.get(detail).status_code == 403
    assert client.get(register).status_code == 403
    assert client.get(pdf).status_code == 404
    other_learner = make_enrolment(org).learner
    client.force_login(other_learner)
    assert client.get(pdf).status_code == 404
    assert client.get(detail).status_code == 403
