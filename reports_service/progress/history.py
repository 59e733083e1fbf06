"""A remediation's histories: every gate, coverage scope, test suite and blocker followed across
its sessions, as ``GET /api/remediations/{id}`` returns them (and the dashboard draws them).

Sessions are numbered from 1 in session order (:func:`session_order`). Every observation keeps
the report and line it came from. Gates are followed by :class:`GateMatcher` keys (reworded
names are one series); coverage by scope and metric; tests by suite; blockers by their text
with case and spacing ignored.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

from db.sessions import sequence_number  # the one definition: the store keeps it too
from reports_service.progress.gatekeys import BlockerMatcher, GateMatcher

Trend = Literal["improving", "regressing", "stalled", "steady"]
BlockerState = Literal["open", "resolved", "reopened", "dropped"]


class Ordered(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def sequence(self) -> str | None: ...
    @property
    def report_date(self) -> dt.date | None: ...


R = TypeVar("R", bound=Ordered)


def session_order(reports: Sequence[R]) -> list[R]:
    """By sequence number where every report carries one, else by report date where every one
    has a date, else by arrival (id). ``db.sessions`` reads a stored remediation's sessions in
    this order in SQL (its sequence numbers are stored)."""
    numbers = [sequence_number(r.sequence) for r in reports]
    if all(n is not None for n in numbers):
        pairs = sorted(zip(numbers, reports, strict=True), key=lambda p: (p[0], p[1].id))
        return [report for _, report in pairs]
    dated = [r for r in reports if r.report_date is not None]
    if len(dated) == len(reports):
        return sorted(reports, key=lambda r: (r.report_date or dt.date.min, r.id))
    return sorted(reports, key=lambda r: r.id)


# ---- the response shape -------------------------------------------------------------------


class ReportSummary(BaseModel):
    id: int
    title: str | None
    date: str | None
    agent: str | None
    received_at: dt.datetime


class SessionEntry(BaseModel):
    session: int = Field(description="1-based position in session order")
    report: ReportSummary
    kind: str
    sequence: str | None


class GateObservation(BaseModel):
    session: int
    report_id: int
    line: int | None
    current: str | None
    target: str | None
    current_value: float | None
    target_value: float | None
    unit: str | None
    status: str
    claimed_status: str | None
    computed_status: str | None


class GateSeries(BaseModel):
    key: str = Field(description="the gate's normalised key (reworded names share it)")
    name: str = Field(description="the name in the latest observation")
    unit: str | None
    first_seen_session: int
    latest_status: str
    trend: Trend | None = Field(description="how the numbers moved in the last two sessions")
    stalled_sessions: int = Field(description="sessions in a row with the same failing value")
    sessions_to_target: int | None = Field(
        description="naive estimate from the average change per session so far"
    )
    vanished_session: int | None = Field(
        description="the first session that no longer reports a gate that had not passed"
    )
    observations: list[GateObservation]


class CoveragePoint(BaseModel):
    session: int
    report_id: int
    line: int | None
    value: float
    target: float | None
    estimated: bool


class CoverageSeries(BaseModel):
    scope: str
    metric: str | None
    points: list[CoveragePoint]


class TestPoint(BaseModel):
    session: int
    report_id: int
    line: int | None
    total: int | None
    passed: int | None
    failed: int | None
    skipped: int | None
    errors: int | None


class TestSeries(BaseModel):
    suite: str | None = Field(description="None for the grand totals")
    points: list[TestPoint]


class BlockerEvent(BaseModel):
    event: Literal["opened", "resolved", "reopened", "mentioned again", "dropped"]
    session: int
    report_id: int
    line: int | None


class BlockerThread(BaseModel):
    key: str
    text: str
    state: BlockerState
    severity: str | None
    opened_session: int
    opened_report_id: int
    last_session: int = Field(description="the latest session that names it")
    resolved_session: int | None
    age_sessions: int = Field(description="sessions from its first mention to the latest one")
    report: ReportSummary = Field(description="the latest report that names it")
    events: list[BlockerEvent]


class FindingEntry(BaseModel):
    kind: str = Field(description="the check, e.g. 'claimed-pass-numbers-fail'")
    source: Literal["claim", "lint"]
    severity: str
    report_id: int
    session: int
    line: int | None
    subject: str | None
    message: str


class RemediationSummary(BaseModel):
    id: int
    project: str
    name: str
    explicit: bool
    sessions: int
    status: Literal["failing", "pending", "passing", "no gates"]
    gates_passing: int
    gates_total: int
    gates_stalled: int = Field(description="gates whose failing value did not move")
    open_blockers: int
    findings_count: int = Field(description="claim-check findings on its reports")
    first_report_at: dt.datetime | None
    last_report_at: dt.datetime | None


class RemediationDetail(RemediationSummary):
    reports: list[SessionEntry]
    gates: list[GateSeries]
    coverage: list[CoverageSeries]
    tests: list[TestSeries]
    blockers: list[BlockerThread]
    findings: list[FindingEntry]


# ---- building it ----------------------------------------------------------------------------


class SessionRow(Ordered, Protocol):
    @property
    def title(self) -> str | None: ...
    @property
    def date(self) -> str | None: ...
    @property
    def agent(self) -> str | None: ...
    @property
    def received_at(self) -> dt.datetime: ...
    @property
    def kind(self) -> str: ...


class GateRow(Protocol):
    report_id: int
    line: int | None
    name: str
    target: str | None
    current: str | None
    status: str
    claimed_status: str | None
    computed_status: str | None
    operator: str | None
    target_value: float | None
    current_value: float | None
    unit: str | None


def _summary(report: SessionRow) -> ReportSummary:
    return ReportSummary(
        id=report.id,
        title=report.title,
        date=report.date,
        agent=report.agent,
        received_at=report.received_at,
    )


def _lower_is_better(operator: str | None) -> bool:
    return operator in ("<", "<=")


def _gate_trend(series: GateSeries, operator: str | None) -> None:
    """Fill trend, stalled sessions and the sessions-to-target estimate from the numbers."""
    numeric = [o for o in series.observations if o.current_value is not None]
    values = [o.current_value for o in numeric if o.current_value is not None]
    if len(numeric) < 2:
        return
    sign = -1.0 if _lower_is_better(operator) else 1.0
    last = numeric[-1]
    change = sign * (values[-1] - values[-2])
    if change > 0:
        series.trend = "improving"
    elif change < 0:
        series.trend = "regressing"
    else:
        series.trend = "steady" if last.status == "pass" else "stalled"
    if last.status != "pass":
        run = 1
        while run < len(values) and values[-run - 1] == values[-1]:
            run += 1
        series.stalled_sessions = run if run > 1 else 0
    first = numeric[0]
    if last.status != "pass" and last.target_value is not None and last.session > first.session:
        rate = sign * (values[-1] - values[0]) / (last.session - first.session)
        gap = sign * (last.target_value - values[-1])
        if rate > 0 and gap > 0:
            series.sessions_to_target = math.ceil(gap / rate)


def gate_series(
    gates: Sequence[GateRow], number: dict[int, int], sessions: int
) -> list[GateSeries]:
    """One series per gate key; a report's first row for a key counts."""
    matcher = GateMatcher()
    series: dict[str, GateSeries] = {}
    operators: dict[str, str | None] = {}
    gated_sessions: set[int] = set()
    for gate in sorted(gates, key=lambda g: number[g.report_id]):
        session = number[gate.report_id]
        gated_sessions.add(session)
        key = matcher.key_of(gate.name)
        current = series.get(key)
        if current is not None and current.observations[-1].session == session:
            continue
        observation = GateObservation(
            session=session,
            report_id=gate.report_id,
            line=gate.line,
            current=gate.current,
            target=gate.target,
            current_value=gate.current_value,
            target_value=gate.target_value,
            unit=gate.unit,
            status=gate.status,
            claimed_status=gate.claimed_status,
            computed_status=gate.computed_status,
        )
        if current is None:
            current = series[key] = GateSeries(
                key=key,
                name=gate.name,
                unit=gate.unit,
                first_seen_session=session,
                latest_status=gate.status,
                trend=None,
                stalled_sessions=0,
                sessions_to_target=None,
                vanished_session=None,
                observations=[],
            )
        current.name, current.latest_status = gate.name, gate.status
        current.unit = gate.unit or current.unit
        operators[key] = gate.operator or operators.get(key)
        current.observations.append(observation)
    for key, view in series.items():
        _gate_trend(view, operators.get(key))
        last = view.observations[-1].session
        later = [s for s in gated_sessions if s > last]
        if view.latest_status != "pass" and later:
            view.vanished_session = min(later)
    return list(series.values())


