"""What the dashboard pages show, computed once per change of the data and then kept.

A :class:`Snapshot` holds every project's workstreams (with their gate trends), open blockers
and counts. Building one reads every report header, gate tally and blocker mention (a few
queries, linear in the data); :class:`SnapshotCache` keeps it until :func:`db.dashboard.data_stamp`
changes or ``max_age`` seconds pass, so a page view costs one index lookup plus its rendering,
whatever the number of reports. ``max_age`` bounds how long a change the stamp cannot see (a
re-parse that leaves no item behind) stays unseen.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from db.dashboard import (
    BlockerMention,
    ProjectRow,
    ReportRow,
    blocker_mentions,
    data_stamp,
    failing_gate_counts,
    gate_tallies,
    project_rows,
    report_rows,
)
from reports_service.dashboard.workstreams import Workstream, group_workstreams

_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class OpenBlocker:
    """A blocker whose latest mention in its project does not mark it resolved."""

    project: str
    key: str
    text: str
    severity: str | None
    line: int | None  #: of the latest mention
    latest: ReportRow  #: the report that mentions it last
    since: ReportRow  #: the first report of its current open run
    mentions: int  #: reports that mention it
    workstream: str | None = None  #: name of the latest report's workstream

    @property
    def opened(self) -> dt.date:
        return self.since.report_date or self.since.received_at.date()


@dataclass(slots=True)
class ProjectView:
    id: int
    name: str
    created_at: dt.datetime
    reports: list[ReportRow] = field(default_factory=list)  #: arrival order
    workstreams: list[Workstream] = field(default_factory=list)
    open_blockers: list[OpenBlocker] = field(default_factory=list)  #: oldest first
    failing_gates: int = 0
    #: report id -> the workstream it is a session of
    stream_of: dict[int, Workstream] = field(default_factory=dict)

    @property
    def last_report(self) -> ReportRow | None:
        return self.reports[-1] if self.reports else None

    @property
    def agents(self) -> list[str]:
        return sorted({r.agent for r in self.reports if r.agent})


@dataclass(slots=True)
class Snapshot:
    stamp: tuple[int, ...]
    projects: list[ProjectView]  #: by name
    by_name: dict[str, ProjectView]
    open_blockers: list[OpenBlocker]  #: every project's, oldest first


def _oldest_first(blocker: OpenBlocker) -> tuple[dt.date, int, str]:
    return (blocker.opened, blocker.since.id, blocker.key)


def open_blockers(
    project: str, mentions: Iterable[BlockerMention], reports: dict[int, ReportRow]
) -> list[OpenBlocker]:
    """Follow each blocker key through a project's reports (in arrival order).

    As ``GET /api/projects/{p}/blockers``: a report's first mention of a key is the one that
    counts, and the latest report decides. A resolved mention ends the open run; the next
    unresolved one starts a new run (``since``).
    """
    latest: dict[str, tuple[BlockerMention, ReportRow]] = {}
    since: dict[str, ReportRow | None] = {}
    counts: dict[str, int] = defaultdict(int)
    for mention in mentions:
        report = reports[mention.report_id]
        previous = latest.get(mention.key)
        if previous is not None and previous[0].report_id == mention.report_id:
            continue
        counts[mention.key] += 1
        if mention.resolved:
            since[mention.key] = None
        elif since.get(mention.key) is None:
            since[mention.key] = report
        latest[mention.key] = (mention, report)
    found = []
    for key, (mention, report) in latest.items():
        start = since.get(key)
        if mention.resolved or start is None:
            continue
        found.append(
            OpenBlocker(
                project=project,
                key=key,
                text=_SPACES.sub(" ", mention.text).strip(),
                severity=mention.severity,
                line=mention.line,
                latest=report,
                since=start,
                mentions=counts[key],
            )
        )
    found.sort(key=_oldest_first)
    return found


async def build_snapshot(session: AsyncSession, stamp: tuple[int, ...]) -> Snapshot:
    projects = [_project_view(row) for row in await project_rows(session)]
    by_id = {view.id: view for view in projects}
    reports: dict[int, ReportRow] = {}
    for report in await report_rows(session):
        reports[report.id] = report
        by_id[report.project_id].reports.append(report)
    tallies = await gate_tallies(session)
    mentions: dict[int, list[BlockerMention]] = defaultdict(list)
    for mention in await blocker_mentions(session):
        mentions[reports[mention.report_id].project_id].append(mention)
    failing = await failing_gate_counts(session)
    everything: list[OpenBlocker] = []
    for view in projects:
        view.workstreams = group_workstreams(view.reports, tallies)
        view.open_blockers = open_blockers(view.name, mentions[view.id], reports)
        view.failing_gates = failing.get(view.id, 0)
        _attribute_blockers(view)
        everything.extend(view.open_blockers)
    everything.sort(key=_oldest_first)
    return Snapshot(
        stamp=stamp,
        projects=projects,
        by_name={view.name: view for view in projects},
        open_blockers=everything,
    )


def _project_view(row: ProjectRow) -> ProjectView:
    return ProjectView(id=row.id, name=row.name, created_at=row.created_at)


def _attribute_blockers(view: ProjectView) -> None:
    """Each open blocker counts for the workstream of the report that mentions it last."""
    view.stream_of = {r.id: stream for stream in view.workstreams for r in stream.sessions}
    for blocker in view.open_blockers:
        stream = view.stream_of.get(blocker.latest.id)
        if stream is not None:
            stream.open_blockers += 1
            blocker.workstream = stream.name


class SnapshotCache:
    """One snapshot per process, rebuilt when the data stamp changes or it is ``max_age`` old."""

    def __init__(self, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self.clock = clock
        self.builds = 0  #: how many snapshots were built (for tests and benchmarks)
        self._snapshot: Snapshot | None = None
        self._built_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self, session: AsyncSession) -> Snapshot:
        stamp = await data_stamp(session)
        snapshot = self._snapshot
        if snapshot is not None and self._fresh(snapshot, stamp):
            return snapshot
        async with self._lock:  # concurrent first views build it once
            snapshot = self._snapshot
            if snapshot is None or not self._fresh(snapshot, stamp):
                snapshot = self._snapshot = await build_snapshot(session, stamp)
                self._built_at = self.clock()
                self.builds += 1
            return snapshot

    def _fresh(self, snapshot: Snapshot, stamp: tuple[int, ...]) -> bool:
        return snapshot.stamp == stamp and self.clock() - self._built_at < self.max_age
