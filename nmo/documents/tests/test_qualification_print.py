"""Qualification documents fit for use (issue 12, point 4): the full form on plain A4 with
the organisation's details, city, year, signatories, series and number, programme, hours,
dates, and for a diploma the qualification wording, the commission's protocol and the
supplement; and only the values printed onto the organisation's pre-printed blank, each
at the position set in millimetres, with a calibration page (npc-2.8, rgmu-2.8; ADR 0112).

Every PDF is rendered for real and read back with pypdfium2: text per page, and where a
value's first character lands on the sheet."""

from datetime import date

import pytest

from nmo.core.models import AuditEntry
from nmo.documents.exceptions import DocumentRevoked, LayoutInvalid
from nmo.documents.layouts import BLANKS
from nmo.documents.services import (
    calibration_pdf,
    configure_blank_layout,
    configure_details,
    print_on_blank,
    revoke_document,
)
from nmo.documents.tests.factories import (
    enrol,
    issue,
    make_cohort,
    make_learner,
    make_programme,
)
from nmo.documents.tests.pdf_probe import Pdf, save_preview
from nmo.documents.types import AttestationFacts, BlankKind
from nmo.programmes.models import IntermediateResult
from nmo.programmes.services import set_curriculum
from nmo.programmes.types import CurriculumData, DisciplineData
from nmo.regulations.types import ProgrammeKind

pytestmark = pytest.mark.django_db

DETAILS = {
    "full_name": "Федеральное государственное бюджетное образовательное учреждение высшего "
    "образования «Ростовский государственный медицинский университет» Министерства "
    "здравоохранения Российской Федерации",
    "short_name": "ФГБОУ ВО РостГМУ Минздрава России",
    "details": "344022, г. Ростов-на-Дону, пер. Нахичеванский, 29",
    "city": "Ростов-на-Дону",
    "head_post": "Ректор",
    "head_name": "С. В. Шлык",
    "secretary_post": "Ответственный секретарь",
    "secretary_name": "Е. А. Петрова",
}

# (last, first, middle, sex, dative, «прошёл/прошла»)
PEOPLE = {
    "man": ("Егоров", "Евгений", "Жоресович", "male", "Егорову Евгению Жоресовичу", "прошёл"),
    "woman": ("Антонова", "Алла", "Борисовна", "female", "Антоновой Алле Борисовне", "прошла"),
}
PROTOCOL_DAY = date(2026, 3, 13)


@pytest.fixture(params=["man", "woman"])
def person(request):
    return PEOPLE[request.param]


def configured(org) -> None:
    configure_details(actor=org.staff, organisation=org.organisation, values=DETAILS)


def enrolment_of(org, person, *, kind=ProgrammeKind.QUALIFICATION_UPGRADE, hours=72):
    last, first, middle, sex, *_ = person
    learner = make_learner(last_name=last, first_name=first, middle_name=middle)
    learner.sex = sex
    learner.save(update_fields=["sex"])
    programme = make_programme(org, kind=kind, title="Кардиология", hours=hours)
    return enrol(make_cohort(org, programme), learner)


def diploma_of(rgmu, person):
    """A retraining diploma with its programme's qualification, field and disciplines, the
    learner's intermediate results, and the commission's protocol and final grade."""
    configured(rgmu)
    enrolment = enrolment_of(rgmu, person, kind=ProgrammeKind.PROFESSIONAL_RETRAINING, hours=576)
    set_curriculum(
        actor=rgmu.staff,
        programme=enrolment.cohort.programme,
        data=CurriculumData(
            qualification_title="Врач-кардиолог",
            practice_field="кардиологии",
            disciplines=(
                DisciplineData("Фундаментальные дисциплины", 144),
                DisciplineData("Специальные дисциплины", 360),
                DisciplineData("Смежные дисциплины", 70),
            ),
        ),
    )
    for title in ("Фундаментальные дисциплины", "Специальные дисциплины"):
        IntermediateResult.objects.create(
            enrolment=enrolment, title=title, passed=True, assessed_on=date(2026, 3, 10)
        )
    IntermediateResult.objects.create(
        enrolment=enrolment, title="смежные  дисциплины", passed=False, assessed_on=date(2026, 3, 5)
    )
    IntermediateResult.objects.create(
        enrolment=enrolment, title="Смежные дисциплины", passed=True, assessed_on=date(2026, 3, 11)
    )
    facts = AttestationFacts(protocol_number="7", protocol_date=PROTOCOL_DAY, final_grade="хорошо")
    return issue(rgmu, enrolment, facts=facts)