class CoverageRow(Protocol):
    report_id: int
    line: int | None
    key: str
    scope: str
    metric: str | None
    value: float
    target: float | None
    estimated: bool


class TestRow(Protocol):
    report_id: int
    line: int | None
    suite: str | None
    total: int | None
    passed: int | None
    failed: int | None
    skipped: int | None
    errors: int | None


class BlockerRow(Protocol):
    report_id: int
    line: int | None
    key: str
    text: str
    resolved: bool
    severity: str | None


class LintRow(Protocol):
    report_id: int
    line: int | None
    code: str
    severity: str
    message: str
    fix: str


class ClaimRow(Protocol):
    report_id: int
    line: int | None
    code: str
    message: str


def coverage_series(figures: Sequence[CoverageRow], number: dict[int, int]) -> list[CoverageSeries]:
    series: dict[tuple[str, str | None], CoverageSeries] = {}
    for figure in sorted(figures, key=lambda c: number[c.report_id]):
        view = series.setdefault(
            (figure.key, figure.metric),
            CoverageSeries(scope=figure.scope, metric=figure.metric, points=[]),
        )
        session = number[figure.report_id]
        if view.points and view.points[-1].session == session:
            continue
        view.points.append(
            CoveragePoint(
                session=session,
                report_id=figure.report_id,
                line=figure.line,
                value=figure.value,
                target=figure.target,
                estimated=figure.estimated,
            )
        )
    # the overall figure first, then the scopes followed longest
    return sorted(series.values(), key=lambda s: (s.scope.casefold() != "overall", -len(s.points)))


