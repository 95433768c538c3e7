"""Every document of both presets speaks correct Russian about a man and a woman (issue 12,
ADR 0028): names declined in the case the sentence needs and by the person's sex (Жукова,
Егоров, Кириллова, Антонова, Шевчук — a woman's does not decline, a man's does — and
Ли), verbs by sex, numbers agreeing with their words, the unit's name inside the phrase.
Checked on the PDF's text and on the DOCX forms."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader

from nmo.attestation import services
from nmo.attestation.selectors import current_records, required_signers
from nmo.attestation.tests.factories import (
    Setup,
    all_present,
    entry,
    grade_all,
    make_cohort,
    make_commission,
    make_programme,
    organisation_under,
    schedule_for,
    seats_by_role,
    snils_number,
    vote_all,
)
from nmo.documents.models import QualificationDocument
from nmo.programmes import services as programme_services
from nmo.programmes.types import LearnerRow
from nmo.regulations.types import StageKind

pytestmark = pytest.mark.django_db

ISSUED_ON = date(2026, 10, 20)

# surname, name, patronymic, sex as enrolled ("" — left to the patronymic), dative
LEARNERS = [
    ("Жукова", "Мария", "Петровна", "", "Жуковой Марии Петровне"),
    ("Егоров", "Евгений", "Жоресович", "", "Егорову Евгению Жоресовичу"),
    ("Кириллова", "Наталья", "Сергеевна", "female", "Кирилловой Наталье Сергеевне"),
    ("Антонова", "Алла", "Борисовна", "", "Антоновой Алле Борисовне"),
    ("Шевчук", "Ольга", "Ивановна", "", "Шевчук Ольге Ивановне"),
    ("Шевчук", "Олег", "Иванович", "male", "Шевчуку Олегу Ивановичу"),
    ("Ли", "Анна", "", "female", "Ли Анне"),
    ("Ли", "Виктор", "", "male", "Ли Виктору"),
]
FAILS = "Кириллова"  # fails the testing: her справка об обучении says «обучалась»
WOMEN = {"Жукова", "Кириллова", "Антонова", "Анна", "Ольга"}

# What a document must never print (issue 12).
FORBIDDEN = re.compile(
    r"\((а|ась|ов|ы|и|а/ов)\)|/ям\b|Кафедра педиатрии|\b[2-4] человек\b|\b1 слушателям\b"
    r"|№ Приказ|сдан в архив.*[Вв]едомость"
)


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


def is_woman(last: str, first: str) -> bool:
    return last in WOMEN or (last in ("Ли", "Шевчук") and first in WOMEN)


def setup_with_learners(org, *, retraining: bool | None = None) -> Setup:
    commission = make_commission(org)
    programme = make_programme(org, retraining=retraining)
    cohort = make_cohort(org, programme)
    enrolments = []
    for index, (last, first, middle, sex, _) in enumerate(LEARNERS, start=1):
        enrolment = programme_services.enrol_learner(
            actor=org.staff,
            cohort=cohort,
            learner=LearnerRow(
                row=index,
                last_name=last,
                first_name=first,
                middle_name=middle,
                sex=sex,
                snils=snils_number(),
                email=f"ru-{org.preset}-{index}@example.ru",
            ),
        )
        enrolments.append(
            programme_services.update_enrolment(
                actor=org.staff,
                enrolment=enrolment,
                programme_completed=True,
                curriculum_completed=True,
                status="enrolled",
                contract_number="",
                contract_date=None,
            )
        )
    programme_services.decide_admission(actor=org.staff, cohort=cohort, attempt=1)
    setup = Setup(org, commission, programme, cohort, enrolments, seats=seats_by_role(commission))
    setup.attestation = schedule_for(setup)
    all_present(setup)
    grade_all(setup)
    testing = next(s for s in setup.stages() if s.kind == StageKind.TESTING)
    failing = next(r for r in setup.results() if r.enrolment.learner.last_name == FAILS)
    services.record_stage_results(
        actor=setup.secretary,
        attestation=setup.attestation,
        entries=[entry(failing, testing, Decimal(10))],
    )
    vote_all(setup)
    services.decide_attestation(actor=setup.chair, attestation=setup.attestation)
    return setup


def assert_clean(text: str, what: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, f"{what}: «{found.group(0) if found else ''}» in {text[:400]}"


def test_every_document_of_both_presets_declines_and_agrees(org):
    setup = setup_with_learners(org)
    issued = services.issue_documents_for(
        actor=org.staff, attestation=setup.attestation, issued_on=ISSUED_ON, include_failed=True
    )
    records = list(current_records(setup.attestation))
    kinds = {r.kind for r in records}
    if org.preset == "npc":
        assert kinds == {"attestation_statement", "meeting_protocol"}
    else:
        assert kinds == {"retraining_protocol", "commission_report"}

    for record in records:
        for signer in required_signers(setup.attestation):
            services.sign_record(actor=signer.seat.person, record=record)
        record.refresh_from_db()
        assert record.status_label.startswith(
            "подписана всеми, сдана" if record.kind == "attestation_statement" else "подписан"
        )
        text = pdf_text(services.render_record_pdf(record))
        word = docx_text(services.render_record_docx(record))
        for rendered, what in ((text, f"{record.kind} PDF"), (word, f"{record.kind} DOCX")):
            assert_clean(rendered, what)
            if record.kind == "attestation_statement":
                assert (
                    "по специальности «Педиатрия»" in rendered or "по специальности «" in rendered
                )
            if record.kind == "commission_report":
                assert "на кафедре педиатрии" in rendered
                assert "утверждает положительную аттестацию 7 слушателей" in rendered
                assert "отказывает в аттестации по программе ДПО 1 слушателю" in rendered
            if record.kind == "retraining_protocol":
                learner = record.learner_result.enrolment.learner
                dative = next(
                    d
                    for ln, fn, _, _, d in LEARNERS
                    if (ln, fn) == (learner.last_name, learner.first_name)
                )
                assert "на кафедре педиатрии" in rendered
                assert re.search(r"за \d+ человека?, против 0 человек", rendered), rendered
                if learner.last_name != FAILS:
                    assert f"Специалисту {dative} выдан диплом" in rendered, what
                else:
                    assert "выдан диплом" not in rendered, what
                    assert (
                        "получила на итоговой аттестации неудовлетворительный результат" in rendered
                    ), what

    by_holder = {(d.enrolment.learner.last_name, d.enrolment.learner.first_name): d for d in issued}
    assert len(by_holder) == len(LEARNERS)
    for last, first, _middle, _sex, dative in LEARNERS:
        document: QualificationDocument = by_holder[(last, first)]
        text = pdf_text(bytes(document.pdf))
        assert_clean(text, f"{document.kind} of {last}")
        woman = is_woman(last, first)
        if last == FAILS:
            assert document.kind == "training_record"
            assert f"{document.holder_name} обучалась в" in text
            continue
        if document.kind == "retraining_diploma":
            assert f"Настоящий диплом выдан {dative}" in text
            assert "в объёме 504 академических часов" in text
            # Without the programme's field of activity (ADR 0112) the specialty is named.
            assert "деятельности по специальности «Педиатрия»" in text
        else:
            assert f"Настоящее удостоверение выдано {dative}" in text
            assert "в объёме 36 академических часов" in text
        if woman:
            assert "в том, что она с" in text, text
            assert "прошла обучение" in text
            assert "успешно прошла итоговую аттестацию" in text
        else:
            assert "в том, что он с" in text, text
            assert "прошёл обучение" in text
            assert "успешно прошёл итоговую аттестацию" in text


def test_rostgmu_qualification_upgrade_statement_and_certificates(db):
    """РостГМУ, a qualification-upgrade cohort: the ведомость (the НПЦ Appendix 1 form that
    rgmu-4.8 and Appendix 4 item 2 refer to) names each learner in the nominative as
    enrolled, the commission's report has the unit inside the phrase, and each
    удостоверение of РостГМУ is issued to the holder in the dative with the verbs by sex
    and the hours agreeing with the number."""
    org = organisation_under("rgmu")
    setup = setup_with_learners(org, retraining=False)
    issued = services.issue_documents_for(
        actor=org.staff, attestation=setup.attestation, issued_on=ISSUED_ON, include_failed=True
    )
    records = {r.kind: r for r in current_records(setup.attestation)}
    assert set(records) == {"attestation_statement", "commission_report"}
    statement = records["attestation_statement"]
    for signer in required_signers(setup.attestation):
        services.sign_record(actor=signer.seat.person, record=statement)
    statement.refresh_from_db()
    text = pdf_text(services.render_record_pdf(statement))
    word = docx_text(services.render_record_docx(statement))
    for rendered, what in ((text, "statement PDF"), (word, "statement DOCX")):
        assert_clean(rendered, what)
        assert "ВЕДОМОСТЬ" in rendered.upper(), what
        for last, first, middle, _sex, _dative in LEARNERS:
            assert " ".join(p for p in (last, first, middle) if p) in rendered, (what, last)
    report = pdf_text(services.render_record_pdf(records["commission_report"]))
    assert_clean(report, "report PDF")
    assert "на кафедре педиатрии" in report

    by_holder = {(d.enrolment.learner.last_name, d.enrolment.learner.first_name): d for d in issued}
    for last, first, _middle, _sex, dative in LEARNERS:
        document: QualificationDocument = by_holder[(last, first)]
        text = pdf_text(bytes(document.pdf))
        assert_clean(text, f"{document.kind} of {last}")
        if last == FAILS:
            assert document.kind == "training_record"
            assert f"{document.holder_name} обучалась в" in text
            continue
        assert document.kind == "qualification_certificate"
        assert f"Настоящее удостоверение выдано {dative}" in text
        assert "в объёме 36 академических часов" in text
        if is_woman(last, first):
            assert "в том, что она с" in text
            assert "прошла обучение" in text
            assert "успешно прошла итоговую аттестацию" in text
        else:
            assert "в том, что он с" in text
            assert "прошёл обучение" in text
            assert "успешно прошёл итоговую аттестацию" in text
