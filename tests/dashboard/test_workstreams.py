"""Workstreams, board filtering/sorting/paging, and open blockers from mentions (pure code)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from db.dashboard import BlockerMention, GateTally, ReportRow
from reports_service.dashboard.listing import BoardQuery, board_page, paginate
from reports_service.dashboard.snapshot import open_blockers
from reports_service.dashboard.workstreams import group_workstreams, session_order

T0 = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)


def row(id: int, **fields: Any) -> ReportRow:
    values: dict[str, Any] = {
        "project_id": 1, "received_at": T0 + dt.timedelta(hours=id), "report_date": None,
        "date": None, "sequence": None, "agent": None, "session": None, "title": f"r{id}",
        "kind": "status", "remediation": None, "scope": None,
    }  # fmt: skip
    values.update(fields)
    return ReportRow(id=id, **values)


def test_reports_group_by_remediation_then_scope_then_title() -> None:
    reports = [
        row(1, remediation="Coverage push", scope="ignored"),
        row(2, remediation="coverage  PUSH"),
        row(3, scope="Module 6.5"),
        row(4, scope="module 6.5", title="other"),
        row(5, title="Lone report"),
        row(6, title=None),
    ]
    streams = group_workstreams(reports, {})
    assert {s.name: [r.id for r in s.sessions] for s in streams} == {
        "Coverage push": [1, 2],
        "Module 6.5": [3, 4],
        "Lone report": [5],
        "Report 6": [6],
    }
    assert next(s.name for s in streams) == "Report 6"  # most recently active first


def test_sessions_order_by_sequence_else_date_else_arrival() -> None:
    by_seq = [row(1, sequence="S-3"), row(2, sequence="S-1"), row(3, sequence="S-2")]
    assert [r.id for r in session_order(by_seq)] == [2, 3, 1]
    by_date = [row(1, report_date=dt.date(2025, 11, 3)), row(2, report_date=dt.date(2025, 11, 1))]
    assert [r.id for r in session_order(by_date)] == [2, 1]
    mixed = [row(2, sequence="7"), row(1, report_date=dt.date(2025, 1, 1))]
    assert [r.id for r in session_order(mixed)] == [1, 2]


def _stream(tallies: list[GateTally | None]) -> Any:
    reports = [row(i + 1, remediation="r") for i in range(len(tallies))]
    return group_workstreams(reports, {i + 1: t for i, t in enumerate(tallies) if t})[0]


def test_status_comes_from_the_latest_session_with_gates() -> None:
    assert _stream([GateTally(3, 3, 0), None]).status == "passing"
    assert _stream([GateTally(3, 3, 0), GateTally(3, 2, 1)]).status == "failing"
    assert _stream([GateTally(3, 2, 0)]).status == "pending"
    assert _stream([None]).status == "no gates"
    stream = _stream([GateTally(4, 1, 3), None, GateTally(4, 2, 2)])
    assert (stream.gates.passing, stream.gates.total) == (2, 4)
    assert stream.trend == [25.0, 50.0]
    assert stream.trend_statuses == ["fail", "fail"]


def test_stalled_after_three_sessions_without_progress() -> None:
    assert _stream([GateTally(4, 1, 3)] * 2).stalled_for == 0
    assert _stream([GateTally(4, 0, 4), *[GateTally(4, 1, 3)] * 3]).stalled_for == 3
    assert _stream([GateTally(4, 4, 0)] * 5).stalled_for == 0  # green is not stalled


def _board() -> list[Any]:
    reports = [
        row(1, remediation="alpha", agent="claude"),
        row(2, remediation="beta", agent="codex"),
        row(3, remediation="beta", agent="codex", title="Beta session 2"),
        row(4, remediation="gamma", agent="claude"),
    ]
    tallies = {1: GateTally(2, 2, 0), 3: GateTally(4, 1, 3), 4: GateTally(2, 1, 0)}
    return group_workstreams(reports, tallies)


def test_board_filters_by_status_agent_and_text() -> None:
    streams = _board()
    names = lambda **p: [s.name for s in board_page(streams, BoardQuery.from_params(p)).items]  # noqa: E731
    assert names(status="failing") == ["beta"]
    assert names(agent="claude") == ["gamma", "alpha"]
    assert names(q="SESSION 2") == ["beta"]  # a report title inside the workstream
    assert names(status="bogus") == ["gamma", "beta", "alpha"]  # unknown filter: ignored


def test_board_sorts_by_each_column_both_ways() -> None:
    streams = _board()
    names = lambda **p: [s.name for s in board_page(streams, BoardQuery.from_params(p)).items]  # noqa: E731
    assert names(sort="name") == ["alpha", "beta", "gamma"]
    assert names(sort="name", order="desc") == ["gamma", "beta", "alpha"]
    assert names(sort="gates") == ["alpha", "gamma", "beta"]
    assert names(sort="sessions") == ["beta", "alpha", "gamma"]
    assert names(sort="status") == ["beta", "gamma", "alpha"]
    assert names(sort="nonsense") == names()


def test_sort_links_flip_the_direction_and_keep_filters() -> None:
    query = BoardQuery.from_params({"sort": "name", "agent": "claude", "page": "3"})
    assert query.sort_url("name") == "?agent=claude&sort=name&order=desc"
    assert query.sort_url("sessions") == "?agent=claude&sort=sessions"
    assert query.url(page=2) == "?agent=claude&sort=name&page=2"


def test_pages_clamp_to_the_last_one() -> None:
    page = paginate(list(range(60)), 99, 25)
    assert (page.number, page.pages, list(page.items)) == (3, 3, list(range(50, 60)))
    assert (page.first_index, page.last_index) == (51, 60)
    assert BoardQuery.from_params({"page": "-4"}).page == 1
    assert BoardQuery.from_params({"page": "x"}).page == 1


def mention(report: int, key: str, resolved: bool = False) -> BlockerMention:
    return BlockerMention(report, key, key.upper(), resolved, None, 10 + report)


def test_open_blockers_follow_the_latest_mention_and_its_open_run() -> None:
    reports = {i: row(i) for i in range(1, 6)}
    mentions = [
        mention(1, "ci"), mention(1, "db"), mention(1, "flaky"),
        mention(2, "ci", resolved=True), mention(2, "db"),
        mention(3, "ci"),  # reopened
        mention(4, "flaky"), mention(4, "flaky", resolved=True),  # the first mention counts
        mention(5, "db"),
    ]  # fmt: skip
    found = {b.key: b for b in open_blockers("p", mentions, reports)}
    assert sorted(found) == ["ci", "db", "flaky"]
    assert (found["ci"].since.id, found["ci"].latest.id, found["ci"].mentions) == (3, 3, 3)
    assert (found["db"].since.id, found["db"].latest.id, found["db"].mentions) == (1, 5, 3)
    assert (found["flaky"].since.id, found["flaky"].line) == (1, 14)
    ordered = [b.key for b in open_blockers("p", mentions, reports)]
    assert ordered == ["db", "flaky", "ci"]  # oldest open run first


def test_resolved_blockers_are_not_open() -> None:
    reports = {1: row(1), 2: row(2)}
    assert open_blockers("p", [mention(1, "x"), mention(2, "x", resolved=True)], reports) == []
    assert open_blockers("p", [mention(1, "x", resolved=True)], reports) == []


def test_the_trend_shows_the_latest_sessions_only() -> None:
    stream = _stream([GateTally(10, n % 11, 10 - n % 11) for n in range(45)])
    assert len(stream.trend) == 30
    assert stream.trend[-1] == 100 * (44 % 11) / 10
