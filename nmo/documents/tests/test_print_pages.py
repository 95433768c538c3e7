"""The pages of an organisation's document settings and of printing (issue 12, point 4):
the details its documents print, the layout of each blank, the calibration page, and the
choice between the full form on A4 and the values on the organisation's blank. Staff of
the organisation only: another organisation's staff get 404, a person without the staff
role 403 (ADR 0112)."""

import pytest
from django.urls import reverse

from nmo.core.models import AuditEntry
from nmo.documents.layouts import BLANKS
from nmo.documents.models import BlankLayout, OrganisationDetails
from nmo.documents.tests.factories import PASSWORD, issue, make_enrolment, make_learner
from nmo.documents.tests.pdf_probe import Pdf
from nmo.documents.tests.test_qualification_print import DETAILS, configured
from nmo.documents.types import BlankKind
from nmo.printing.files import attachment_header

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def layout_post(blank: BlankKind, **changes: str) -> dict[str, str]:
    spec = BLANKS[blank]
    data = {"page_width": str(spec.width_mm), "page_height": str(spec.height_mm)}
    if spec.row_step_mm is not None:
        data["row_step"] = str(spec.row_step_mm)
    for field in spec.fields:
        for part, value in zip(("x", "y", "width", "size"), field.default, strict=True):
            data[f"{field.code}__{part}"] = "" if value is None else str(value)
    data.update(changes)
    return data


