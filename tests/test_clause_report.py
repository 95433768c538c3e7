"""`make clauses` writes reports/clauses.json mapping each clause to its tests."""

import json
from pathlib import Path

pytest_plugins = ["pytester"]

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


def test_report_maps_clauses_to_test_outcomes(pytester):
    """Each clause lists its tests with passed, failed or skipped; unmarked tests are absent."""
    pytester.makeconftest(ROOT_CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nmarkers =\n    clause: clause ids\n")
    pytester.makepyfile(
        test_sample="""
import pytest

@pytest.mark.clause("npc-2.9", "rgmu-2.9")
def test_retake_window():
    assert True

@pytest.mark.clause("npc-2.9")
def test_broken():
    assert False

@pytest.mark.clause("faq-ikp-format")
@pytest.mark.skip(reason="later")
def test_later():
    pass

def test_unmarked():
    pass
"""
    )
    result = pytester.runpytest("-p", "no:django", "--clauses-report", "out/clauses.json")
    result.assert_outcomes(passed=2, failed=1, skipped=1)
    report = json.loads((pytester.path / "out" / "clauses.json").read_text(encoding="utf-8"))
    assert set(report) == {"npc-2.9", "rgmu-2.9", "faq-ikp-format"}
    assert report["npc-2.9"]["tests"] == [
        {"nodeid": "test_sample.py::test_retake_window", "outcome": "passed"},
        {"nodeid": "test_sample.py::test_broken", "outcome": "failed"},
    ]
    assert report["rgmu-2.9"]["tests"] == [
        {"nodeid": "test_sample.py::test_retake_window", "outcome": "passed"}
    ]
    assert report["faq-ikp-format"]["tests"] == [
        {"nodeid": "test_sample.py::test_later", "outcome": "skipped"}
    ]
