"""The protocol of the hearing (npc-5.9, npc-5.16, npc-app3, rgmu-app4): signed by all
present, then frozen with its hash, numbered per organisation and year, bound by year
(npc-5.20); the notice letter by post with its deadline (npc-5.18, rgmu-5.18)."""

import io
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from nmo.appeals import services
from nmo.appeals.exceptions import HearingInvalid, ProtocolNotSignable
from nmo.appeals.models import AppealProtocol
from nmo.appeals.selectors import flags_for, letters_to_send, protocols_of_year
from nmo.appeals.tests.factories import (
    HELD_ON,
    appeal_setup,
    file_as_learner,
    filing,
    heard,
    on,
    votes,
)
from nmo.core.exceptions import PermissionDenied
from nmo.core.integrity import sha256_hex
from nmo.core.models import AuditEntry
from nmo.core.russian import full_name_in

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def decided(s, *, hearing_on=None, absent=(), **kw):
    appeal = heard(s, file_as_learner(s, HELD_ON), hearing_on=hearing_on, absent=absent)
    return services.decide_appeal(
        actor=s.staff, appeal=appeal, resolution=kw.pop("resolution", "rejected"),
        votes=votes(appeal), **kw,
    )  # fmt: skip


def sign_all(s, appeal, people):
    protocol = AppealProtocol.objects.get(appeal=appeal)
    for person in people:
        protocol = services.sign_protocol(actor=person, protocol=protocol)
    protocol.refresh_from_db()
    return protocol


@pytest.mark.clause("npc-5.16", "npc-app3", "npc-5.9")
def test_npc_protocol_in_the_appendix_3_form_signed_by_all_present_then_frozen():
    """npc-5.16, npc-app3: the protocol (number and date, those present, the agenda,
    the documents submitted, the discussion, the decision options with the one taken,
    the votes, the signatures and the appellant's acknowledgement) is signed by every
    participant — the secretary too (npc-5.9) — and then frozen with its SHA-256; an
    absent member may not sign."""
    s = appeal_setup("npc")
    appeal = decided(s, absent=[s.members[1]], resolution="new_result", new_grade="passed")
    protocol = AppealProtocol.objects.get(appeal=appeal)
    draft = text_of(services.render_protocol_pdf(protocol))
    assert "ПРОЕКТ" in draft
    with pytest.raises(ProtocolNotSignable):
        services.sign_protocol(actor=s.members[1], protocol=protocol)
    with pytest.raises(PermissionDenied):
        services.sign_protocol(actor=s.learner, protocol=protocol)
    protocol = sign_all(s, appeal, [s.chair, s.deputy, s.members[0], s.secretary])
    assert protocol.is_frozen
    pdf = services.render_protocol_pdf(protocol)
    assert sha256_hex(pdf) == protocol.pdf_sha256
    text = text_of(pdf)
    for expected in (
        "Протокол № 1",
        "заседания апелляционной комиссии от 31.10.2025",
        "Присутствовали",
        s.chair.full_name,
        s.secretary.full_name,
        "Повестка заседания",
        "о несогласии с результатами итоговой аттестации",
        "В апелляционную комиссию представлены",
        "заявление",
        "ведомость итоговой аттестации",
        "письменные ответы обучившегося",
        "Содержание обсуждения",
        "отклонить апелляцию и сохранить результат итоговой аттестации: нет",
        "удовлетворить апелляцию с результатом (зачтено): зачтено",
        "с назначением повторного прохождения итоговой аттестации: нет",
        "за — 3, против — 0",
        "Архивный № 1/2025 · подписано в системе НМО всеми участниками заседания (4)",
        "С решением апелляционной комиссии ознакомлен",
    ):
        assert expected in text, expected
    assert "ПРОЕКТ" not in text
    with pytest.raises(ProtocolNotSignable):
        services.sign_protocol(actor=s.chair, protocol=protocol)
    signed = AuditEntry.objects.filter(action="appeal.protocol.sign", object_id=str(protocol.pk))
    assert sorted(e.actor_id for e in signed) == sorted(
        p.pk for p in (s.chair, s.deputy, s.members[0], s.secretary)
    )
    frozen = AuditEntry.objects.get(action="appeal.protocol.freeze", object_id=str(protocol.pk))
    assert frozen.changes == {"number": 1, "year": 2025, "sha256": protocol.pdf_sha256}
    docx = Document(io.BytesIO(services.render_protocol_docx(protocol)))
    body = "\n".join(p.text for p in docx.paragraphs)
    assert "Протокол № 1" in body
    assert "зачтено" in body
    assert s.deputy.full_name in body


