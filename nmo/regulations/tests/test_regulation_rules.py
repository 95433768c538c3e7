"""RegulationRules.from_dict refuses bad rules with Russian messages by dotted path."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmo.core.exceptions import ValidationFailed
from nmo.regulations.presets import NPC_DZM, ROSTGMU
from nmo.regulations.types import RegulationRules


def errors_of(data):
    with pytest.raises(ValidationFailed) as caught:
        RegulationRules.from_dict(data)
    return caught.value.errors


def changed(base, path, value):
    data = copy.deepcopy(base.to_dict())
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[part]
    target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("retake.application_working_days", -1, "Значение не может быть отрицательным."),
        ("retake.application_working_days", 0, "Значение должно быть не меньше 1."),
        ("retake.application_working_days", "10", "Ожидается целое число."),
        ("retake.application_working_days", True, "Ожидается целое число."),
        ("appeal.hearing_within_days", -5, "Значение не может быть отрицательным."),
        ("grading.test_pass_threshold_percent", 101, "Значение должно быть не больше 100."),
        ("grading.test_pass_threshold_percent", -1, "Значение не может быть отрицательным."),
        ("commission.min_persons", 0, "Значение должно быть не меньше 1."),
        ("commission.deputy_chair_required", "да", "Ожидается «да» или «нет» (true или false)."),
        ("retake.application_working_days", None, "Значение обязательно."),
    ],
)
def test_a_bad_value_is_refused_by_its_path(path, value, message):
    assert errors_of(changed(NPC_DZM, path, value)) == {path: [message]}


def test_an_unknown_choice_names_the_allowed_ones():
    errors = errors_of(changed(NPC_DZM, "commission.approved_by", "king"))
    assert errors == {
        "commission.approved_by": [
            "Недопустимое значение «king». Допустимо: director_order, rector_order, "
            "vice_rector_order."
        ]
    }


def test_lists_refuse_unknown_duplicate_and_empty_values():
    assert errors_of(changed(NPC_DZM, "conduct.forms_allowed", ["credit_test", "credit_test"])) == {
        "conduct.forms_allowed": ["Значение «credit_test» указано дважды."]
    }
    assert errors_of(changed(NPC_DZM, "conduct.forms_allowed", [])) == {
        "conduct.forms_allowed": ["Выберите хотя бы одно значение."]
    }
    assert "conduct.forms_allowed" in errors_of(changed(NPC_DZM, "conduct.forms_allowed", "exam"))


def test_missing_and_unknown_fields_are_named():
    data = NPC_DZM.to_dict()
    del data["retake"]["latest_months"]
    data["retake"]["weekday"] = 1
    data["bonus"] = {}
    assert errors_of(data) == {
        "retake.weekday": ["Неизвестное поле."],
        "retake.latest_months": ["Обязательное поле."],
        "bonus": ["Неизвестное поле."],
    }


def test_grade_bands_must_descend():
    """rgmu-3.6: отлично > хорошо > удовлетворительно."""
    errors = errors_of(changed(ROSTGMU, "grading.test_good_from_percent", 95))
    assert errors == {
        "grading.test_good_from_percent": [
            "Границы оценок должны убывать: «отлично» > «хорошо» > «удовлетворительно»."
        ]
    }


def test_four_point_scale_needs_its_bands():
    data = changed(ROSTGMU, "grading.test_excellent_from_percent", None)
    errors = errors_of(data)
    assert "grading.test_excellent_from_percent" in errors
    assert "grading.test_good_from_percent" in errors


def test_an_exam_needs_the_four_point_scale():
    errors = errors_of(changed(NPC_DZM, "conduct.forms_allowed", ["exam", "credit_test"]))
    assert errors == {
        "grading.scales_allowed": ["Экзамен оценивается по четырёхбалльной шкале: добавьте её."]
    }


def test_retraining_needs_its_diploma():
    data = changed(
        NPC_DZM, "programmes.kinds_allowed", ["qualification_upgrade", "professional_retraining"]
    )
    assert "documents.qualification_documents" in errors_of(data)


def test_a_statement_needs_qualification_upgrades():
    """The statement's form is «… на цикле повышения квалификации» (ADR 0111): a
    regulation that allows only retraining cannot name it."""
    data = changed(ROSTGMU, "programmes.kinds_allowed", ["professional_retraining"])
    data["documents"]["qualification_documents"] = ["retraining_diploma"]
    assert errors_of(data) == {
        "documents.result_documents": [
            "Ведомость итоговой аттестации составляется на цикле повышения квалификации: "
            "она возможна, только если разрешено повышение квалификации."
        ]
    }


def test_a_deputy_who_replaces_the_chair_must_be_required():
    data = changed(NPC_DZM, "commission.deputy_chair_required", False)
    assert "commission.deputy_chair_required" in errors_of(data)


def test_a_standing_appeal_commission_needs_its_term_and_quorum_its_number():
    data = changed(NPC_DZM, "appeal.commission_term_months", None)
    data["appeal"]["quorum_min_members"] = None
    errors = errors_of(data)
    assert set(errors) == {"appeal.commission_term_months", "appeal.quorum_min_members"}


def test_appeal_result_grades_belong_to_the_scales():
    errors = errors_of(changed(NPC_DZM, "appeal.result_grades", ["excellent"]))
    assert errors == {"appeal.result_grades": ["Оценка «отлично» не входит в разрешённые шкалы."]}


def test_an_unknown_schema_version_is_refused():
    data = NPC_DZM.to_dict()
    data["schema"] = 99
    assert errors_of(data) == {"schema": ["Неизвестная версия схемы правил: 99."]}


def test_a_version_1_tree_is_read_with_the_appeal_posts_unrestricted():
    """A rule tree stored before schema 2 lacks the posts the appeal commission is
    appointed from: it is read with them empty (no post restricted, as then); a tree of
    schema 2 must state them."""
    data = ROSTGMU.to_dict()
    assert data["schema"] == 2
    for name in ("chair_from", "deputy_chair_from", "members_from", "secretary_from"):
        del data["appeal"][name]
    assert errors_of(data)["appeal.members_from"] == ["Обязательное поле."]
    data["schema"] = 1
    rules = RegulationRules.from_dict(data)
    assert rules.appeal.members_from == ()
    assert rules.appeal.quorum_share_percent == ROSTGMU.appeal.quorum_share_percent


def test_not_an_object_is_refused():
    assert errors_of([]) == {"__all__": ["Ожидается объект с полями правил."]}
    assert "retake" in errors_of(changed(NPC_DZM, "retake", 5))


@given(st.integers().filter(lambda n: not 0 <= n <= 100))
def test_any_threshold_outside_0_100_is_refused(threshold):
    errors = errors_of(changed(NPC_DZM, "grading.test_pass_threshold_percent", threshold))
    assert list(errors) == ["grading.test_pass_threshold_percent"]


@given(st.integers(min_value=1, max_value=60))
def test_any_positive_window_is_accepted(days):
    rules = RegulationRules.from_dict(changed(ROSTGMU, "retake.application_working_days", days))
    assert rules.retake.application_working_days == days


def test_every_choice_has_its_own_russian_label():
    """Codes repeat across enums ("organisation" is a place and a scheduler); each member
    keeps its own label, written in Russian (not Django's label made from the name)."""
    from django.db import models

    from nmo.regulations import types

    enums = [
        value
        for value in vars(types).values()
        if isinstance(value, type)
        and issubclass(value, models.TextChoices)
        and value.__module__ == types.__name__
    ]
    assert len(enums) == 40
    for enum_type in enums:
        for member in enum_type:
            assert member.label != member.value, member
            assert member.label != member.name.replace("_", " ").title(), member
            assert any("а" <= ch <= "я" for ch in member.label.lower()), member
    assert types.AttestationPlace.ORGANISATION.label == "в организации"
    assert types.Scheduler.ORGANISATION.label == "организация (университет)"
