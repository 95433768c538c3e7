"""Every form the regulations name, per preset, as printed (issue 12, points 2, 3, 8):
the real PDF's text and the DOCX's text (on A4) are checked against the appendix's
wording, in its order; the retraining protocol's item 7 follows the outcome and carries
the register entry reserved when the commission decided (ADR 0110); a tie decided by the person
presiding is said so; the mapping «field of the form → data» in the app's README is
checked against the rendered documents."""

import copy
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from nmo.attestation import services
from nmo.attestation.selectors import current_records, required_signers
from nmo.attestation.snapshots import printable
from nmo.attestation.tests.factories import (
    all_present,
    build,
    enrol_admitted,
    entry,
    grade_all,
    make_cohort,
    make_programme,
    organisation_under,
    schedule_for,
    vote_all,
)
from nmo.attestation.types import Attendance
from nmo.documents.models import QualificationDocument, RegisterReservation
from nmo.regulations.types import StageKind, VoteChoice

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[1] / "README.md"


_FOOTER = re.compile(r"Архивный № \d+ · версия \d+ · [\s\S]*?проверка: \S+|стр\. \d+ из \d+")


def pdf_text(data: bytes) -> str:
    """The PDF's text, pages joined, the page footer («стр. 1 из 2») taken out so that a
    sentence running onto the next page reads whole."""
    reader = PdfReader(io.BytesIO(data))
    pages = (_FOOTER.sub(" ", page.extract_text() or "") for page in reader.pages)
    return " ".join(" ".join(pages).split())


def docx_text(data: bytes) -> str:
    """The DOCX's text in the order of the document's body: paragraphs and table cells as
    they come (python-docx lists them separately), after checking its page is A4."""
    document = Document(io.BytesIO(data))
    for section in document.sections:
        assert section.page_width is not None
        assert section.page_height is not None
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    parts: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for cell in child.iter():
                if cell.tag.endswith("}t"):
                    parts.append(cell.text or "")
    return " ".join(" ".join(parts).split())


def in_order(text: str, parts: list[str]) -> None:
    """Each part is in the text, after the one before it."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, (
            f"«{part}» не найдено после позиции {position}: {text[position : position + 300]}"
        )
        position = found + len(part)


def records(setup, kind):
    return [d for d in current_records(setup.attestation) if d.kind == kind]


def sign_all(record):
    for signer in required_signers(record.attestation):
        services.sign_record(actor=signer.seat.person, record=record)
    record.refresh_from_db()
    return record


def stage(setup, kind):
    return next(s for s in setup.stages() if s.kind == kind)


def mixed_outcomes(setup, *, failing_stage, failing_value):
    """Антонова passes, Борисов fails on `failing_stage`, Васильева does not appear."""
    first, second, third = setup.results()
    services.record_learner_attendance(
        actor=setup.secretary, learner_result=third, attendance=Attendance.ABSENT_NO_REASON
    )
    grade_all(setup)
    services.record_stage_results(
        actor=setup.secretary,
        attestation=setup.attestation,
        entries=[entry(second, stage(setup, failing_stage), failing_value)],
    )
    return first, second, third


def qualification_upgrade_at_rgmu(base=None):
    """A qualification-upgrade cohort at РостГМУ, with the commission of `base` if given."""
    if base is None:
        org = organisation_under("rgmu")
        setup = build("rgmu", schedule=False, org=org)
    else:
        org = base.org
        setup = copy.copy(base)
    programme = make_programme(org, retraining=False)
    cohort = make_cohort(org, programme)
    setup.enrolments = enrol_admitted(org, cohort)
    setup.programme, setup.cohort = programme, cohort
    setup.attestation = schedule_for(setup)
    return setup


# --- НПЦ ----------------------------------------------------------------------------------


def npc_decided_with_a_tie():
    """НПЦ: Антонова passes, Борисов fails the interview, Васильева does not appear; the
    four voting members split 2–2 and the chair's vote decides (npc-4.10)."""
    setup = build("npc")
    all_present(setup)
    mixed_outcomes(setup, failing_stage=StageKind.INTERVIEW, failing_value="failed")
    vote_all(setup, votes_for=2, votes_against=2, presiding_vote=VoteChoice.FOR)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    setup.attestation.refresh_from_db()
    return setup


