"""Workstreams: a project's reports grouped into the series of sessions they belong to.

A workstream is a stored remediation (see :mod:`reports_service.progress.grouping`). A report
stored before remediations existed, and not yet re-parsed, is grouped as before them: by the
poster's ``remediation`` field, else its scope, else its title. Sessions are ordered by sequence
number when every report of the group carries one, else by report date when every one has a
date, else by arrival.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from markupsafe import Markup

from db.dashboard import GateTally, ReportRow
from reports_service.dashboard.charts import sparkline
from reports_service.progress import history

_SPACES = re.compile(r"\s+")

#: a workstream's status, from the gates of its latest report that has gates
STATUSES = ("failing", "pending", "passing", "no gates")
#: sessions in a row with the same gates passing (and not all) that make a workstream stalled
STALLED_AFTER = 3
#: sessions the board's trend chart shows (the latest ones)
TREND_SESSIONS = 30
#: sessions the board lists under each workstream (the latest ones)
RECENT_SESSIONS = 5


@dataclass(eq=False)
class Workstream:
    """One series of sessions. Derived values are computed on first use and then kept: a
    workstream is never changed once made (a snapshot that adds a session, or changes its open
    blocker count, makes a new one: :func:`make_workstream`, :func:`dataclasses.replace`)."""

    key: str
    name: str
    sessions: list[ReportRow] = field(default_factory=list)  #: in session order
    tallies: list[GateTally | None] = field(default_factory=list)  #: aligned with sessions
    open_blockers: int = 0

    @property
    def latest(self) -> ReportRow:
        return self.sessions[-1]

    @cached_property
    def newest(self) -> int:
        """The id of its latest arrival (workstreams are listed most recently active first)."""
        return max(r.id for r in self.sessions)

    @property
    def remediation_id(self) -> int | None:
        """The stored remediation this workstream is (None for reports not yet grouped)."""
        return self.sessions[-1].remediation_id if self.sessions else None

    @cached_property
    def gates(self) -> GateTally | None:
        """The gates of the latest session that reported any."""
        return next((t for t in reversed(self.tallies) if t is not None), None)

    @cached_property
    def status(self) -> str:
        gates = self.gates
        if gates is None or gates.total == 0:
            return "no gates"
        if gates.failing:
            return "failing"
        return "passing" if gates.passing == gates.total else "pending"

    @cached_property
    def stalled_for(self) -> int:
        """Sessions in a row (latest first) whose passing count did not move, when not green."""
        if self.status in ("passing", "no gates"):
            return 0
        counts = [t.passing for t in self.tallies if t is not None]
        run = 1
        while run < len(counts) and counts[-run - 1] == counts[-1]:
            run += 1
        return run if run >= STALLED_AFTER else 0

    @cached_property
    def trend(self) -> list[float]:
        """Percentage of gates passing, per session that reported gates (the latest ones)."""
        return [100 * t.passing / t.total for t in self._gated()]

    @cached_property
    def trend_statuses(self) -> list[str]:
        return [
            "pass" if t.passing == t.total else "fail" if t.failing else "pending"
            for t in self._gated()
        ]

    @cached_property
    def search_text(self) -> str:
        """What the board's text filter looks in: the name and every session's title."""
        titles = "\n".join(r.title or "" for r in self.sessions)
        return f"{self.name}\n{titles}".casefold()

    @cached_property
    def trend_chart(self) -> Markup:
        """The board's small chart of :attr:`trend`."""
        return sparkline(
            self.trend,
            title=f"Gates passing per session in {self.name}",
            high=100,
            unit="%",
            statuses=self.trend_statuses,
        )

    @cached_property
    def recent_sessions(self) -> list[tuple[int, ReportRow]]:
        """The latest few sessions with their numbers (1-based), newest last."""
        first = max(len(self.sessions) - RECENT_SESSIONS, 0)
        return list(enumerate(self.sessions[first:], first + 1))

    def _gated(self) -> list[GateTally]:
        gated = [t for t in self.tallies if t is not None and t.total]
        return gated[-TREND_SESSIONS:]

    @cached_property
    def agents(self) -> list[str]:
        return sorted({r.agent for r in self.sessions if r.agent})

    @cached_property
    def last_date(self) -> dt.date:
        return max(r.report_date or r.received_at.date() for r in self.sessions)

    @cached_property
    def passing_ratio(self) -> float:
        gates = self.gates
        return gates.passing / gates.total if gates is not None and gates.total else -1.0


def normalise(name: str) -> str:
    return _SPACES.sub(" ", name).strip().casefold()


class Named(Protocol):
    """What names a report's workstream (a stored report or its header row)."""

    @property
    def id(self) -> int | None: ...
    @property
    def remediation(self) -> str | None: ...
    @property
    def scope(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...


def workstream_name(report: Named) -> tuple[str, str]:
    """(key, display name) of the workstream a report belongs to."""
    remediation_id = getattr(report, "remediation_id", None)
    if remediation_id is not None:
        return f"#remediation-{remediation_id}", getattr(report, "remediation_name", None) or ""
    for name in (report.remediation, report.scope, report.title):
        if name and name.strip():
            return normalise(name), _SPACES.sub(" ", name).strip()
    return f"#report-{report.id}", f"Report {report.id}"


def session_order(reports: list[ReportRow]) -> list[ReportRow]:
    return history.session_order(reports)


def make_workstream(
    key: str, sessions: Iterable[ReportRow], tallies: dict[int, GateTally], open_blockers: int = 0
) -> Workstream:
    """The workstream ``key`` of these reports (in any order): named as its first arrival names
    it, its sessions in session order."""
    ordered = session_order(list(sessions))
    _, name = workstream_name(min(ordered, key=lambda r: r.id))
    return Workstream(
        key=key,
        name=name,
        sessions=ordered,
        tallies=[tallies.get(r.id) for r in ordered],
        open_blockers=open_blockers,
    )


def group_workstreams(
    reports: Iterable[ReportRow], tallies: dict[int, GateTally]
) -> list[Workstream]:
    """The project's workstreams, most recently active first."""
    groups: dict[str, list[ReportRow]] = {}
    for report in reports:
        key, _ = workstream_name(report)
        groups.setdefault(key, []).append(report)
    streams = [make_workstream(key, sessions, tallies) for key, sessions in groups.items()]
    return sorted(streams, key=lambda s: s.newest, reverse=True)