# --- the full form on plain A4 --------------------------------------------------------------


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_certificate_on_a4_prints_every_field(org, person):
    """An удостоверение on A4 prints the organisation's full name and details, city and
    year, series and number, registration number, issue date, the holder in the dative
    («выдано Антоновой Алле Борисовне»), the verb by sex, the period, the programme and
    hours, and the head's and secretary's posts and names — not «Руководитель ____»
    (npc-2.8, rgmu-2.8)."""
    configured(org)
    document = issue(org, enrolment_of(org, person))
    pdf = Pdf(document.pdf)
    text = pdf.text()
    _, _, _, _, dative, passed = person
    save_preview(f"certificate-a4-{org.preset.value}-{person[3]}", document.pdf)

    assert len(pdf) == 1
    assert pdf.page_size_mm() == pytest.approx((297, 210), abs=0.5)
    assert "Федеральное государственное бюджетное образовательное учреждение" in text
    assert "Министерства здравоохранения Российской Федерации" in text
    assert DETAILS["details"] in text
    assert "Ростов-на-Дону, 2026" in text
    assert f"УДОСТОВЕРЕНИЕ о повышении квалификации {document.display_number}" in text
    assert f"Регистрационный номер {document.registration_number}" in text
    assert "Дата выдачи 13.03.2026" in text
    assert f"Настоящее удостоверение выдано {dative}" in text
    assert f"с 02.03.2026 по 13.03.2026 {passed} обучение в {DETAILS['short_name']}" in text
    assert "программе повышения квалификации «Кардиология»" in text
    assert "в объёме 72 академических часов" in text
    assert "Ректор С. В. Шлык" in text
    assert "Ответственный секретарь Е. А. Петрова" in text
    assert "Руководитель" not in text
    assert "(а)" not in text


@pytest.mark.clause("rgmu-2.8")
def test_diploma_on_a4_has_the_qualification_protocol_and_supplement(rgmu, person):
    """A diploma on A4 states the qualification awarded and the right to practise «в сфере
    кардиологии» from its programme, the commission's protocol (number and date), and a
    portrait supplement listing the disciplines with hours and the grades of the
    intermediate results (a resit supersedes a failure), then the final attestation with
    its grade (rgmu-2.8)."""
    document = diploma_of(rgmu, person)
    pdf = Pdf(document.pdf)
    save_preview(f"diploma-a4-{person[3]}", document.pdf)
    _, _, _, _, dative, passed = person
    face, supplement = pdf.text(0), pdf.text(1)

    assert len(pdf) == 2
    assert pdf.page_size_mm(0) == pytest.approx((297, 210), abs=0.5)
    assert pdf.page_size_mm(1) == pytest.approx((210, 297), abs=0.5)
    assert f"Настоящий диплом выдан {dative}" in face
    assert f"{passed} обучение" in face
    assert "программе профессиональной переподготовки «Кардиология»" in face
    assert "в объёме 576 академических часов" in face
    assert f"{dative} присвоена квалификация «Врач-кардиолог»" in face
    assert "право на ведение профессиональной деятельности в сфере кардиологии" in face
    assert "Протокол итоговой аттестационной комиссии № 7 от 13.03.2026" in face
    assert "Ректор С. В. Шлык" in face
    assert "Ростов-на-Дону, 2026" in face

    assert "ПРИЛОЖЕНИЕ" in supplement
    assert f"к диплому о профессиональной переподготовке {document.display_number}" in supplement
    assert " ".join(person[:3]) in supplement
    assert "1 Фундаментальные дисциплины 144 зачтено" in supplement
    assert "2 Специальные дисциплины 360 зачтено" in supplement
    assert "3 Смежные дисциплины 70 зачтено" in supplement
    assert "4 Итоговая аттестация 2 хорошо" in supplement
    assert "Ответственный секретарь Е. А. Петрова" in supplement


