import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader

from nmo.attestation import services
from nmo.attestation.exceptions import GradesLocked, RecordNotSignable, ResultInvalid
from nmo.attestation.models import AttestationDocument
from nmo.attestation.selectors import current_records, required_signers, versions_for_record
from nmo.attestation.tests.factories import (
    all_present,
    build,
    decided,
    enrol_admitted,
    entry,
    grade_all,
    make_cohort,
    make_programme,
    organisation_under,
    schedule_for,
    vote_all,
)
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.regulations.types import StageKind

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return " ".join(" ".join(parts).split())


def sign_all(document):
    for signer in required_signers(document.attestation):
        services.sign_record(actor=signer.seat.person, record=document)
    document.refresh_from_db()
    return document


def docs(setup, kind=None):
    found = current_records(setup.attestation)
    return list(found.filter(kind=kind) if kind else found)


@pytest.mark.clause("npc-2.12", "rgmu-2.12")
def test_the_regulation_names_the_documents_drawn_up():
    """НПЦ records results in a statement (npc-2.12); РостГМУ in a protocol per learner of
    a retraining programme and the commission's report (rgmu-2.12) — drawn up as drafts
    when the commission decides."""
    npc = decided("npc")
    assert [d.kind for d in docs(npc)] == ["attestation_statement", "meeting_protocol"]
    rgmu = decided("rgmu")
    kinds = sorted(d.kind for d in docs(rgmu))
    assert kinds == ["commission_report"] + ["retraining_protocol"] * 3
    assert {d.status for d in docs(rgmu)} == {"draft"}


@pytest.mark.clause("rgmu-4.9", "rgmu-2.12")
def test_a_qualification_upgrade_at_rostgmu_gets_the_report_and_the_statement(db):
    """The protocol is for retraining only (rgmu-2.12): a qualification upgrade at
    РостГМУ gets the commission's report and the exam statement its secretary draws up
    (rgmu-4.9: rgmu-4.8 «оформляет экзаменационные ведомости»)."""
    org = organisation_under("rgmu")
    programme = make_programme(org, retraining=False)
    setup = build("rgmu", schedule=False, org=org)
    cohort = make_cohort(org, programme)
    enrol_admitted(org, cohort)
    setup.programme, setup.cohort = programme, cohort
    setup.attestation = schedule_for(setup)
    all_present(setup)
    grade_all(setup)
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    assert [d.kind for d in docs(setup)] == ["attestation_statement", "commission_report"]


@pytest.mark.clause("npc-app1", "npc-2.12", "npc-2.13")
def test_the_statement_follows_npc_appendix_1(npc):
    """The statement (npc-app1): programme, dates, specialty, date of the attestation,
    chair, deputy, secretary, members, a row per learner with the final grade, and the
    signature lines — once signed by all (npc-2.13) its PDF is stored and numbered."""
    setup = decided("npc", org=npc)
    [statement] = docs(setup, "attestation_statement")
    statement = sign_all(statement)
    assert statement.status == "frozen"
    assert statement.number == 1
    text = pdf_text(bytes(statement.pdf))
    for expected in (
        "Ведомость итоговой аттестации обучающихся на цикле повышения квалификации",
        "«Неотложная помощь детям»",
        "с 05.10.2026 по 16.10.2026",
        "по специальности «Педиатрия»",
        "Дата проведения итоговой аттестации 16.10.2026",
        "Председатель итоговой аттестационной комиссии Председателева Ольга Ивановна",
        "Зам. председателя итоговой аттестационной комиссии Заместителев Игорь Петрович",
        "Секретарь итоговой аттестационной комиссии Секретарёва Елена Олеговна",
        "Членова Мария Андреевна",
        "Участников Пётр Ильич",
        "1 Антонова Алла Борисовна зачтено",
        "3 Васильева Вера Глебовна зачтено",
        "Архивный № 1 · версия 1 · подписано в системе НМО всеми подписантами (5)",
    ):
        assert expected in text, expected
    assert "ПРОЕКТ" not in text