NPC_STATEMENT = [
    # npc-app1, point by point
    "Ведомость итоговой аттестации обучающихся на цикле повышения квалификации",
    "«Неотложная помощь детям»",
    "(наименование дополнительной профессиональной программы)",
    "с 05.10.2026 по 16.10.2026",
    "по специальности «Педиатрия»",
    "Дата проведения итоговой аттестации 16.10.2026",
    "Председатель итоговой аттестационной комиссии Председателева Ольга Ивановна",
    "Зам. председателя итоговой аттестационной комиссии Заместителев Игорь Петрович",
    "Секретарь итоговой аттестационной комиссии Секретарёва Елена Олеговна",
    "Члены итоговой аттестационной комиссии: Членова Мария Андреевна",
    "Участников Пётр Ильич",
    "№ п/п ФИО слушателя Итоговая оценка",
    "1 Антонова Алла Борисовна зачтено",
    "2 Борисов Борис Викторович не зачтено",
    "3 Васильева Вера Глебовна не явилась без уважительной причины",
    "Подписи:",
    "Председатель итоговой аттестационной комиссии",
    "(подпись) Председателева Ольга Ивановна",
    "Зам. председателя итоговой аттестационной комиссии",
    "(подпись) Заместителев Игорь Петрович",
    "Секретарь итоговой аттестационной комиссии",
    "(подпись) Секретарёва Елена Олеговна",
    "Член итоговой аттестационной комиссии",
    "(подпись) Членова Мария Андреевна",
]

NPC_MEETING_PROTOCOL = [
    "Протокол № 1",
    "заседания аттестационной комиссии от 16.10.2026",
    "(состав утверждён: приказ директора № 250/5 от 01.09.2026)",
    "Итоговая аттестация обучающихся на цикле повышения квалификации «Неотложная помощь детям»",
    "с 05.10.2026 по 16.10.2026 по специальности «Педиатрия»",
    "Место проведения:",
    "1. Присутствовали:",
    "Председатель аттестационной комиссии Председателева Ольга Ивановна",
    "Заместитель председателя аттестационной комиссии Заместителев Игорь Петрович",
    "Члены аттестационной комиссии Членова Мария Андреевна, Участников Пётр Ильич",
    "Секретарь аттестационной комиссии Секретарёва Елена Олеговна",
    "Отсутствовали: нет",
    "2. Повестка заседания:",
    "Итоговая аттестация 3 слушателей, допущенных к итоговой аттестации",
    "3. Результаты итоговой аттестации:",
    "1 Антонова Алла Борисовна зачтено за — 2, против — 2; решающий голос председательствующего "
    "итоговая аттестация пройдена",
    "2 Борисов Борис Викторович не зачтено за — 2, против — 2; решающий голос "
    "председательствующего итоговая аттестация не пройдена",
    "3 Васильева Вера Глебовна не явилась без уважительной причины — не явилась без "
    "уважительной причины",
    "4. Решение аттестационной комиссии:",
    "4.1. Признать прошедшими итоговую аттестацию: Антонова Алла Борисовна.",
    "4.2. Признать не прошедшими итоговую аттестацию: Борисов Борис Викторович.",
    "4.3. Не явились на итоговую аттестацию: Васильева Вера Глебовна (не явилась без "
    "уважительной причины).",
    "5. Результаты голосования членов комиссии по принятию решения: за — 2, против — 2, "
    "воздержались — 0. При равном числе голосов решение принято решающим голосом "
    "председателя комиссии Председателевой Ольги Ивановны (по слушателям: Антонова Алла "
    "Борисовна, Борисов Борис Викторович).",
    "Подписи:",
    "(подпись) Председателева Ольга Ивановна",
    "(подпись) Заместителев Игорь Петрович",
    "(подпись) Секретарёва Елена Олеговна",
]


@pytest.mark.clause("npc-app1", "npc-2.12", "npc-2.13")
def test_npc_statement_follows_appendix_1_point_by_point_in_pdf_and_docx():
    """npc-app1 (npc-2.12): the statement's PDF and DOCX say the form's words in its
    order — heading, programme, dates, specialty, date, chair, deputy, secretary,
    members, the row of each learner with the final grade (a learner who did not appear:
    so, for a woman «не явилась»), the signatures (npc-2.13)."""
    setup = npc_decided_with_a_tie()
    [statement] = records(setup, "attestation_statement")
    statement = sign_all(statement)
    in_order(pdf_text(bytes(statement.pdf)), NPC_STATEMENT)
    in_order(
        docx_text(services.render_record_docx(statement)), NPC_STATEMENT[:2] + NPC_STATEMENT[3:]
    )


