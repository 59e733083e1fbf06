"""What the remediation page shows: a workstream's sessions and every series across them.

:class:`RemediationView` is built from the shape of ``GET /api/remediations/{id}`` (issue 4:
sessions, gate series with observations, coverage and test series, blocker threads with their
events, findings) by :func:`from_detail`; the page draws it with the charts of
:mod:`reports_service.dashboard.charts`. Sessions are numbered from 1 in session order; every
point keeps the report and line it came from, so the page links each value to its source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from reports_service.dashboard.charts import Point, Series, Span, line_chart, number, timeline

#: coverage scopes and test suites charted (the rest are listed in tables)
MAX_CHARTS = 6
#: chart colour slot of each named line (see the stylesheet's .s0-.s4)
SLOTS = {"coverage": 0, "passed": 3, "failed": 4, "skipped": 2}


@dataclass(frozen=True, slots=True)
class SessionView:
    number: int
    report_id: int
    title: str | None
    date: str | None
    agent: str | None
    kind: str | None = None

    @property
    def label(self) -> str:
        return f"S{self.number}"


@dataclass(frozen=True, slots=True)
class Observation:
    session: int
    report_id: int
    line: int | None
    current: str | None
    target: str | None
    current_value: float | None
    target_value: float | None
    status: str
    claimed: str | None
    computed: str | None

    @property
    def mismatch(self) -> bool:
        return (
            self.claimed is not None and self.computed is not None and self.claimed != self.computed
        )


@dataclass(slots=True)
class GateSeriesView:
    name: str
    unit: str | None
    trend: str | None
    latest_status: str
    stalled: int
    sessions_to_target: int | None
    vanished_session: int | None
    observations: list[Observation]

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None

    @property
    def charted(self) -> bool:
        return any(o.current_value is not None for o in self.observations)

    def chart(self, sessions: Sequence[SessionView]) -> Markup:
        """Current value per session, the target as a line (or a series where it moved), each
        point coloured by its computed status with a ring where the claim differs."""
        at = {o.session: o for o in self.observations}
        points = []
        for s in sessions:
            o = at.get(s.number)
            if o is None or o.current_value is None:
                points.append(Point(None))
                continue
            tip = f"{s.label}: {o.current or number(o.current_value, self.unit)}"
            if o.target:
                tip += f" (target {o.target})"
            tip += f", {o.status}"
            if o.mismatch:
                tip += f": claimed {o.claimed}, numbers say {o.computed}"
            points.append(
                Point(o.current_value, tip, status=o.computed or o.status, claimed=o.claimed)
            )
        targets = {o.target_value for o in self.observations if o.target_value is not None}
        series = [Series(self.name, points)]
        target = None
        if len(targets) == 1:
            target = targets.pop()
        elif targets:
            series.append(
                Series(
                    "target",
                    [
                        Point(
                            at[s.number].target_value if s.number in at else None,
                            f"{s.label}: target {at[s.number].target}" if s.number in at else "",
                        )
                        for s in sessions
                    ],
                    slot=1,
                )
            )
        return line_chart(
            title=f"{self.name} per session",
            x_labels=[s.label for s in sessions],
            series=series,
            unit=self.unit,
            target=target,
        )


@dataclass(frozen=True, slots=True)
class MetricPoint:
    session: int
    report_id: int
    line: int | None
    value: float
    target: float | None = None


@dataclass(slots=True)
class MetricSeries:
    """A coverage scope or a test suite across sessions (one or more lines)."""

    label: str
    unit: str | None
    lines: dict[str, list[MetricPoint]]  #: line name -> points

    def chart(self, sessions: Sequence[SessionView]) -> Markup:
        series = []
        targets: set[float] = set()
        for slot, (name, points) in enumerate(self.lines.items()):
            at = {p.session: p for p in points}
            targets.update(p.target for p in points if p.target is not None)
            values = []
            for s in sessions:
                p = at.get(s.number)
                tip = f"{s.label} {name}: {number(p.value, self.unit)}" if p else ""
                values.append(Point(p.value if p else None, tip))
            series.append(Series(name, values, slot=SLOTS.get(name, slot)))
        return line_chart(
            title=f"{self.label} per session",
            x_labels=[s.label for s in sessions],
            series=series,
            unit=self.unit,
            target=targets.pop() if len(targets) == 1 else None,
            height=180,
        )


@dataclass(frozen=True, slots=True)
class BlockerEvent:
    event: str
    session: int
    report_id: int
    line: int | None


@dataclass(slots=True)
class BlockerThreadView:
    text: str
    state: str  #: open / resolved / reopened / dropped
    severity: str | None
    opened_session: int
    last_session: int
    resolved_session: int | None
    events: list[BlockerEvent]

    @property
    def end(self) -> int | None:
        """The last session the bar covers; None while it is open."""
        if self.state == "resolved":
            return self.resolved_session or self.last_session
        if self.state == "dropped":
            return self.last_session
        return None


@dataclass(frozen=True, slots=True)
class FindingView:
    kind: str
    severity: str
    report_id: int
    line: int | None
    subject: str | None
    message: str
    session: int | None = None


@dataclass(slots=True)
class RemediationView:
    id: int | None
    project: str
    name: str
    status: str
    sessions: list[SessionView]
    gates: list[GateSeriesView] = field(default_factory=list)
    coverage: list[MetricSeries] = field(default_factory=list)
    tests: list[MetricSeries] = field(default_factory=list)
    blockers: list[BlockerThreadView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    #: gates passing / total in the latest session with gates (None: no gates)
    gates_passing: int | None = None
    gates_total: int | None = None
    stalled: int = 0  #: sessions (or gates, per the API) stalled: shown on the badge
    #: sessions before the ones listed (the page shows the latest ones of a long series)
    omitted: int = 0

    @property
    def open_blockers(self) -> int:
        return sum(b.state in ("open", "reopened") for b in self.blockers)

    def session(self, number: int) -> SessionView | None:
        return self.sessions[number - 1] if 1 <= number <= len(self.sessions) else None

    def blocker_timeline(self) -> Markup:
        by_session = {s.number: i for i, s in enumerate(self.sessions)}
        spans = []
        for thread in self.blockers:
            start = by_session.get(thread.opened_session, 0)
            end = by_session.get(thread.end) if thread.end is not None else None
            marks = tuple(by_session[e.session] for e in thread.events if e.session in by_session)
            spans.append(
                Span(
                    label=thread.text,
                    start=start,
                    end=end,
                    state=thread.state,
                    marks=marks,
                    tooltip=f"{thread.text}: {thread.state}, opened in S{thread.opened_session}"
                    + (
                        f", resolved in S{thread.resolved_session}"
                        if thread.resolved_session
                        else ""
                    ),
                )
            )
        return timeline(
            title=f"Blockers of {self.name} across sessions",
            x_labels=[s.label for s in self.sessions],
            spans=spans,
        )

    def findings_by_report(self) -> dict[int, list[FindingView]]:
        found: dict[int, list[FindingView]] = {}
        for finding in self.findings:
            found.setdefault(finding.report_id, []).append(finding)
        return found


def _session_numbers(detail: Mapping[str, Any]) -> dict[int, int]:
    """report id -> session number (1-based, in the detail's session order)."""
    return {entry["report"]["id"]: n for n, entry in enumerate(detail["reports"], 1)}


def from_detail(detail: Mapping[str, Any]) -> RemediationView:
    """The view of ``GET /api/remediations/{id}``'s body (a dict, as JSON or model_dump gives)."""
    numbers = _session_numbers(detail)

    def session_of(report_id: int, fallback: int | None = None) -> int:
        return numbers.get(report_id, fallback or 0)

    sessions = [
        SessionView(
            number=n,
            report_id=entry["report"]["id"],
            title=entry["report"].get("title"),
            date=entry["report"].get("date"),
            agent=entry["report"].get("agent"),
            kind=entry.get("kind"),
        )
        for n, entry in enumerate(detail["reports"], 1)
    ]
    gates = [
        GateSeriesView(
            name=g["name"],
            unit=g.get("unit"),
            trend=g.get("trend"),
            latest_status=g["latest_status"],
            stalled=g.get("stalled_sessions") or 0,
            sessions_to_target=g.get("sessions_to_target"),
            vanished_session=g.get("vanished_session"),
            observations=[
                Observation(
                    session=session_of(o["report_id"], o.get("session")),
                    report_id=o["report_id"],
                    line=o.get("line"),
                    current=o.get("current"),
                    target=o.get("target"),
                    current_value=o.get("current_value"),
                    target_value=o.get("target_value"),
                    status=o["status"],
                    claimed=o.get("claimed_status"),
                    computed=o.get("computed_status"),
                )
                for o in g["observations"]
            ],
        )
        for g in detail.get("gates", [])
    ]
    coverage = [
        MetricSeries(
            label=c["scope"] + (f" ({c['metric']})" if c.get("metric") else ""),
            unit="%",
            lines={
                "coverage": [
                    MetricPoint(
                        session_of(p["report_id"], p.get("session")),
                        p["report_id"],
                        p.get("line"),
                        p["value"],
                        p.get("target"),
                    )
                    for p in c["points"]
                ]
            },
        )
        for c in detail.get("coverage", [])
    ]
    tests = [_test_series(t, session_of) for t in detail.get("tests", [])]
    blockers = [
        BlockerThreadView(
            text=b["text"],
            state=b["state"],
            severity=b.get("severity"),
            opened_session=session_of(b["opened_report_id"], b.get("opened_session")),
            last_session=session_of(b["report"]["id"], b.get("last_session")),
            resolved_session=b.get("resolved_session"),
            events=[
                BlockerEvent(
                    e["event"],
                    session_of(e["report_id"], e.get("session")),
                    e["report_id"],
                    e.get("line"),
                )
                for e in b.get("events", [])
            ],
        )
        for b in detail.get("blockers", [])
    ]
    findings = [
        FindingView(
            kind=f["kind"],
            severity=f["severity"],
            report_id=f["report_id"],
            line=f.get("line"),
            subject=f.get("subject"),
            message=f["message"],
            session=numbers.get(f["report_id"]),
        )
        for f in detail.get("findings", [])
    ]
    return RemediationView(
        id=detail.get("id"),
        project=detail["project"],
        name=detail["name"],
        status=detail.get("status", "no gates"),
        sessions=sessions,
        gates=gates,
        coverage=coverage,
        tests=tests,
        blockers=blockers,
        findings=findings,
        gates_passing=detail.get("gates_passing") if detail.get("gates_total") else None,
        gates_total=detail.get("gates_total") or None,
        stalled=detail.get("gates_stalled") or 0,
        omitted=max(0, (detail.get("sessions") or 0) - len(sessions)),
    )


def _test_series(suite: Mapping[str, Any], session_of: Any) -> MetricSeries:
    lines: dict[str, list[MetricPoint]] = {}
    for p in suite["points"]:
        where = (session_of(p["report_id"], p.get("session")), p["report_id"], p.get("line"))
        for name in ("passed", "failed", "skipped"):
            if p.get(name) is not None:
                lines.setdefault(name, []).append(MetricPoint(*where, float(p[name])))
    return MetricSeries(label=suite.get("suite") or "all tests", unit="count", lines=lines)