@pytest.mark.clause("rgmu-app4")
def test_rgmu_protocol_lists_the_retraining_protocol_and_the_four_point_grades():
    """rgmu-app4: the documents include the statement or the retraining protocol and
    the written answers or the individual protocol of the automated system; the options
    name отлично, хорошо, удовлетворительно, зачтено."""
    s = appeal_setup("rgmu")
    appeal = decided(s, resolution="new_result", new_grade="good")
    protocol = sign_all(s, appeal, [s.chair, s.deputy, *s.members, s.secretary])
    text = text_of(services.render_protocol_pdf(protocol))
    assert "протокол итоговой аттестации (переподготовка)" in text
    assert "индивидуальный протокол из АС ДПО" in text
    grades = "отлично, хорошо, удовлетворительно, зачтено"
    assert f"удовлетворить апелляцию с результатом ({grades}): хорошо" in text


@pytest.mark.clause("npc-5.20")
def test_protocols_are_numbered_per_organisation_and_year_and_bound_into_the_book():
    """npc-5.20: protocols are numbered per organisation and year and the year's signed
    protocols are bound in number order into one PDF."""
    s = appeal_setup("npc")
    first = decided(s)
    with on(HELD_ON):
        other_appeal = services.file_appeal(
            actor=s.passed.enrolment.learner, learner_result=s.passed, filing=filing()
        )
    with_second = heard(s, other_appeal)
    second = services.decide_appeal(
        actor=s.staff, appeal=with_second, resolution="rejected", votes=votes(with_second)
    )
    p1 = sign_all(s, first, [s.chair, s.deputy, *s.members, s.secretary])
    p2 = sign_all(s, second, [s.chair, s.deputy, *s.members, s.secretary])
    assert (p1.year, p1.number, p2.number) == (2025, 1, 2)
    other = appeal_setup("npc", name="ГБУЗ Другая больница")
    p3 = AppealProtocol.objects.get(appeal=decided(other))
    assert p3.number == 1
    book = protocols_of_year([s.org.organisation.pk], 2025)
    assert [p.number for p in book] == [1, 2]
    text = text_of(services.render_book_pdf(book))
    assert text.index("Протокол № 1") < text.index("Протокол № 2")


@pytest.mark.clause("npc-5.18", "rgmu-5.18")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
@pytest.mark.parametrize(
    ("hearing_on", "due"),
    [
        (HELD_ON, date(2025, 11, 1)),  # the day after is the transferred working Saturday
        (date(2025, 11, 1), date(2025, 11, 5)),  # Sunday 02.11, holidays 03–04.11 → 05.11
    ],
)
def test_the_notice_is_due_the_day_after_the_hearing_or_the_next_working_day(key, hearing_on, due):
    """npc-5.18, rgmu-5.18: the notice is posted no later than the day after the
    hearing, moved to the first working day after it when that day is not a working day;
    the letter (PDF with the address) is in the study department's list until its
    posting is recorded; a posting after the due day (N+1) is flagged late, N-1 and N
    are not."""
    s = appeal_setup(key)
    appeal = decided(s, hearing_on=hearing_on)
    assert appeal.notice_due_on == due
    assert letters_to_send(s.staff) == [appeal]
    letter = text_of(services.render_notice_pdf(appeal))
    assert full_name_in("datv", s.learner) in letter  # addressed in the dative
    assert "344022, г. Ростов-на-Дону" in letter
    assert "окончательным и обжалованию не подлежит" in letter
    with pytest.raises(HearingInvalid):
        services.record_notice_posted(actor=s.staff, appeal=appeal, posted_on=date(2025, 10, 1))
    assert not flags_for(appeal, due).notice_overdue
    assert flags_for(appeal, date.fromordinal(due.toordinal() + 1)).notice_overdue
    posted = services.record_notice_posted(
        actor=s.staff, appeal=appeal, posted_on=date.fromordinal(due.toordinal() + 1)
    )
    assert flags_for(posted).notice_late
    assert letters_to_send(s.staff) == []
    second = appeal_setup(key, name=f"Организация {key}")
    other = decided(second, hearing_on=hearing_on)
    on_time = services.record_notice_posted(actor=second.staff, appeal=other, posted_on=due)
    assert not flags_for(on_time).notice_late
    early = date.fromordinal(due.toordinal() - 1)
    assert early >= hearing_on
    with on(HELD_ON):
        third = services.file_appeal(
            actor=second.passed.enrolment.learner, learner_result=second.passed, filing=filing()
        )
    third = heard(second, third, hearing_on=hearing_on)
    third = services.decide_appeal(
        actor=second.staff, appeal=third, resolution="rejected", votes=votes(third)
    )
    posted_early = services.record_notice_posted(
        actor=second.staff, appeal=third, posted_on=early, tracking="14400012345678"
    )
    assert posted_early.notice_posted_on == early
    assert not flags_for(posted_early).notice_late
    assert letters_to_send(second.staff) == []
    audits = {
        e.object_id: e.changes for e in AuditEntry.objects.filter(action="appeal.notice.post")
    }
    assert audits[str(appeal.pk)]["late"] is True
    assert audits[str(on_time.pk)]["late"] is False
    assert audits[str(third.pk)] == {
        "notice_posted_on": early.isoformat(),
        "notice_due_on": due.isoformat(),
        "late": False,
        "tracking": "14400012345678",
    }