@pytest.mark.clause("npc-2.13", "npc-4.9", "npc-4.10")
def test_npc_protocol_of_the_meeting_is_drawn_up_signed_and_frozen():
    """npc-2.13, npc-4.9: the protocol of the commission's meeting is drawn up with the
    statement when the commission decides, signed by the chair, the deputy, the members
    and the secretary, and frozen with its archive number. It says who attended, the
    agenda, each learner's grade, vote and decision, the lists of those who passed, did
    not pass and did not appear, and that the chair's casting vote decided the 2–2 tie
    (npc-4.10). PDF and DOCX alike."""
    setup = npc_decided_with_a_tie()
    [protocol] = records(setup, "meeting_protocol")
    assert protocol.status == "draft"
    draft = pdf_text(services.render_record_pdf(protocol))
    assert "ПРОЕКТ" in draft
    protocol = sign_all(protocol)
    assert (protocol.status, protocol.number) == ("frozen", 1)
    text = pdf_text(bytes(protocol.pdf))
    in_order(text, NPC_MEETING_PROTOCOL)
    in_order(docx_text(services.render_record_docx(protocol)), NPC_MEETING_PROTOCOL)


# --- РостГМУ ---------------------------------------------------------------------------------


def rgmu_decided_mixed(*, tie: bool = False):
    """РостГМУ retraining: Антонова passes, Борисов fails testing (50%), Васильева does not
    appear. With `tie`, a member is absent and the chair and the other member split 1–1,
    the chair's vote deciding (rgmu-4.10)."""
    setup = build("rgmu")
    all_present(setup, absent=[setup.members[1].pk] if tie else ())
    mixed_outcomes(setup, failing_stage=StageKind.TESTING, failing_value=Decimal(50))
    if tie:
        vote_all(setup, votes_for=1, votes_against=1, presiding_vote=VoteChoice.FOR)
    else:
        vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    setup.attestation.refresh_from_db()
    return setup


def protocol_of(setup, result):
    return next(
        d for d in records(setup, "retraining_protocol") if d.learner_result_id == result.pk
    )


def rgmu_protocol_heading(name: str) -> list[str]:
    return [
        # rgmu-app1, point by point
        "ПРОТОКОЛ №",
        "итоговой аттестации обучающегося на цикле профессиональной переподготовки по "
        "специальности «Педиатрия» с 05.10.2026 по 16.10.2026 на кафедре педиатрии",
        "Дата проведения 16.10.2026",
        "Председатель итоговой аттестационной комиссии: Председателева Ольга Ивановна",
        "Члены итоговой аттестационной комиссии: Членова Мария Андреевна",
        "Секретарь итоговой аттестационной комиссии: Секретарёва Елена Олеговна",
        f"2. Фамилия, имя, отчество соискателя: {name}",
        "3. Специальность: Педиатрия",
    ]


@pytest.mark.clause("rgmu-app1", "rgmu-2.12", "rgmu-2.8")
def test_rgmu_protocol_of_a_learner_who_passed_prints_the_reserved_diploma():
    """rgmu-app1 items 2–7 in order for a learner who passed: the testing %, skills,
    interview, overall grade, 5.1 (the right to practise), 5.3 the votes, 6 remarks and
    item 7 with the series, number and date reserved in the register when the commission
    decided (ADR 0110) — in the PDF and the DOCX."""
    setup = rgmu_decided_mixed()
    first, _, _ = setup.results()
    protocol = protocol_of(setup, first)
    reservation = RegisterReservation.objects.get(enrolment=first.enrolment)
    number = f"{reservation.number:06d}"
    expected = [
        *rgmu_protocol_heading("Антонова Алла Борисовна"),
        "4. Итоговая аттестация:",
        "4.1. Тестовый контроль: 85% правильных ответов — хорошо",
        "4.2. Оценка умений, практических навыков: зачтено",
        "4.3. Оценка результатов собеседования: хорошо",
        "4.4. Общая оценка: хорошо",
        "5. Решение комиссии:",
        "5.1. Итоговая аттестационная комиссия удостоверяет право на ведение профессиональной "
        "деятельности в сфере «Педиатрия».",
        "5.3. Результаты голосования членов комиссии по принятию решения: за 3 человека, "
        "против 0 человек.",
        "6. Замечания, рекомендации экзаменационной комиссии:",
        "7. Специалисту Антоновой Алле Борисовне выдан диплом о профессиональной переподготовке "
        f"по специальности «Педиатрия» серия {reservation.series} № {number} от "
        f"{reservation.issued_on:%d.%m.%Y}",
        "Подписи:",
    ]
    in_order(pdf_text(services.render_record_pdf(protocol)), expected)
    in_order(docx_text(services.render_record_docx(protocol)), expected)
    assert "решающим голосом" not in pdf_text(services.render_record_pdf(protocol))