@pytest.mark.clause("rgmu-app1", "rgmu-2.12", "rgmu-3.6")
def test_the_retraining_protocol_follows_rgmu_appendix_1(rgmu):
    """The protocol per learner (rgmu-app1): specialty, dates, department, date, the
    composition, the learner, testing % with its band, skills зачтено, interview grade,
    overall grade, the decision granting the right to practise, votes for/against,
    remarks, and the diploma line with the entry reserved in the register (ADR 0110)."""
    setup = build("rgmu", org=rgmu)
    all_present(setup)
    grade_all(setup)
    vote_all(setup)
    first = setup.results()[0]
    services.record_remarks(actor=setup.chair, learner_result=first, remarks="Рекомендован.")
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    protocol = next(d for d in docs(setup, "retraining_protocol") if d.learner_result == first)
    text = pdf_text(services.render_record_pdf(protocol))
    assert "ПРОЕКТ" in text
    for expected in (
        f"ПРОТОКОЛ № {protocol.number}",  # numbered when drawn up (ADR 0110)
        "профессиональной переподготовки по специальности «Педиатрия»",
        "с 05.10.2026 по 16.10.2026 на кафедре педиатрии",
        "Дата проведения 16.10.2026",
        "Председатель итоговой аттестационной комиссии: Председателева Ольга Ивановна",
        "Члены итоговой аттестационной комиссии: Членова Мария Андреевна, Участников Пётр Ильич",
        "Секретарь итоговой аттестационной комиссии: Секретарёва Елена Олеговна",
        "Фамилия, имя, отчество соискателя: Антонова Алла Борисовна",
        "4.1. Тестовый контроль: 85% правильных ответов — хорошо",
        "4.2. Оценка умений, практических навыков: зачтено",
        "4.3. Оценка результатов собеседования: хорошо",
        "4.4. Общая оценка: хорошо",
        "удостоверяет право на ведение профессиональной деятельности в сфере «Педиатрия»",
        "за 3 человека, против 0 человек",
        "Рекомендован.",
    ):
        assert expected in text, expected
    first.refresh_from_db()
    assert first.diploma_number == "000001"
    assert f"серия {first.diploma_series} № 000001 от {first.diploma_issued_on:%d.%m.%Y}" in text


@pytest.mark.clause("rgmu-app1")
def test_the_diploma_line_is_filled_by_the_register(rgmu):
    """Item 7 of the protocol — the diploma's series, number and date — is filled through
    `record_diploma`, the hook of the documents register; only for a learner who passed."""
    setup = decided("rgmu", org=rgmu)
    first = setup.results()[0]
    services.record_diploma(
        actor=rgmu.staff,
        learner_result=first,
        series="612404",
        number="0001234",
        issued_on=date(2026, 10, 20),
    )
    protocol = next(d for d in docs(setup, "retraining_protocol") if d.learner_result == first)
    text = pdf_text(services.render_record_pdf(protocol))
    assert "серия 612404 № 0001234 от 20.10.2026" in text
    with pytest.raises(PermissionDenied):
        services.record_diploma(
            actor=setup.chair,
            learner_result=first,
            series="",
            number="1",
            issued_on=date(2026, 1, 1),
        )


@pytest.mark.clause("rgmu-app2", "rgmu-2.13")
def test_the_commission_report_follows_rgmu_appendix_2(rgmu):
    """The report (rgmu-app2): programme, specialty, dates, department, date, composition,
    the numbers passed and refused, a table of learners with final grades, the votes for,
    against and abstained, and signatures."""
    setup = build("rgmu", org=rgmu)
    all_present(setup)
    testing = next(s for s in setup.stages() if s.kind == StageKind.TESTING)
    last = setup.results()[2]
    grade_all(setup)
    services.record_stage_results(
        actor=setup.secretary,
        attestation=setup.attestation,
        entries=[entry(last, testing, Decimal(69))],
    )
    vote_all(setup, votes_for=2, abstained=1)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    [report] = docs(setup, "commission_report")
    report = sign_all(report)
    text = pdf_text(bytes(report.pdf))
    for expected in (
        "Отчет № 1",
        "освоивших ДПП «Педиатрия»",
        "По специальности «Педиатрия» с 05.10.2026 по 16.10.2026 на кафедре педиатрии",
        "утверждает положительную аттестацию 2 слушателей",
        "отказывает в аттестации по программе ДПО 1 слушателю",
        "1 Антонова Алла Борисовна хорошо",
        "3 Васильева Вера Глебовна неудовлетворительно",
        "За 2",
        "Против 0",
        "Воздержались 1",
        "Секретарь итоговой аттестационной комиссии: Секретарёва Елена Олеговна",
        "(подпись) Секретарёва Елена Олеговна",
        "Архивный № 1 · версия 1 · подписано в системе НМО",
    ):
        assert expected in text, expected


