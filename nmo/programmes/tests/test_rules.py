"""The pure rules of the app, under both presets and amended regulations."""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmo.programmes.rules import (
    admission_reasons,
    failed_assessments,
    notice_plans,
    remote_share_error,
    split_full_name,
)
from nmo.programmes.types import AdmissionFacts, RegulationInForce
from nmo.regulations.presets import NPC_DZM, PRESETS, ROSTGMU
from nmo.regulations.types import PresetCode, RemoteMode

NPC = RegulationInForce(1, NPC_DZM, PRESETS[PresetCode.NPC_DZM].clauses)
RGMU = RegulationInForce(2, ROSTGMU, PRESETS[PresetCode.ROSTGMU].clauses)

titles = st.sampled_from(["Модуль 1", "Модуль 2", "модуль  1"])
facts = st.builds(
    AdmissionFacts,
    programme_completed=st.booleans(),
    curriculum_completed=st.booleans(),
    failed_assessments=st.lists(titles, max_size=2).map(tuple),
    open_debts=st.lists(st.just("Оплата"), max_size=1).map(tuple),
)


@pytest.mark.clause("npc-2.3")
@given(facts)
def test_npc_admits_on_programme_and_assessments_only(value):
    """НПЦ: admitted exactly when the programme is mastered and no intermediate assessment
    is failed, whatever the debts and the curriculum (npc-2.3)."""
    expected = value.programme_completed and not value.failed_assessments
    assert (admission_reasons(NPC, value) == []) is expected


@pytest.mark.clause("rgmu-2.3")
@given(facts)
def test_rostgmu_admits_on_all_four_conditions(value):
    """РостГМУ: also no debts and the curriculum done in full (rgmu-2.3); one reason per
    missing condition, each naming the clause."""
    reasons = admission_reasons(RGMU, value)
    missing = [
        not value.programme_completed,
        bool(value.failed_assessments),
        bool(value.open_debts),
        not value.curriculum_completed,
    ]
    assert len(reasons) == sum(missing)
    assert all(r.endswith("(rgmu-2.3).") for r in reasons)


@given(st.lists(st.tuples(titles, st.booleans(), st.integers(0, 30)), max_size=6))
def test_the_latest_result_of_an_assessment_decides(results):
    """The last result under a title (case and spacing aside) decides whether it failed."""
    start = date(2026, 5, 1)
    rows = [(t, p, start + timedelta(days=d), i) for i, (t, p, d) in enumerate(results)]
    latest: dict[str, tuple] = {}
    for row in rows:
        key = " ".join(row[0].casefold().split())
        if key not in latest or (row[2], row[3]) > (latest[key][2], latest[key][3]):
            latest[key] = row
    expected = {" ".join(r[0].casefold().split()) for r in latest.values() if not r[1]}
    got = {" ".join(t.casefold().split()) for t in failed_assessments(rows)}
    assert got == expected


@pytest.mark.clause("npc-2.4")
def test_a_regulation_without_full_remote_refuses_a_full_share():
    """An amended regulation allowing partly remote learning only refuses 100% (and names
    the rule's clause), allows 1–99%."""
    conduct = dataclasses.replace(NPC_DZM.conduct, remote_modes_allowed=(RemoteMode.PARTIAL,))
    reg = RegulationInForce(3, dataclasses.replace(NPC_DZM, conduct=conduct), NPC.clauses)
    assert "(npc-2.4)" in (remote_share_error(reg, 100) or "")
    assert remote_share_error(reg, 99) is None
    assert remote_share_error(reg, 0) is None


class WeekdaysOnly:
    """A calendar with no holidays, for the rule alone."""

    def add_working_days(self, d, n):
        while n:
            d += timedelta(days=1)
            n -= d.weekday() < 5
        return d

    def subtract_working_days(self, d, n):
        while n:
            d -= timedelta(days=1)
            n -= d.weekday() < 5
        return d

    def next_working_day(self, d):
        return self.add_working_days(d, 1)

    def first_working_day_on_or_after(self, d):
        return d if d.weekday() < 5 else self.next_working_day(d)


@pytest.mark.clause("npc-2.2", "rgmu-2.2", "npc-6.2", "rgmu-6.3")
def test_notice_dates_follow_each_regulation():
    """First-day notice on the first day (npc-2.2, rgmu-2.2); the videoconference notice 10
    working days before the end at НПЦ (npc-6.2), on the first day at РостГМУ (rgmu-6.3);
    none without a videoconference."""
    dates = {"starts_on": date(2026, 9, 1), "ends_on": date(2026, 9, 30), "cal": WeekdaysOnly()}
    npc = notice_plans(NPC, uses_videoconference=True, **dates)
    rgmu = notice_plans(RGMU, uses_videoconference=True, **dates)
    assert [(p.kind, p.due_on) for p in npc] == [
        ("first_day", date(2026, 9, 1)),
        ("videoconference", date(2026, 9, 16)),
    ]
    assert [p.due_on for p in rgmu] == [date(2026, 9, 1), date(2026, 9, 1)]
    assert len(notice_plans(NPC, uses_videoconference=False, **dates)) == 1


def test_a_full_name_splits_into_its_parts():
    """«Фамилия Имя Отчество»; anything after the first name is the patronymic."""
    assert split_full_name(" Ибрагимов  Тимур Ринат Оглы ") == ("Ибрагимов", "Тимур", "Ринат Оглы")
    assert split_full_name("Иванов") == ("Иванов", "", "")
    assert split_full_name("") == ("", "", "")