@pytest.mark.clause("rgmu-app1", "rgmu-2.11")
def test_rgmu_protocol_of_a_learner_who_failed_says_so_instead_of_item_7():
    """A learner who failed: 5.2 (the right refused) and, instead of a diploma in item 7,
    that he got an unsatisfactory result — no series, no number, no «выдан»."""
    setup = rgmu_decided_mixed()
    _, second, _ = setup.results()
    protocol = protocol_of(setup, second)
    expected = [
        *rgmu_protocol_heading("Борисов Борис Викторович"),
        "4.1. Тестовый контроль: 50% правильных ответов — неудовлетворительно",
        "5.2. Итоговая аттестационная комиссия отказывает в праве ведения профессиональной "
        "деятельности в сфере «Педиатрия».",
        "7. Диплом о профессиональной переподготовке не выдаётся: Борисов Борис Викторович "
        "получил на итоговой аттестации неудовлетворительный результат: итоговая аттестация "
        "не пройдена.",
    ]
    for text in (
        pdf_text(services.render_record_pdf(protocol)),
        docx_text(services.render_record_docx(protocol)),
    ):
        in_order(text, expected)
        assert "выдан диплом" not in text
        assert "серия" not in text
    assert not RegisterReservation.objects.filter(enrolment=second.enrolment).exists()


@pytest.mark.clause("rgmu-app1", "rgmu-2.9")
def test_rgmu_protocol_of_a_learner_who_did_not_appear_says_so_for_a_woman():
    """A learner who did not appear gets a protocol saying so, in the feminine for a
    woman, with no grades, votes or diploma."""
    setup = rgmu_decided_mixed()
    _, _, third = setup.results()
    protocol = protocol_of(setup, third)
    expected = [
        *rgmu_protocol_heading("Васильева Вера Глебовна"),
        "4. Итоговая аттестация: не явилась без уважительной причины",
        "5. Решение комиссии: не принималось — не явилась без уважительной причины.",
        "7. Диплом о профессиональной переподготовке не выдаётся: Васильева Вера Глебовна не "
        "явилась на итоговую аттестацию без уважительной причины.",
    ]
    for text in (
        pdf_text(services.render_record_pdf(protocol)),
        docx_text(services.render_record_docx(protocol)),
    ):
        in_order(text, expected)
        assert "4.1." not in text
        assert "5.3." not in text
        assert "не явился" not in text


@pytest.mark.clause("rgmu-app1", "rgmu-2.8", "rgmu-2.13")
def test_the_signed_protocol_and_the_issued_diploma_carry_the_same_entry():
    """The protocol is signed on the day, the diploma issued afterwards: the number
    reserved when the commission decided is in the frozen protocol and on the diploma —
    same series, number and date (ADR 0110)."""
    setup = rgmu_decided_mixed()
    first, _, _ = setup.results()
    protocol = sign_all(protocol_of(setup, first))
    assert protocol.status == "frozen"
    frozen_text = pdf_text(bytes(protocol.pdf))
    issued = services.issue_documents_for(
        actor=setup.org.staff, attestation=setup.attestation, issued_on=timezone.localdate()
    )
    diploma = next(d for d in issued if d.enrolment_id == first.enrolment_id)
    assert diploma.kind == "retraining_diploma"
    reservation = RegisterReservation.objects.get(enrolment=first.enrolment)
    assert (reservation.status, reservation.document_id) == ("used", diploma.pk)
    assert (diploma.series, diploma.number, diploma.issued_on) == (
        reservation.series,
        reservation.number,
        reservation.issued_on,
    )
    assert (
        f"серия {diploma.series} № {diploma.number:06d} от {diploma.issued_on:%d.%m.%Y}"
        in frozen_text
    )
    assert f"{diploma.number:06d}" in pdf_text(bytes(diploma.pdf))
    # The frozen protocol was not touched by the issue.
    protocol.refresh_from_db()
    assert (protocol.version, protocol.status) == (1, "frozen")