def test_series(runs: Sequence[TestRow], number: dict[int, int]) -> list[TestSeries]:
    series: dict[str | None, TestSeries] = {}
    for run in sorted(runs, key=lambda t: number[t.report_id]):
        suite = run.suite.strip() if run.suite else None
        view = series.setdefault(
            suite.casefold() if suite else None, TestSeries(suite=suite, points=[])
        )
        session = number[run.report_id]
        if view.points and view.points[-1].session == session:
            continue
        view.points.append(
            TestPoint(
                session=session,
                report_id=run.report_id,
                line=run.line,
                total=run.total,
                passed=run.passed,
                failed=run.failed,
                skipped=run.skipped,
                errors=run.errors,
            )
        )
    return sorted(series.values(), key=lambda s: s.suite is not None)


def blocker_threads(
    blockers: Sequence[BlockerRow], number: dict[int, int], reports: Sequence[SessionRow]
) -> list[BlockerThread]:
    """Each blocker's lifecycle: opened, resolved (a later report says it is fixed), reopened,
    and dropped when the next session stops naming it without saying it was fixed."""
    by_session = {number[r.id]: r for r in reports}
    threads: dict[str, BlockerThread] = {}
    matcher = BlockerMatcher()
    for blocker in sorted(blockers, key=lambda b: number[b.report_id]):
        session = number[blocker.report_id]
        key = matcher.key_of(blocker.text)
        thread = threads.get(key)
        if thread is not None and thread.last_session == session:
            continue
        event: str
        if thread is None:
            thread = threads[key] = BlockerThread(
                key=key,
                text=blocker.text,
                state="resolved" if blocker.resolved else "open",
                severity=blocker.severity,
                opened_session=session,
                opened_report_id=blocker.report_id,
                last_session=session,
                resolved_session=session if blocker.resolved else None,
                age_sessions=1,
                report=_summary(by_session[session]),
                events=[],
            )
            event = "resolved" if blocker.resolved else "opened"
        elif blocker.resolved:
            event = "mentioned again" if thread.state == "resolved" else "resolved"
            if event == "resolved":
                thread.state, thread.resolved_session = "resolved", session
        elif thread.state == "resolved":
            event, thread.state, thread.resolved_session = "reopened", "reopened", None
        else:
            event = "mentioned again"
            thread.state = "open" if thread.state == "dropped" else thread.state
        thread.text, thread.last_session = blocker.text, session
        thread.report = _summary(by_session[session])
        thread.severity = blocker.severity or thread.severity
        thread.events.append(
            BlockerEvent(
                event=event,
                session=session,
                report_id=blocker.report_id,
                line=blocker.line,
            )
        )
    latest = len(reports)
    for thread in threads.values():
        if thread.state in ("open", "reopened"):
            thread.age_sessions = latest - thread.opened_session + 1
            if thread.last_session < latest:
                thread.state = "dropped"
                after = thread.last_session + 1
                thread.events.append(
                    BlockerEvent(
                        event="dropped", session=after, report_id=by_session[after].id, line=None
                    )
                )
        else:
            thread.age_sessions = thread.last_session - thread.opened_session + 1
    return sorted(threads.values(), key=lambda t: (t.opened_session, t.text.casefold()))


def findings(
    claims: Sequence[ClaimRow], lint: Sequence[LintRow], number: dict[int, int]
) -> list[FindingEntry]:
    found = [
        FindingEntry(
            kind=c.code,
            source="claim",
            severity="warning",
            report_id=c.report_id,
            session=number[c.report_id],
            line=c.line,
            subject=None,
            message=c.message,
        )
        for c in claims
        if c.report_id in number
    ]
    found.extend(
        FindingEntry(
            kind=f.code,
            source="lint",
            severity=f.severity,
            report_id=f.report_id,
            session=number[f.report_id],
            line=f.line,
            subject=None,
            message=f"{f.message} Fix: {f.fix}" if f.fix else f.message,
        )
        for f in lint
        if f.report_id in number
    )
    return sorted(found, key=lambda f: (f.session, f.source != "claim", f.line or 0))


def gate_status(gates: list[GateSeries], sessions: int) -> tuple[str, int, int]:
    """(status, passing, total) of the gates the latest session with gates reported."""
    if not gates:
        return "no gates", 0, 0
    latest = max(o.session for g in gates for o in g.observations)
    current = [g.observations[-1] for g in gates if g.observations[-1].session == latest]
    passing = sum(o.status == "pass" for o in current)
    if any(o.status == "fail" for o in current):
        status = "failing"
    elif passing == len(current):
        status = "passing"
    else:
        status = "pending"
    return status, passing, len(current)
