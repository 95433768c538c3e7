"""What a retraining diploma takes from the attestation when it is issued after the
commission's decision: the reference to the commission's protocol (dated the day of the
sitting, numbered once the protocol is filed) and the final grade in its supplement,
beside the disciplines and intermediate results of the programme (rgmu-2.8, issue 12)."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from nmo.attestation import services
from nmo.attestation.selectors import current_records
from nmo.attestation.tests.factories import decided
from nmo.documents.services import configure_details
from nmo.programmes.models import IntermediateResult
from nmo.programmes.services import set_curriculum
from nmo.programmes.types import CurriculumData, DisciplineData

pytestmark = pytest.mark.django_db


def page_texts(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


@pytest.mark.clause("rgmu-2.8")
def test_issued_diploma_cites_the_protocol_and_grades_its_supplement(rgmu):
    """Issued through the attestation, a diploma refers to the commission's protocol of
    the day of the sitting and its supplement lists the programme's disciplines with the
    learner's intermediate results and the final attestation with the commission's final
    grade; the organisation's signatories are named (rgmu-2.8)."""
    setup = decided("rgmu", org=rgmu)
    configure_details(
        actor=rgmu.staff,
        organisation=rgmu.organisation,
        values={
            "full_name": "ФГБОУ ВО РостГМУ Минздрава России",
            "city": "Ростов-на-Дону",
            "head_post": "Проректор по последипломному образованию",
            "head_name": "А. А. Сидоров",
            "secretary_post": "Секретарь",
            "secretary_name": "Е. А. Петрова",
        },
    )
    set_curriculum(
        actor=rgmu.staff,
        programme=setup.programme,
        data=CurriculumData(
            qualification_title="Врач-педиатр",
            practice_field="педиатрии",
            disciplines=(DisciplineData("Педиатрия", 400), DisciplineData("Неонатология", 98)),
        ),
    )
    first = setup.results()[0]
    IntermediateResult.objects.create(
        enrolment=first.enrolment, title="Педиатрия", passed=True, assessed_on=date(2026, 10, 1)
    )
    issued = services.issue_documents_for(
        actor=rgmu.staff, attestation=setup.attestation, issued_on=date(2026, 10, 20)
    )
    diploma = next(d for d in issued if d.enrolment_id == first.enrolment_id)
    face, supplement = page_texts(bytes(diploma.pdf))
    first.refresh_from_db()

    [protocol] = current_records(setup.attestation).filter(
        kind="retraining_protocol", learner_result=first
    )
    assert f"Протокол итоговой аттестационной комиссии № {protocol.number} от 16.10.2026" in face
    assert "присвоена квалификация «Врач-педиатр»" in face
    assert "в сфере педиатрии" in face
    assert "Проректор по последипломному образованию А. А. Сидоров" in face
    assert "1 Педиатрия 400 зачтено" in supplement
    assert "2 Неонатология 98" in supplement
    assert f"3 Итоговая аттестация 6 {first.get_final_grade_display()}" in supplement
    assert diploma.particulars["protocol_date"] == "2026-10-16"
