"""The appeal forms speak correct Russian about a man and a woman whose names decline
differently (issue 12 point 1): the application «от» the appellant in the genitive,
«завершившего / завершившей обучение», the unit inside the phrase; the protocol's agenda
«после завершения обучения» the appellant in the genitive and «ознакомлен / ознакомлена»;
the notice letter addressed in the dative. Checked on the PDFs' text (and the protocol's
DOCX for the words by sex)."""

import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from nmo.appeals import services
from nmo.appeals.models import AppealProtocol
from nmo.appeals.tests.factories import HELD_ON, appeal_setup, file_as_learner, heard, votes

pytestmark = pytest.mark.django_db

# preset, (last, first, middle, sex), genitive, dative, «завершившего», «ознакомлен»
CASES = [
    ("npc", ("Шевчук", "Олег", "Иванович", "male"), "Шевчука Олега Ивановича",
     "Шевчуку Олегу Ивановичу", "завершившего", "ознакомлен"),
    ("npc", ("Шевчук", "Ольга", "Ивановна", "female"), "Шевчук Ольги Ивановны",
     "Шевчук Ольге Ивановне", "завершившей", "ознакомлена"),
    ("rgmu", ("Жукова", "Анна", "Сергеевна", ""), "Жуковой Анны Сергеевны",
     "Жуковой Анне Сергеевне", "завершившей", "ознакомлена"),
    ("rgmu", ("Ли", "Виктор", "", "male"), "Ли Виктора", "Ли Виктору", "завершившего",
     "ознакомлен"),
]  # fmt: skip
FORBIDDEN = re.compile(r"\((а|ла|ов|ы|ась)\)|Кафедра педиатрии|Кафедра кардиологии")


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


@pytest.mark.parametrize(("preset", "name", "genitive", "dative", "completed", "acquainted"), CASES)
def test_application_protocol_and_notice_decline_the_appellant(
    preset, name, genitive, dative, completed, acquainted
):
    s = appeal_setup(preset)
    learner = s.learner
    learner.last_name, learner.first_name, learner.middle_name, learner.sex = name
    learner.save(update_fields=["last_name", "first_name", "middle_name", "sex"])
    nominative = " ".join(p for p in name[:3] if p)
    appeal = heard(s, file_as_learner(s, HELD_ON))

    application = text_of(services.render_application_pdf(appeal))
    assert f"от {genitive}, {completed} обучение по программе" in application
    assert f"(подпись) {nominative}" in application
    assert "на кафедре педиатрии" in application
    assert not FORBIDDEN.search(application), application

    appeal = services.decide_appeal(
        actor=s.staff, appeal=appeal, resolution="rejected", votes=votes(appeal)
    )
    protocol = AppealProtocol.objects.get(appeal=appeal)
    text = text_of(services.render_protocol_pdf(protocol))
    assert f"Заявитель: {nominative}" in text
    assert f"после завершения обучения {genitive} на цикле" in text
    assert "на кафедре педиатрии" in text
    assert f"С решением апелляционной комиссии {acquainted} (подпись) {nominative}" in text
    assert not FORBIDDEN.search(text), text
    word = " ".join(
        p.text for p in Document(io.BytesIO(services.render_protocol_docx(protocol))).paragraphs
    )
    assert f"С решением апелляционной комиссии {acquainted} ________ / {nominative}" in word
    assert f"после завершения обучения {genitive} на цикле" in word
    assert "на кафедре педиатрии" in word

    notice = text_of(services.render_notice_pdf(appeal))
    assert notice.startswith(dative) or f" {dative} " in f" {notice} ", notice
    assert "рассмотрела вашу апелляцию" in notice
    assert not FORBIDDEN.search(notice), notice