@pytest.mark.clause("rgmu-2.8", "rgmu-app1")
def test_a_diploma_issued_before_the_last_signature_cites_the_protocols_own_number():
    """The diploma prints «Протокол … № N от …» of the learner's protocol. Issued while
    the protocol still awaits signatures, it cites the number the protocol was drawn up
    with, and the protocol, once signed by all, is filed under that same number."""
    setup = rgmu_decided_mixed()
    first, _, _ = setup.results()
    protocol = protocol_of(setup, first)
    assert protocol.status != "frozen"
    assert protocol.number is not None
    assert f"ПРОТОКОЛ № {protocol.number}" in pdf_text(services.render_record_pdf(protocol))
    issued = services.issue_documents_for(
        actor=setup.org.staff, attestation=setup.attestation, issued_on=timezone.localdate()
    )
    diploma = next(d for d in issued if d.enrolment_id == first.enrolment_id)
    diploma_text = " ".join(pdf_text(bytes(diploma.pdf)).split())
    cited = f"№ {protocol.number} от {setup.attestation.held_on:%d.%m.%Y}"
    assert cited in diploma_text
    frozen = sign_all(protocol)
    assert frozen.status == "frozen"
    assert frozen.number == protocol.number
    assert f"ПРОТОКОЛ № {protocol.number}" in pdf_text(bytes(frozen.pdf))


@pytest.mark.clause("rgmu-app1")
def test_a_reservation_of_a_learner_whose_result_changes_is_void_and_its_number_not_reused():
    """Reopened and decided again: a learner who still passes keeps the reserved entry; one
    who now fails has it made void with the reason — the number stays taken, the next
    diploma gets the next number, no number is used twice (ADR 0106, ADR 0110)."""
    setup = build("rgmu")
    all_present(setup)
    grade_all(setup)
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    _, second, third = setup.results()
    before = {r.enrolment_id: r.number for r in RegisterReservation.objects.all()}
    assert sorted(before.values()) == [1, 2, 3]
    services.reopen_attestation(
        actor=setup.chair, attestation=setup.attestation, reason="Ошибка в оценке Борисова"
    )
    services.record_stage_results(
        actor=setup.secretary,
        attestation=setup.attestation,
        entries=[entry(second, stage(setup, StageKind.TESTING), Decimal(40))],
    )
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    void = RegisterReservation.objects.get(enrolment=second.enrolment)
    assert void.status == "void"
    assert "итоговая аттестация не пройдена" in void.void_reason
    kept = {r.enrolment_id: r.number for r in RegisterReservation.objects.filter(status="reserved")}
    assert kept == {k: v for k, v in before.items() if k != second.enrolment_id}
    protocol = protocol_of(setup, second)
    assert "не выдаётся" in pdf_text(services.render_record_pdf(protocol))
    issued = services.issue_documents_for(
        actor=setup.org.staff, attestation=setup.attestation, issued_on=timezone.localdate()
    )
    diplomas = sorted(d.number for d in issued if d.kind == "retraining_diploma")
    assert diplomas == sorted(kept.values())
    assert void.number not in diplomas
    third_diploma = QualificationDocument.objects.get(enrolment=third.enrolment)
    assert third_diploma.number == before[third.enrolment_id]


@pytest.mark.clause("rgmu-app1")
def test_a_register_without_a_series_prints_the_default_of_the_organisation_and_year():
    """Nobody configured the diploma register's series: the reserved entry — and so the
    protocol and the diploma — carries «ПП-<code of the organisation>-<year>» (ADR 0110)."""
    setup = rgmu_decided_mixed()
    first, _, _ = setup.results()
    reservation = RegisterReservation.objects.get(enrolment=first.enrolment)
    assert re.fullmatch(rf"ПП-\d{{4}}-{reservation.issued_on.year}", reservation.series)
    assert f"серия {reservation.series} №" in pdf_text(
        services.render_record_pdf(protocol_of(setup, first))
    )