@pytest.mark.clause("npc-2.13", "rgmu-2.13")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_each_signatory_confirms_and_the_last_signature_freezes(key):
    """The chair (or the replacement), the members who sat and the secretary sign
    (npc-2.13, rgmu-2.13); the document is frozen with its PDF and SHA-256 when the last
    has signed; a second signature of the same person is refused."""
    setup = decided(key)
    document = docs(setup)[0]
    signers = required_signers(setup.attestation)
    roles = [s.seat.role for s in signers]
    assert roles[0] == "chair"
    assert roles[-1] == "secretary"
    assert len(signers) == (5 if key == "npc" else 4)
    services.sign_record(actor=signers[0].seat.person, record=document)
    document.refresh_from_db()
    assert document.status == "signing"
    with pytest.raises(RecordNotSignable, match="уже подписали"):
        services.sign_record(actor=signers[0].seat.person, record=document)
    for signer in signers[1:]:
        services.sign_record(actor=signer.seat.person, record=document)
    document.refresh_from_db()
    assert document.status == "frozen"
    assert document.pdf_sha256 == hashlib.sha256(bytes(document.pdf)).hexdigest()
    assert document.frozen_at is not None
    assert AuditEntry.objects.filter(action="document.sign").count() == len(signers)
    assert AuditEntry.objects.get(action="document.freeze").changes["sha256"] == (
        document.pdf_sha256
    )


@pytest.mark.clause("npc-2.13")
def test_in_the_chair_absence_the_deputy_signs_and_absent_members_do_not(npc):
    """Signed by the chair or, if absent, the deputy chair (npc-2.13); a member absent
    from the sitting does not sign; the organisation's staff do not sign."""
    setup = build("npc", org=npc)
    absent_member = setup.members[1]
    all_present(setup, absent=[setup.chair.pk, absent_member.pk])
    grade_all(setup)
    vote_all(setup, votes_for=2)
    services.decide_attestation(actor=setup.deputy, attestation=setup.attestation)
    [statement] = docs(setup, "attestation_statement")
    setup.attestation.refresh_from_db()
    signers = required_signers(setup.attestation)
    assert [s.seat.person for s in signers] == [setup.deputy, setup.members[0], setup.secretary]
    assert "председательствовал" in signers[0].line
    with pytest.raises(RecordNotSignable, match="не участвовали"):
        services.sign_record(actor=absent_member, record=statement)
    with pytest.raises(PermissionDenied):
        services.sign_record(actor=npc.staff, record=statement)
    statement = sign_all(statement)
    assert statement.status == "frozen"
    assert "В отсутствие председателя заседание вёл Заместителев Игорь Петрович" in (
        pdf_text(bytes(statement.pdf))
    )


def test_archive_numbers_run_per_organisation_and_kind(rgmu):
    """Each kind of document of an organisation is numbered 1, 2, 3… in the archive, in
    the order they are frozen."""
    setup = decided("rgmu", org=rgmu)
    protocols = docs(setup, "retraining_protocol")
    numbers = [sign_all(p).number for p in protocols]
    assert numbers == [1, 2, 3]
    [report] = docs(setup, "commission_report")
    assert sign_all(report).number == 1
    other = decided("npc")
    assert sign_all(docs(other)[0]).number == 1


@pytest.mark.clause("npc-2.13", "rgmu-2.13")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_a_grade_cannot_change_after_the_documents_are_signed(key):
    """Once a document showing the results is frozen, the grades are locked: neither a
    change nor returning the attestation to the entry of results is allowed."""
    setup = decided(key)
    for document in docs(setup):
        sign_all(document)
    result = setup.results()[0]
    testing = next(s for s in setup.stages() if s.kind == StageKind.TESTING)
    with pytest.raises(GradesLocked, match="Документы аттестации подписаны"):
        services.record_stage_results(
            actor=setup.chair,
            attestation=setup.attestation,
            entries=[entry(result, testing, Decimal(50))],
        )
    with pytest.raises(GradesLocked):
        services.reopen_attestation(
            actor=setup.chair, attestation=setup.attestation, reason="Исправить оценку"
        )
    frozen = AttestationDocument.objects.filter(status="frozen").first()
    frozen.content = {}
    with pytest.raises(RuntimeError, match="Подписанный документ не изменяется"):
        frozen.save()