def test_the_document_keeps_what_it_printed(rgmu):
    """Details changed after issue do not change an issued document: its particulars are
    sealed with it, and a change to them is caught as tampering (ADR 0024)."""
    from nmo.documents.services import frozen_view

    document = diploma_of(rgmu, PEOPLE["woman"])
    configure_details(
        actor=rgmu.staff,
        organisation=rgmu.organisation,
        values={**DETAILS, "head_name": "А. Б. Новиков"},
    )
    document.refresh_from_db()
    assert frozen_view(document).intact
    assert (
        "С. В. Шлык"
        in Pdf(print_on_blank(actor=rgmu.staff, document=document, blank="diploma")).text()
    )

    document.particulars["organisation"]["head_name"] = "А. Б. Новиков"
    document.save(update_fields=["particulars"])
    assert not frozen_view(document).intact


# --- printing onto the organisation's blanks -------------------------------------------------

FORM_WORDS = (
    "УДОСТОВЕРЕНИЕ",
    "ДИПЛОМ",
    "ПРИЛОЖЕНИЕ",
    "Настоящ",
    "Регистрационный номер",
    "Дата выдачи",
    "Ректор",
    "секретарь",
    "Протокол",
    "в объёме",
    "Проверка подлинности",
    "М. П.",
)


def assert_no_form_text(text: str) -> None:
    for word in FORM_WORDS:
        assert word not in text


def test_certificate_on_blank_prints_only_values_at_their_positions(org, person):
    """On the organisation's blank the удостоверение prints only the values — no heading,
    label or signature word — each starting where the organisation put it, within 1 mm;
    the sheet is the blank's size. The print is audited (npc-2.8, rgmu-2.8)."""
    configured(org)
    document = issue(org, enrolment_of(org, person))
    spec = BLANKS[BlankKind.CERTIFICATE]
    positions = {
        f.code: {
            "x": f.default[0] + 3,
            "y": f.default[1] + 2,
            "width": f.default[2],
            "size": f.default[3],
        }
        for f in spec.fields
    }
    positions["holder"] = {"x": "160,5", "y": "45", "width": "", "size": "16"}
    configure_blank_layout(
        actor=org.staff,
        organisation=org.organisation,
        blank="certificate",
        page_width="297",
        page_height="210",
        positions=positions,
    )
    printed = print_on_blank(actor=org.staff, document=document, blank="certificate")
    save_preview(f"certificate-blank-{org.preset.value}-{person[3]}", printed)
    pdf = Pdf(printed)
    text = pdf.text()
    _, _, _, _, dative, _ = person
    expected = {
        "holder": dative,
        "series_number": f"{document.series} {document.number:06d}".strip(),
        "registration_number": document.registration_number,
        "issued_on": "13.03.2026",
        "period_from": "02.03.2026",
        "city": "Ростов-на-Дону",
        "programme": "Кардиология",
        "hours": "72",
        "head": "С. В. Шлык",
        "secretary": "Е. А. Петрова",
        "organisation": "Федеральное",
    }
    assert len(pdf) == 1
    assert pdf.page_size_mm() == pytest.approx((297, 210), abs=0.5)
    for code, value in expected.items():
        assert value in text, code
        want_x = 160.5 if code == "holder" else spec.field(code).default[0] + 3
        want_y = 45 if code == "holder" else spec.field(code).default[1] + 2
        # A short value may also occur inside a longer one: «ПК-1» inside the default
        # series «ПК-1042-2026» of an organisation whose code is 1042. One of its
        # occurrences must start at its own place.
        places = [(round(f.x, 1), round(f.y, 1)) for f in pdf.find_all(value)]
        assert any(abs(x - want_x) <= 1.0 and abs(y - want_y) <= 1.0 for x, y in places), (
            code,
            value,
            places,
        )
    assert "13.03.2026" in text  # period_to shares the issue day here
    assert_no_form_text(text)
    assert AuditEntry.objects.filter(action="document.print_blank", object_id=str(document.pk))


