"""The remediation page's view: from the issue-4 API shape, and from the sessions and items of a
workstream stored before remediations existed (built by the same history functions)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from db.dashboard import ReportItems, ReportRow
from db.models import Blocker, CoverageFigure, Finding, Gate, TestRun
from reports_service.dashboard.remediation import RemediationView, from_detail
from reports_service.dashboard.templating import environment
from reports_service.services.remediations import MAX_SESSIONS, detail_from, sessions_of

#: GET /api/remediations/{id} as the progress branch (issue 4) answered it for five sessions of
#: tests/samples.report_markdown, the third with its coverage target lowered to 60%
PROGRESS_DETAIL = Path(__file__).parent / "fixtures" / "remediation_detail.json"


def ref(report_id: int) -> dict[str, Any]:
    return {"id": report_id, "project": "p", "title": f"Session {report_id}", "date": None,
            "received_at": "2025-11-12T00:00:00Z", "agent": "claude"}  # fmt: skip


def observation(report_id: int, value: float, status: str, claimed: str | None = None,
                target: float = 67.0) -> dict[str, Any]:  # fmt: skip
    return {"session": report_id - 10, "report_id": report_id, "line": 5, "name": "Coverage",
            "current": f"{value}%", "target": f">={target}%", "current_value": value,
            "target_value": target, "status": claimed or status, "claimed_status": claimed,
            "computed_status": status}  # fmt: skip


DETAIL: dict[str, Any] = {
    "id": 7, "project": "p", "name": "Coverage push", "status": "failing",
    "reports": [{"session": n, "report": ref(10 + n), "sequence": None, "kind": "status",
                 "assigned_by": "poster"} for n in (1, 2, 3)],
    "gates": [{
        "id": 1, "key": "coverage", "name": "Coverage", "unit": "%", "first_session": 1,
        "first_report_id": 11, "latest_session": 3, "latest_status": "fail",
        "latest_current": "60%", "latest_target": ">=67%", "trend": "improving",
        "stalled_sessions": 0, "sessions_to_target": 2, "vanished_session": None,
        "observations": [observation(11, 50, "fail"), observation(12, 55, "fail", claimed="pass"),
                         observation(13, 60, "fail", target=60)],
    }],
    "coverage": [{"scope": "overall", "metric": None, "points": [
        {"session": 1, "report_id": 11, "line": 9, "value": 50.0, "target": 67.0},
        {"session": 3, "report_id": 13, "line": 9, "value": 60.0, "target": 67.0},
    ]}],
    "tests": [{"suite": None, "points": [
        {"session": 2, "report_id": 12, "line": 20, "total": 10, "passed": 8, "failed": 2,
         "skipped": 0, "errors": None},
    ]}],
    "blockers": [{
        "id": 3, "text": "CI is red", "resolved": True, "state": "resolved", "severity": None,
        "line": 30, "report": ref(12), "remediation": {"id": 7, "name": "Coverage push"},
        "opened_report_id": 11, "opened_session": 1, "last_session": 2, "resolved_session": 2,
        "age_sessions": 2, "mentions": 2,
        "events": [{"event": "opened", "session": 1, "report_id": 11, "line": 30},
                   {"event": "resolved", "session": 2, "report_id": 12, "line": 31}],
    }],
    "findings": [{"id": 1, "kind": "claimed-pass-numbers-fail", "severity": "error",
                  "report_id": 12, "line": 5, "subject": "Coverage",
                  "message": "marked passed, but 55% fails >= 67%", "ref_report_id": None,
                  "ref_line": None, "remediation_id": 7}],
}  # fmt: skip


def test_the_api_shape_becomes_sessions_series_threads_and_findings() -> None:
    view = from_detail(DETAIL)
    assert [(s.number, s.report_id, s.label) for s in view.sessions] == [
        (1, 11, "S1"),
        (2, 12, "S2"),
        (3, 13, "S3"),
    ]
    gate = view.gates[0]
    assert [(o.session, o.current_value, o.mismatch) for o in gate.observations] == [
        (1, 50, False),
        (2, 55, True),
        (3, 60, False),
    ]
    assert view.blockers[0].end == 2
    assert view.findings[0].session == 2
    assert view.coverage[0].lines["coverage"][1].session == 3
    assert [p.value for p in view.tests[0].lines["failed"]] == [2.0]


def test_the_gate_chart_rings_the_claim_that_differs_and_follows_a_moving_target() -> None:
    view = from_detail(DETAIL)
    chart = str(view.gates[0].chart(view.sessions))
    assert chart.count('class="ring st-pass"') == 1  # session 2 claimed pass
    assert chart.count('class="dot st-fail"') == 3
    assert chart.count('class="line s1"') == 1  # the target moved (67 -> 60): drawn as a series
    assert "claimed pass, numbers say fail" in chart


def test_the_blocker_timeline_draws_each_thread_in_its_state() -> None:
    chart = str(from_detail(DETAIL).blocker_timeline())
    assert re.findall(r'<rect class="span ([a-z]+)"', chart) == ["resolved"]
    assert chart.count('class="mention"') == 2


def row(report_id: int) -> ReportRow:
    return ReportRow(report_id, 1, dt.datetime(2025, 11, 1, tzinfo=dt.UTC), None, None, None,
                     "claude", None, f"S {report_id}", "status", "r", None)  # fmt: skip


def stream_view(report_ids: list[int], found: ReportItems) -> RemediationView:
    """The page of the sessions ``report_ids`` (in session order) as the dashboard builds it."""
    every = sessions_of([row(i) for i in report_ids])
    detail = detail_from(every, found, [], id=0, project="p", name="r")
    return from_detail({**detail.model_dump(mode="json"), "id": None})


def gate(report_id: int, value: float, status: str, position: int = 0, **fields: Any) -> Gate:
    return Gate(report_id=report_id, position=position, key="coverage", name="Coverage",
                status=status, current=f"{value}%", current_value=value, target_value=67.0,
                line=4, **fields)  # fmt: skip


def blocker(report_id: int, text: str, resolved: bool = False) -> Blocker:
    return Blocker(report_id=report_id, position=0, key=text.lower(), text=text,
                   resolved=resolved, line=9)  # fmt: skip


def items(**lists: Any) -> ReportItems:
    return ReportItems(gates=lists.get("gates", []), coverage=lists.get("coverage", []),
                       tests=lists.get("tests", []), blockers=lists.get("blockers", []),
                       findings=lists.get("findings", []))  # fmt: skip


def test_a_workstream_follows_each_gate_by_key_first_row_per_report() -> None:
    found = items(gates=[
        gate(1, 50, "fail"), gate(1, 99, "pass", position=1),  # the second row of report 1
        gate(2, 55, "fail", claimed_status="pass", computed_status="fail"),
        gate(3, 55, "fail"), gate(4, 55, "fail"),
    ])  # fmt: skip
    view = stream_view([1, 2, 3, 4], found)
    (series,) = view.gates
    assert [o.current_value for o in series.observations] == [50, 55, 55, 55]
    assert series.observations[1].mismatch
    assert series.stalled == 3


def test_blocker_threads_open_resolve_reopen_and_drop() -> None:
    found = items(blockers=[
        blocker(1, "CI red"), blocker(1, "Flaky"),
        blocker(2, "CI red", resolved=True), blocker(2, "Flaky"),
        blocker(3, "CI red"),
        blocker(4, "CI red"), blocker(4, "Late", resolved=True),
    ])  # fmt: skip
    view = stream_view([1, 2, 3, 4], found)
    threads = {t.text: t for t in view.blockers}
    assert threads["CI red"].state == "reopened"
    assert [e.event for e in threads["CI red"].events] == [
        "opened",
        "resolved",
        "reopened",
        "mentioned again",
    ]
    assert threads["Flaky"].state == "dropped"
    assert (threads["Flaky"].events[-1].event, threads["Flaky"].events[-1].report_id) == (
        "dropped",
        3,
    )
    assert threads["Late"].state == "resolved"


def test_coverage_tests_and_findings_follow_the_sessions() -> None:
    found = items(
        coverage=[CoverageFigure(report_id=r, position=0, key="file.py", scope="file.py",
                                 value=v, line=3) for r, v in ((1, 10.0), (2, 20.0))]
        + [CoverageFigure(report_id=2, position=1, key="overall", scope="overall", value=40.0)],
        tests=[TestRun(report_id=2, position=0, suite=None, passed=5, failed=1, line=7)],
        findings=[Finding(report_id=2, position=0, code="gate-no-status", severity="warning",
                          message="a gate without a status", fix="add one", line=4)],
    )  # fmt: skip
    view = stream_view([1, 2], found)
    assert [c.label for c in view.coverage] == ["overall", "file.py"]
    assert [p.value for p in view.coverage[1].lines["coverage"]] == [10.0, 20.0]
    assert view.tests[0].label == "all tests"
    assert view.findings[0].session == 2
    assert "Fix: add one" in view.findings[0].message


def test_a_real_answer_of_the_remediation_api_renders() -> None:
    view = from_detail(json.loads(PROGRESS_DETAIL.read_text()))
    html = environment().get_template("remediation.html").render(remediation=view)
    assert [s.number for s in view.sessions] == [1, 2, 3, 4, 5]
    assert html.count('<figure class="gate-series"') == len(view.gates) == 2
    assert html.count('class="line s1"') == 1  # the moved target of Overall coverage
    assert html.count('class="finding-row') == 2  # target_changed, twice
    assert "lowered from" in html
    assert f'href="/projects/demo/reports/{view.sessions[2].report_id}#L11"' in html


def test_a_long_series_lists_its_latest_sessions_and_counts_the_earlier_ones() -> None:
    view = stream_view(list(range(1, MAX_SESSIONS + 6)), items())
    assert len(view.sessions) == MAX_SESSIONS
    assert view.omitted == 5
    assert view.sessions[0].report_id == 6