def test_staff_set_the_details_their_documents_print(rgmu, client):
    """The details page starts from the organisation's record, saves what staff type,
    audits it, and re-shows a refusal with Russian messages by field (422)."""
    signed_in(client, rgmu.staff)
    url = reverse("documents:organisation_details", args=[rgmu.organisation.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert rgmu.organisation.name in page.content.decode()
    assert "Реквизиты ещё не заданы" in page.content.decode()

    refused = client.post(url, {**DETAILS, "secretary_name": ""})
    assert refused.status_code == 422
    assert "Обязательное поле" in refused.content.decode() or "заполните" in (
        refused.content.decode()
    )
    assert not OrganisationDetails.objects.exists()

    saved = client.post(url, DETAILS)
    assert saved.status_code == 302
    details = OrganisationDetails.objects.get(organisation=rgmu.organisation)
    assert details.head_name == "С. В. Шлык"
    assert AuditEntry.objects.filter(action="organisation_details.configure").count() == 1


def test_staff_set_a_blank_layout_and_bad_values_are_explained(rgmu, client):
    """The layout page lists every field of the blank with X, Y, width and font size; a
    value off the sheet or not a number is refused with a Russian message (422) and
    nothing is saved; good values are saved and audited."""
    signed_in(client, rgmu.staff)
    url = reverse("documents:blank_layout", args=[rgmu.organisation.pk, "diploma"])

    page = client.get(url).content.decode()
    for field in BLANKS[BlankKind.DIPLOMA].fields:
        assert field.label in page
    assert "Калибровочный лист" in page

    refused = client.post(url, layout_post(BlankKind.DIPLOMA, holder__x="500", hours__size="x"))
    body = refused.content.decode()
    assert refused.status_code == 422
    assert "X должен быть в пределах листа" in body
    assert "размер шрифта: введите число миллиметров" in body
    assert not BlankLayout.objects.exists()

    saved = client.post(url, layout_post(BlankKind.DIPLOMA, holder__x="150,5"))
    assert saved.status_code == 302
    layout = BlankLayout.objects.get(organisation=rgmu.organisation, blank="diploma")
    assert layout.positions["holder"]["x"] == "150.5"
    assert AuditEntry.objects.filter(action="blank_layout.configure").exists()


def test_the_calibration_page_is_a_pdf_of_the_blank(rgmu, client):
    signed_in(client, rgmu.staff)
    response = client.get(
        reverse("documents:blank_calibration", args=[rgmu.organisation.pk, "supplement"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = Pdf(response.content)
    assert pdf.page_size_mm() == pytest.approx((210, 297), abs=0.5)
    assert "Калибровочный лист" in pdf.text()
    assert response["Content-Disposition"] == attachment_header(
        f"Калибровочная страница — бланк приложения к диплому — {rgmu.organisation}.pdf",
        inline=True,
    )


@pytest.mark.clause("npc-2.8")
def test_staff_choose_how_to_print_a_document(npc, client):
    """On the register and the document's page staff choose: the full form on A4 (the
    file issued) or only the values on the organisation's blank (npc-2.8)."""
    configured(npc)
    document = issue(
        npc, make_enrolment(npc, last_name="Жукова", first_name="Анна", middle_name="Сергеевна")
    )
    signed_in(client, npc.staff)
    url = reverse("documents:document_print", args=[document.pk])

    register = client.get(reverse("documents:register")).content.decode()
    assert f"{url}?mode=full" in register
    assert f"{url}?mode=blank&amp;blank=certificate" in register
    detail = client.get(document.get_absolute_url()).content.decode()
    assert "Полная форма на листе A4" in detail
    assert "Только значения на бланке организации" in detail

    full = client.get(url, {"mode": "full"})
    assert full.status_code == 200
    assert full.content == bytes(document.pdf)
    named = f"Удостоверение о ПК {document.display_number} — Жукова А.С. — "
    named += f"{document.issued_on:%d.%m.%Y}"
    assert full["Content-Disposition"] == attachment_header(f"{named}.pdf", inline=True)

    blank = client.get(url, {"mode": "blank", "blank": "certificate"})
    assert blank.status_code == 200
    text = Pdf(blank.content).text()
    assert "Жуковой Анне Сергеевне" in text
    assert "УДОСТОВЕРЕНИЕ" not in text
    assert blank["Content-Disposition"] == attachment_header(
        f"{named} — печать на бланке удостоверения о повышении квалификации.pdf", inline=True
    )

    assert client.get(url, {"mode": "sideways"}).status_code == 422
    wrong = client.get(url, {"mode": "blank", "blank": "supplement"})
    assert wrong.status_code == 422
    assert "Этот документ на таком бланке не печатается." in wrong.content.decode()


def _urls(org, document) -> list[str]:
    pk = org.organisation.pk
    return [
        reverse("documents:organisation_details", args=[pk]),
        reverse("documents:blank_layout", args=[pk, "certificate"]),
        reverse("documents:blank_calibration", args=[pk, "certificate"]),
        reverse("documents:document_print", args=[document.pk]) + "?mode=blank",
    ]


def test_another_organisations_staff_get_404(rgmu, outsider, client):
    document = issue(rgmu, make_enrolment(rgmu))
    signed_in(client, outsider)
    for url in _urls(rgmu, document):
        assert client.get(url).status_code == 404, url
    assert client.post(_urls(rgmu, document)[0], DETAILS).status_code == 404
    assert not OrganisationDetails.objects.exists()


def test_a_person_without_the_staff_role_gets_403(rgmu, client):
    enrolment = make_enrolment(rgmu)
    document = issue(rgmu, enrolment)
    signed_in(client, enrolment.learner)
    for url in _urls(rgmu, document)[:3]:
        assert client.get(url).status_code == 403, url
    # The holder may download the issued file, but printing is the staff's.
    assert client.get(_urls(rgmu, document)[3]).status_code in (403, 404)
    other = make_learner(last_name="Шевчук")
    client.logout()
    signed_in(client, other)
    assert client.get(_urls(rgmu, document)[0]).status_code == 403


def test_an_unknown_blank_is_404_and_anonymous_visitors_sign_in(rgmu, client):
    url = reverse("documents:blank_layout", args=[rgmu.organisation.pk, "certificate"])
    assert client.get(url).status_code == 302
    signed_in(client, rgmu.staff)
    unknown = reverse("documents:blank_layout", args=[rgmu.organisation.pk, "passport"])
    assert client.get(unknown).status_code == 404