@pytest.mark.clause("rgmu-4.10", "rgmu-app1", "rgmu-app2")
def test_rgmu_protocol_and_report_say_the_chairs_casting_vote_decided():
    """rgmu-4.10: a member absent, the chair and the other member split 1–1, the chair
    votes «за»: the protocol's 5.3 and the report's 2.3 say that the chair's casting vote
    decided, naming the chair in the genitive; PDF and DOCX."""
    setup = rgmu_decided_mixed(tie=True)
    first, _, _ = setup.results()
    line = (
        "При равном числе голосов решение принято решающим голосом председателя комиссии "
        "Председателевой Ольги Ивановны"
    )
    protocol = protocol_of(setup, first)
    for text in (
        pdf_text(services.render_record_pdf(protocol)),
        docx_text(services.render_record_docx(protocol)),
    ):
        in_order(text, ["5.3. Результаты голосования", "за 1 человек, против 1 человек.", line])
    [report] = records(setup, "commission_report")
    for text in (
        pdf_text(services.render_record_pdf(report)),
        docx_text(services.render_record_docx(report)),
    ):
        in_order(
            text,
            [
                "2.3. Результаты голосования членов комиссии по принятию решения:",
                "За 1",
                "Против 1",
                "Воздержались 0",
                line,
            ],
        )


RGMU_REPORT = [
    # rgmu-app2, point by point
    "Отчет №",
    "Комиссии по проведению итоговой аттестации слушателей, освоивших ДПП",
    "«Педиатрия»",
    "(наименование программы)",
    "По специальности «Педиатрия» с 05.10.2026 по 16.10.2026 на кафедре педиатрии",
    "Дата проведения 16.10.2026",
    "Председатель итоговой аттестационной комиссии: Председателева Ольга Ивановна",
    "Члены итоговой аттестационной комиссии: Членова Мария Андреевна, Участников Пётр Ильич",
    "Секретарь итоговой аттестационной комиссии: Секретарёва Елена Олеговна",
    "2.1. Итоговая аттестационная комиссия утверждает положительную аттестацию 1 слушателя.",
    "2.2. Итоговая аттестационная комиссия отказывает в аттестации по программе ДПО 1 слушателю.",
    "№ п/п ФИО Итоговая оценка",
    "1 Антонова Алла Борисовна хорошо",
    "2 Борисов Борис Викторович неудовлетворительно",
    "3 Васильева Вера Глебовна не явилась без уважительной причины",
    "2.3. Результаты голосования членов комиссии по принятию решения:",
    "За 3",
    "Против 0",
    "Воздержались 0",
    "Подписи:",
    "(подпись) Председателева Ольга Ивановна",
    "(подпись) Секретарёва Елена Олеговна",
    "(подпись) Членова Мария Андреевна",
    "(подпись) Участников Пётр Ильич",
]


@pytest.mark.clause("rgmu-app2", "rgmu-2.12", "rgmu-2.13")
def test_rgmu_report_follows_appendix_2_point_by_point_in_pdf_and_docx():
    """rgmu-app2: the report's PDF (frozen, signed by all: rgmu-2.13) and DOCX say the
    form's words in its order."""
    setup = rgmu_decided_mixed()
    [report] = records(setup, "commission_report")
    report = sign_all(report)
    in_order(pdf_text(bytes(report.pdf)), RGMU_REPORT)
    docx = docx_text(services.render_record_docx(report))
    in_order(
        docx,
        [
            p
            for p in RGMU_REPORT
            if p not in ("«Педиатрия»", "(наименование программы)", "№ п/п ФИО Итоговая оценка")
        ],
    )