@pytest.mark.clause("npc-2.13")
def test_a_correction_is_a_new_version_with_its_reason(npc):
    """A correction of a frozen statement is a new version with its reason and the same
    archive number; the old version stays readable. With the correction open, the
    attestation can be reopened, the grade changed and decided again; the new version is
    signed and frozen in turn."""
    setup = decided("npc", org=npc)
    [statement] = docs(setup, "attestation_statement")
    statement = sign_all(statement)
    old_pdf, old_hash = bytes(statement.pdf), statement.pdf_sha256
    with pytest.raises(ResultInvalid):
        services.correct_record(actor=setup.secretary, record=statement, reason="кратко")
    correction = services.correct_record(
        actor=setup.secretary, record=statement, reason="Ошибка в оценке Борисова Б. В."
    )
    assert (correction.version, correction.number, correction.status) == (2, 1, "draft")
    services.reopen_attestation(
        actor=setup.chair, attestation=setup.attestation, reason="Ошибка в оценке Борисова"
    )
    second = setup.results()[1]
    interview = next(s for s in setup.stages() if s.kind == StageKind.INTERVIEW)
    services.record_stage_results(
        actor=setup.secretary,
        attestation=setup.attestation,
        entries=[entry(second, interview, "failed")],
    )
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    [current] = docs(setup, "attestation_statement")
    assert current.pk == correction.pk
    current = sign_all(current)
    assert (current.status, current.number, current.version) == ("frozen", 1, 2)
    text = pdf_text(bytes(current.pdf))
    assert "2 Борисов Борис Викторович не зачтено" in text
    assert "Исправление: Ошибка в оценке Борисова Б. В." in text
    statement.refresh_from_db()
    assert (bytes(statement.pdf), statement.pdf_sha256) == (old_pdf, old_hash)
    assert "2 Борисов Борис Викторович зачтено" in pdf_text(old_pdf)
    assert [d.version for d in versions_for_record(statement)] == [1, 2]


@pytest.mark.clause("npc-app1", "rgmu-app1", "rgmu-app2")
@pytest.mark.parametrize("key", ["npc", "rgmu"])
def test_the_documents_are_editable_docx_in_the_appendix_forms(key):
    """Each document is also an editable DOCX of its appendix form, filled by docxtpl:
    names, grades and votes are in its text."""
    setup = decided(key)
    for document in docs(setup):
        text = docx_text(services.render_record_docx(document))
        assert "{{" not in text
        assert "{%" not in text
        assert "Председателева Ольга Ивановна" in text
        if document.kind == "attestation_statement":
            assert "Ведомость" in text
            assert "1 Антонова Алла Борисовна зачтено" in text
        elif document.kind == "retraining_protocol":
            assert "ПРОТОКОЛ" in text
            assert "4.1. Тестовый контроль: 85% правильных ответов — хорошо" in text
            assert "за 3 человека, против 0 человек" in text
        elif document.kind == "meeting_protocol":
            assert "заседания аттестационной комиссии" in text
            assert "1 Антонова Алла Борисовна зачтено" in text
        else:
            assert "Отчет" in text
            assert "утверждает положительную аттестацию 3 слушателей" in text
            assert "Воздержались 0" in text


def test_it_checks_access(npc, outsider):
    """Only the persons of the commission sign; another organisation's staff get
    NotFound for signing and correcting."""
    setup = decided("npc", org=npc)
    [statement] = docs(setup, "attestation_statement")
    with pytest.raises(NotFound):
        services.sign_record(actor=outsider, record=statement)
    statement = sign_all(statement)
    with pytest.raises(NotFound):
        services.correct_record(actor=outsider, record=statement, reason="Чужая правка!!")


def test_a_cohorts_protocols_are_drawn_up_without_a_query_per_learner(rgmu):
    """Drawing up the protocols of a cohort reads the commission, the heading and the
    stage results once for the cohort, not once per learner: for 500 learners the
    per-learner reads took minutes. Writing (the document and its audit line) is the only
    per-learner work."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    setup = decided("rgmu", org=rgmu)
    learners = len(setup.results())
    assert learners >= 3
    with CaptureQueriesContext(connection) as queries:
        drawn = services.draw_up_records(actor=setup.org.staff, attestation=setup.attestation)
    protocols = [d for d in drawn if d.kind == "retraining_protocol"]
    assert len(protocols) == learners

    def reads_of(table: str) -> int:
        return sum(
            1 for q in queries if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
        )

    assert reads_of("attestation_stageresult") <= 2  # the protocols, the report
    # + 1: the signers' letters read who signs once for the cohort (ADR 0115).
    assert reads_of("attestation_commissionseat") <= 4
    assert reads_of("attestation_learnerresult") <= 2
    texts = {d.learner_result_id: d.content["learner"] for d in protocols}
    assert sorted(texts.values()) == sorted(r.enrolment.learner.full_name for r in setup.results())
