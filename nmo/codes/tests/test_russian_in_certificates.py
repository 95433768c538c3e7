"""The CME certificate (Свидетельство НМО) speaks correct Russian about a man and a woman
(issue 12 point 1): the participant in the nominative after «подтверждает, что», the verb
by sex («принял участие» / «приняла участие», never «принял(а)»), and the credits agreeing
with their number («1 зачётная единица (1 академический час)», «2 зачётные единицы»,
«5 зачётных единиц»)."""

import io
import re

import pytest
from openpyxl import Workbook
from pypdf import PdfReader

from nmo.codes.documents import certificate_context, render_certificate
from nmo.codes.models import ConfirmationCode
from nmo.codes.services import import_roster

pytestmark = pytest.mark.django_db

# full name as listed in the roster, «принял/приняла участие»
PEOPLE = [
    ("Жукова Анна Сергеевна", "приняла участие"),
    ("Егоров Евгений Жоресович", "принял участие"),
    ("Шевчук Ольга Ивановна", "приняла участие"),
    ("Шевчук Олег Иванович", "принял участие"),
    ("Кириллова Наталья", "приняла участие"),
    ("Ли Виктор", "принял участие"),
]


def roster(names: list[str]) -> bytes:
    workbook = Workbook()
    for row in [["ФИО", "E-mail"], *([name, ""] for name in names)]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


@pytest.fixture
def codes(provider, event):
    import_roster(
        actor=provider,
        activity=event,
        file_name="r.xlsx",
        content=roster([name for name, _ in PEOPLE]),
    )
    by_name = {
        c.participant.full_name: c
        for c in ConfirmationCode.objects.filter(activity=event).select_related(
            "participant", "activity__provider"
        )
    }
    return [(by_name[name], took_part) for name, took_part in PEOPLE]


def test_the_certificate_names_the_participant_and_agrees_the_verb(codes):
    for code, took_part in codes:
        text = text_of(render_certificate(code))
        name = code.participant.full_name
        assert (
            f"Настоящее свидетельство подтверждает, что {name} "
            f"(фамилия, имя, отчество участника) {took_part} в учебном мероприятии" in text
        )
        assert "обеспеченном кредитами НМО" in text
        assert "Количество кредитов 6 зачётных единиц (академических часов)" in text
        assert not re.search(r"\((а|ла|ов|ы)\)", text), text


@pytest.mark.parametrize(
    ("credits", "words"),
    [
        (1, "зачётная единица (академический час)"),
        (2, "зачётные единицы (академических часа)"),
        (4, "зачётные единицы (академических часа)"),
        (5, "зачётных единиц (академических часов)"),
        (11, "зачётных единиц (академических часов)"),
        (21, "зачётная единица (академический час)"),
        (22, "зачётные единицы (академических часа)"),
        (36, "зачётных единиц (академических часов)"),
    ],
)
def test_the_credits_agree_with_their_number(codes, credits, words):
    code, _ = codes[0]
    code.activity.credits = credits
    assert certificate_context(code)["credits_words"] == words
    if credits == 1:
        text = text_of(render_certificate(code))
        assert "Количество кредитов 1 зачётная единица (академический час)" in text
