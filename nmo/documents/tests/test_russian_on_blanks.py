"""Prints on the organisation's pre-printed blanks speak correct Russian about a man and a
woman whose names decline differently (issue 12 point 1): the удостоверение's and the
diploma's blank print the holder in the dative the blank's «выдано …» needs — a man's
«Шевчук» declines, a woman's does not, «Ли» never does — and the supplement's blank in the
nominative; nothing of the form's own wording, so no «(а)»."""

import re

import pytest

from nmo.documents.services import print_on_blank
from nmo.documents.tests.factories import issue
from nmo.documents.tests.pdf_probe import Pdf
from nmo.documents.tests.test_qualification_print import configured, diploma_of, enrolment_of

pytestmark = pytest.mark.django_db

# (last, first, middle, sex, dative, «прошёл/прошла»)
PEOPLE = {
    "Жукова": ("Жукова", "Анна", "Сергеевна", "female", "Жуковой Анне Сергеевне", "прошла"),
    "Шевчук-он": ("Шевчук", "Олег", "Иванович", "male", "Шевчуку Олегу Ивановичу", "прошёл"),
    "Шевчук-она": ("Шевчук", "Ольга", "Ивановна", "female", "Шевчук Ольге Ивановне", "прошла"),
    "Ли": ("Ли", "Виктор", "", "male", "Ли Виктору", "прошёл"),
    "Кириллова": ("Кириллова", "Наталья", "Сергеевна", "female", "Кирилловой Наталье Сергеевне",
                  "прошла"),
}  # fmt: skip
FORBIDDEN = re.compile(r"\((а|ла|ов|ы|ась)\)")


@pytest.fixture(params=sorted(PEOPLE))
def person(request):
    return PEOPLE[request.param]


def nominative(person) -> str:
    return " ".join(p for p in person[:3] if p)


def test_certificate_blank_prints_the_holder_in_the_dative(org, person):
    configured(org)
    document = issue(org, enrolment_of(org, person))
    text = Pdf(print_on_blank(actor=org.staff, document=document, blank="certificate")).text()
    assert person[4] in text
    if person[4] != nominative(person):
        assert not re.search(rf"{nominative(person)}\b", text), text
    assert not FORBIDDEN.search(text), text


def test_diploma_blank_in_the_dative_and_supplement_in_the_nominative(rgmu, person):
    document = diploma_of(rgmu, person)
    face = Pdf(print_on_blank(actor=rgmu.staff, document=document, blank="diploma")).text()
    assert person[4] in face
    assert not FORBIDDEN.search(face), face
    sheet = Pdf(print_on_blank(actor=rgmu.staff, document=document, blank="supplement")).text()
    assert nominative(person) in sheet
    assert not FORBIDDEN.search(sheet), sheet
