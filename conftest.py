"""Project-wide pytest plumbing: clause traceability (`make clauses`)."""

import json
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
_results: dict[str, list[dict[str, str]]] = defaultdict(list)
_clauses_of: dict[str, tuple[str, ...]] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clauses-report",
        action="store",
        default=None,
        help="write the clause → tests map (reports/clauses.json) to this path",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        ids: list[str] = []
        for marker in item.iter_markers(name="clause"):
            ids.extend(str(a) for a in marker.args)
        if ids:
            _clauses_of[item.nodeid] = tuple(dict.fromkeys(ids))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    ids = _clauses_of.get(report.nodeid)
    if not ids:
        return
    outcome = None
    if report.when == "call":
        outcome = report.outcome
    elif report.when == "setup" and report.outcome != "passed":
        outcome = "skipped" if report.skipped else "failed"
    elif report.when == "teardown" and report.failed:
        outcome = "failed"
    if outcome is None:
        return
    for clause in ids:
        entries = _results[clause]
        for entry in entries:
            if entry["nodeid"] == report.nodeid:
                if outcome == "failed":
                    entry["outcome"] = "failed"
                break
        else:
            entries.append({"nodeid": report.nodeid, "outcome": outcome})


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = session.config.getoption("--clauses-report")
    if not path or hasattr(session.config, "workerinput"):
        return
    report = {clause: {"tests": tests} for clause, tests in sorted(_results.items())}
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