@pytest.mark.clause("rgmu-2.8")
def test_diploma_and_supplement_on_blanks(rgmu, person):
    """The diploma's blank gets the qualification, the field of activity and the protocol
    at their default places; the supplement's blank (A4 portrait) gets the holder in the
    nominative and one table row per discipline, each row `row_step` lower, then the final
    attestation — only values, no headings (rgmu-2.8; ADR 0112 defaults)."""
    document = diploma_of(rgmu, person)
    spec = BLANKS[BlankKind.DIPLOMA]
    printed = print_on_blank(actor=rgmu.staff, document=document, blank="diploma")
    save_preview(f"diploma-blank-{person[3]}", printed)
    face = Pdf(printed)
    text = face.text()
    for code, value in {
        "qualification": "Врач-кардиолог",
        "practice_field": "кардиологии",
        "protocol": "№ 7 от 13.03.2026",
        "holder": person[4],
    }.items():
        found = face.find(value)
        assert found is not None, code
        assert found.x == pytest.approx(spec.field(code).default[0], abs=1.0), code
        assert found.y == pytest.approx(spec.field(code).default[1], abs=1.0), code
    assert_no_form_text(text)

    configure_blank_layout(
        actor=rgmu.staff,
        organisation=rgmu.organisation,
        blank="supplement",
        page_width="210",
        page_height="297",
        row_step="8,5",
        positions={
            f.code: dict(zip(("x", "y", "width", "size"), f.default, strict=True))
            for f in BLANKS[BlankKind.SUPPLEMENT].fields
        },
    )
    printed = print_on_blank(actor=rgmu.staff, document=document, blank="supplement")
    save_preview(f"supplement-blank-{person[3]}", printed)
    sheet = Pdf(printed)
    text = sheet.text()
    table = BLANKS[BlankKind.SUPPLEMENT].field("discipline_title").default
    grade = BLANKS[BlankKind.SUPPLEMENT].field("discipline_grade").default
    assert sheet.page_size_mm() == pytest.approx((210, 297), abs=0.5)
    assert " ".join(person[:3]) in text
    rows = [
        "Фундаментальные дисциплины",
        "Специальные дисциплины",
        "Смежные дисциплины",
        "Итоговая аттестация",
    ]
    for index, title in enumerate(rows):
        found = sheet.find(title)
        assert found is not None, title
        assert found.x == pytest.approx(table[0], abs=1.0)
        assert found.y == pytest.approx(table[1] + 8.5 * index, abs=1.0), title
    final = sheet.find("хорошо")
    assert final is not None
    assert final.x == pytest.approx(grade[0], abs=1.0)
    assert final.y == pytest.approx(grade[1] + 8.5 * 3, abs=1.0)
    assert text.count("зачтено") == 3
    assert_no_form_text(text)


def test_a_blank_of_another_kind_or_a_revoked_document_is_refused(rgmu):
    """An удостоверение is not printed on the diploma's blank (LayoutInvalid), and a
    revoked document on no blank (DocumentRevoked)."""
    configured(rgmu)
    document = issue(rgmu, enrolment_of(rgmu, PEOPLE["man"]))
    with pytest.raises(LayoutInvalid):
        print_on_blank(actor=rgmu.staff, document=document, blank="diploma")
    revoke_document(actor=rgmu.staff, document=document, reason="Ошибка в фамилии слушателя")
    document.refresh_from_db()
    with pytest.raises(DocumentRevoked):
        print_on_blank(actor=rgmu.staff, document=document, blank="certificate")


@pytest.mark.parametrize("blank", list(BlankKind))
def test_calibration_page_has_the_grid_and_every_field(rgmu, blank):
    """The calibration page of each blank is the blank's size, carries the 10 mm grid with
    its numbered marks and every field's sample at its position."""
    spec = BLANKS[blank]
    printed = calibration_pdf(actor=rgmu.staff, organisation=rgmu.organisation, blank=blank)
    save_preview(f"calibration-{blank.value}", printed)
    pdf = Pdf(printed)
    text = pdf.text()
    assert pdf.page_size_mm() == pytest.approx((spec.width_mm, spec.height_mm), abs=0.5)
    assert "Калибровочный лист" in text
    assert "Сетка через 10 мм" in text
    for mark in ("100", "150", "200"):
        assert mark in text
    for field in spec.fields:
        assert field.sample in text, field.code
    holder = spec.fields[0] if blank == BlankKind.SUPPLEMENT else spec.field("holder")
    found = pdf.find(holder.sample)
    assert found is not None
    assert found.x == pytest.approx(holder.default[0], abs=1.0)
    assert found.y == pytest.approx(holder.default[1], abs=1.0)