@pytest.mark.clause("rgmu-4.9", "rgmu-2.13")
def test_rgmu_statement_of_a_qualification_upgrade_cohort_is_drawn_up_and_signed():
    """rgmu-4.9 (rgmu-4.8: the secretary «оформляет экзаменационные ведомости»; Appendix 4
    item 2 names «ведомость итоговой аттестации на цикле повышения квалификации»): a
    qualification-upgrade cohort at РостГМУ gets the statement — the НПЦ Appendix 1 form,
    without the deputy chair РостГМУ does not have — with the report; signed by all and
    frozen; PDF and DOCX."""
    setup = qualification_upgrade_at_rgmu()
    all_present(setup)
    grade_all(setup)
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    assert sorted(d.kind for d in current_records(setup.attestation)) == [
        "attestation_statement",
        "commission_report",
    ]
    [statement] = records(setup, "attestation_statement")
    statement = sign_all(statement)
    expected = [
        "Ведомость итоговой аттестации обучающихся на цикле повышения квалификации",
        f"«{setup.programme.title}»",
        "с 05.10.2026 по 16.10.2026",
        "по специальности «Педиатрия»",
        "Дата проведения итоговой аттестации 16.10.2026",
        "Председатель итоговой аттестационной комиссии Председателева Ольга Ивановна",
        "Секретарь итоговой аттестационной комиссии Секретарёва Елена Олеговна",
        "Члены итоговой аттестационной комиссии: Членова Мария Андреевна",
        "№ п/п ФИО слушателя Итоговая оценка",
        "1 Антонова Алла Борисовна",
        "3 Васильева Вера Глебовна",
        "Подписи:",
        "(подпись) Секретарёва Елена Олеговна",
    ]
    text = pdf_text(bytes(statement.pdf))
    in_order(text, expected)
    assert "Зам. председателя" not in text
    docx = docx_text(services.render_record_docx(statement))
    in_order(docx, [p for p in expected if not p.startswith("№ п/п")])
    assert "Зам. председателя" not in docx
    assert not RegisterReservation.objects.exists()  # nothing prints a certificate's number


# --- the README's mapping «field of the form → data» -----------------------------------------

_SECTION = re.compile(r"^### .*: `(?P<preset>[\w-]+)` `(?P<kind>\w+)`\s*$")


def readme_mapping() -> dict[tuple[str, str], list[str]]:
    """The keys listed in the last column of each form's table in the app's README."""
    mapping: dict[tuple[str, str], list[str]] = {}
    current: tuple[str, str] | None = None
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _SECTION.match(line)
        if match:
            current = (match["preset"], match["kind"])
            mapping[current] = []
            continue
        if line.startswith("## "):
            current = None
        if current is None or not line.startswith("|") or line.startswith("|---"):
            continue
        last = line.strip().strip("|").split("|")[-1].strip()
        if last in ("Ключ", "—"):
            continue
        mapping[current].extend(re.findall(r"`([^`]+)`", last))
    return mapping


def values_of(content: dict, key: str) -> list[str]:
    if "[]" in key:
        name, _, field = key.partition("[]")
        items = content.get(name) or []
        field = field.lstrip(".")
        return [str(item[field] if field else item) for item in items]
    return [str(content.get(key) or "")]


def test_the_readme_mapping_matches_the_rendered_forms():
    """nmo/attestation/README.md maps each field of each form, per preset, to the data it
    comes from and the snapshot key printed: every listed key's value is in the text of
    the rendered PDF (empty values aside), for all five forms."""
    mapping = readme_mapping()
    assert set(mapping) == {
        ("npc", "attestation_statement"),
        ("npc", "meeting_protocol"),
        ("rgmu", "retraining_protocol"),
        ("rgmu", "commission_report"),
        ("rgmu-pk", "attestation_statement"),
    }
    rgmu = rgmu_decided_mixed(tie=True)
    rgmu_pk = qualification_upgrade_at_rgmu(rgmu)
    all_present(rgmu_pk)
    grade_all(rgmu_pk)
    vote_all(rgmu_pk)
    services.decide_attestation(actor=rgmu_pk.chair, attestation=rgmu_pk.attestation)
    setups = {"npc": npc_decided_with_a_tie(), "rgmu": rgmu, "rgmu-pk": rgmu_pk}
    for (preset, kind), keys in mapping.items():
        assert keys, (preset, kind)
        record = records(setups[preset], kind)[0]
        content = printable(record.content)
        text = pdf_text(services.render_record_pdf(record))
        for key in keys:
            assert key.split("[]")[0] in content, f"{preset} {kind}: нет ключа {key}"
            for value in values_of(content, key):
                if value:
                    flat = " ".join(value.split())
                    assert flat in text, f"{preset} {kind}: {key} = «{flat}» нет в PDF"
