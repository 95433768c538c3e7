"""The pure rules of the documents app: which document a programme ends with (npc-2.8,
rgmu-2.8, npc-2.11, rgmu-2.11), how numbers are printed, what a handover needs (npc-2.14,
rgmu-2.14). No database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmo.documents import rules
from nmo.documents.models import HandoverModeChoices
from nmo.documents.types import HandoverMode
from nmo.regulations.presets import NPC_DZM, ROSTGMU
from nmo.regulations.types import FailedDocument, QualificationDocument

ISSUED = date(2026, 3, 13)


def test_the_choices_carry_the_types_values():
    """The models' choices and the values other apps pass are the same strings (the kinds
    and statuses are one declaration, `nmo.documents.types`; the handover modes are the
    regulation's codes with this app's labels)."""
    assert set(HandoverModeChoices.values) == {m.value for m in HandoverMode}


@pytest.mark.clause("npc-2.8", "rgmu-2.8")
def test_each_programme_kind_has_its_document():
    """ПК ends with an удостоверение, ПП with a диплом (npc-2.8, rgmu-2.8)."""
    assert rules.qualification_document_for("qualification_upgrade") == "qualification_certificate"
    assert rules.qualification_document_for("professional_retraining") == "retraining_diploma"


@pytest.mark.clause("npc-2.8", "rgmu-2.8", "npc-2.11", "rgmu-2.11")
@pytest.mark.parametrize("preset", [NPC_DZM, ROSTGMU], ids=["npc", "rgmu"])
def test_kind_errors_follow_the_regulation(preset):
    """Under both presets: the programme's own document and the справка are allowed; the
    other qualification document is not; a diploma only where the regulation names it."""
    documents = preset.documents

    def errors(kind: str, programme_kind: str) -> list[str]:
        return rules.kind_errors(
            kind=kind,
            programme_kind=programme_kind,
            qualification_documents=documents.qualification_documents,
            failed_document=documents.failed_document,
        )

    assert errors("qualification_certificate", "qualification_upgrade") == []
    assert errors("training_record", "qualification_upgrade") == []
    assert errors("retraining_diploma", "qualification_upgrade")
    assert errors("qualification_certificate", "professional_retraining")
    diploma = errors("retraining_diploma", "professional_retraining")
    names_diploma = QualificationDocument.RETRAINING_DIPLOMA in documents.qualification_documents
    assert (diploma == []) is names_diploma
    assert documents.failed_document == FailedDocument.TRAINING_RECORD


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(["", "7724", "61 24"]))
def test_numbers_are_printed_zero_padded_with_the_series(number, series):
    """Numbers print with six digits after «№», the series (if any) before them."""
    printed = rules.display_number(series, number)
    assert printed.endswith(f"№ {number:06d}")
    assert printed.startswith("серия ") is bool(series)
    assert rules.registration_number("ПК", number) == f"ПК-{number}"


@given(st.text(alphabet="0123456789 -", min_size=14, max_size=20))
def test_tracking_numbers_are_normalised(raw):
    """Spaces and dashes are dropped from a tracking number."""
    normalised = rules.normalise_tracking_number(raw)
    assert " " not in normalised
    assert "-" not in normalised


def handover(mode: str, **details):  # type: ignore[no-untyped-def]
    values = {
        "mode": mode,
        "handed_on": ISSUED,
        "issued_on": ISSUED,
        "today": ISSUED,
        "allowed_modes": tuple(HandoverMode),
        "recipient_name": "",
        "power_of_attorney_number": "",
        "power_of_attorney_date": None,
        "tracking_number": "",
    }
    values.update(details)
    return rules.handover_errors(**values)


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_each_mode_needs_its_details():
    """In person needs nothing more; a proxy the name and the power of attorney; the
    registered mail a tracking number (npc-2.14, rgmu-2.14)."""
    assert handover("in_person") == {}
    assert set(handover("proxy")) == {
        "recipient_name",
        "power_of_attorney_number",
        "power_of_attorney_date",
    }
    assert (
        handover(
            "proxy",
            recipient_name="Петрова А. С.",
            power_of_attorney_number="1",
            power_of_attorney_date=ISSUED,
        )
        == {}
    )
    assert set(handover("registered_mail")) == {"tracking_number"}
    assert handover("registered_mail", tracking_number="12345678901234") == {}
    assert handover("registered_mail", tracking_number="RA123456789RU") == {}
    assert handover("registered_mail", tracking_number="1234567890123") != {}


@pytest.mark.clause("npc-2.14", "rgmu-2.14")
def test_the_handover_date_is_bounded():
    """The handover date is neither before the issue date nor after today (N−1, N, N+1)."""
    assert "handed_on" in handover("in_person", handed_on=ISSUED - timedelta(days=1))
    assert handover("in_person", handed_on=ISSUED) == {}
    assert "handed_on" in handover("in_person", handed_on=ISSUED + timedelta(days=1))


def test_a_mode_the_regulation_does_not_allow_is_refused():
    """A mode missing from the regulation's list is refused."""
    errors = handover("registered_mail", tracking_number="12345678901234", allowed_modes=())
    assert "mode" in errors


def test_revocation_reasons_have_a_minimum_length():
    """9 characters are too few, 10 are enough."""
    assert rules.revocation_errors("x" * (rules.MIN_REASON_LENGTH - 1))
    assert rules.revocation_errors("x" * rules.MIN_REASON_LENGTH) == {}
    assert rules.revocation_errors("   ")


def test_names_are_folded_for_search():
    """Case, ё and extra spaces do not matter in a search."""
    assert rules.fold("  Сёмина   АННА ") == "семина анна"