# --- settings: validation and audit ----------------------------------------------------------


def test_details_are_required_and_audited(rgmu):
    """The signatories and the city are required (Russian messages by field); a change is
    audited with the values before and after."""
    from nmo.documents.exceptions import OrganisationDetailsInvalid

    with pytest.raises(OrganisationDetailsInvalid) as refused:
        configure_details(
            actor=rgmu.staff,
            organisation=rgmu.organisation,
            values={**DETAILS, "head_name": " ", "city": ""},
        )
    assert refused.value.errors["head_name"] == ["Руководитель: заполните поле."]
    assert refused.value.errors["city"] == ["Город: заполните поле."]
    configured(rgmu)
    entry = AuditEntry.objects.get(action="organisation_details.configure")
    assert entry.changes["head_name"] == ["", "С. В. Шлык"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"x": "300"},
            "holder",
            "Фамилия, имя, отчество (дательный падеж): X должен быть в пределах листа.",
        ),
        ({"size": "40"}, "holder", "размер шрифта — от 6 до 28 пт"),
        ({"y": "abc"}, "holder", "Y: введите число миллиметров"),
        ({"x": "250", "width": "100"}, "holder", "поле выходит за правый край листа"),
        ({"width": "-5"}, "holder", "ширина должна быть больше нуля"),
        ({"x": ""}, "holder", "X: укажите значение"),
    ],
)
def test_bad_positions_are_refused_in_russian(rgmu, change, field, message):
    """A position off the sheet, a font size out of range, a non-number, a width past the
    right edge, or a missing value is refused with a Russian message on that field; the
    layout is not saved."""
    positions = {
        f.code: dict(zip(("x", "y", "width", "size"), f.default, strict=True))
        for f in BLANKS[BlankKind.CERTIFICATE].fields
    }
    positions[field] = {**positions[field], **change}
    with pytest.raises(LayoutInvalid) as refused:
        configure_blank_layout(
            actor=rgmu.staff,
            organisation=rgmu.organisation,
            blank="certificate",
            page_width="297",
            page_height="210",
            positions=positions,
        )
    assert any(message in m for m in refused.value.errors[field])
    assert not AuditEntry.objects.filter(action="blank_layout.configure").exists()


def test_bad_sheet_size_and_row_step_are_refused(rgmu):
    """The sheet is 50–420 mm each way and the supplement's row step 3–30 mm."""
    with pytest.raises(LayoutInvalid) as refused:
        configure_blank_layout(
            actor=rgmu.staff,
            organisation=rgmu.organisation,
            blank="supplement",
            page_width="10",
            page_height="297",
            row_step="0",
            positions={},
        )
    assert "Ширина листа — от 50 до 420 мм." in refused.value.errors["page_width"]
    assert "Шаг строк таблицы — от 3 до 30 мм." in refused.value.errors["row_step"]


def test_layout_change_is_audited(rgmu):
    """Saving a blank's layout is audited with the layout before and after."""
    spec = BLANKS[BlankKind.CERTIFICATE]
    configure_blank_layout(
        actor=rgmu.staff,
        organisation=rgmu.organisation,
        blank="certificate",
        page_width="297",
        page_height="210",
        positions={
            f.code: dict(zip(("x", "y", "width", "size"), f.default, strict=True))
            for f in spec.fields
        },
    )
    entry = AuditEntry.objects.get(action="blank_layout.configure")
    assert entry.changes["after"]["positions"]["holder"]["x"] == "163.0"


@pytest.mark.clause("npc-2.11", "rgmu-2.11")
def test_training_record_names_the_head_who_signs(org):
    """A справка об обучении prints the organisation's full name and the head's post and
    name with the city and year, not «Руководитель ____ / ____» (npc-2.11, rgmu-2.11)."""
    from nmo.documents.services import issue_training_record

    configured(org)
    record = issue_training_record(
        actor=org.staff, enrolment=enrolment_of(org, PEOPLE["woman"]), issued_on=date(2026, 3, 13)
    )
    text = Pdf(record.pdf).text()
    assert "Федеральное государственное бюджетное образовательное учреждение" in text
    assert "Ректор С. В. Шлык" in text
    assert "Ростов-на-Дону, 2026" in text
    assert "____ / ____" not in text
