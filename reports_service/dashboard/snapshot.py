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
    STAMP_TABLES,
    BlockerMention,
    GateTally,
    ReportRow,
    blocker_mentions,
    data_stamp,
    gate_tallies,
    latest_gate_statuses,
    project_rows,
    report_ids_between,
    report_rows,
    rewritten_since,
)
from db.models import Report
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
    # what the view is computed from, kept to extend it with new reports
    mentions: list[BlockerMention] = field(default_factory=list)
    gate_status: dict[str, str] = field(default_factory=dict)  #: gate key -> latest status

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
    reports: dict[int, ReportRow]  #: every report header by id
    tallies: dict[int, GateTally]  #: gate tally by report id


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


#: position of the reports' newest id in a stamp
_REPORTS = STAMP_TABLES.index(Report)


async def build_snapshot(
    session: AsyncSession, stamp: tuple[int, ...], base: Snapshot | None = None
) -> Snapshot:
    """The snapshot at ``stamp``: ``base`` extended with the reports newer than its stamp, or
    everything read afresh (without ``base``, or when reports of ``base`` were re-parsed).

    Projects without new reports keep their views (and what those have computed); the others
    are recomputed from their reports, which only costs Python work on that project's rows.
    """
    if base is not None and await _moved_under(session, base):
        base = None
    after = base.stamp[_REPORTS] if base is not None else 0
    reports = dict(base.reports) if base is not None else {}
    tallies = dict(base.tallies) if base is not None else {}
    old = {view.id: view for view in base.projects} if base is not None else {}

    fresh: dict[int, ProjectView] = {}

    def changed(project_id: int) -> ProjectView:
        view = fresh.get(project_id)
        if view is None:
            previous = old.get(project_id)
            view = fresh[project_id] = ProjectView(id=project_id, name="", created_at=_EPOCH)
            if previous is not None:
                view.reports = list(previous.reports)
                view.mentions = list(previous.mentions)
                view.gate_status = dict(previous.gate_status)
        return view

    for report in await report_rows(session, after):
        reports[report.id] = report
        changed(report.project_id).reports.append(report)
    tallies.update(await gate_tallies(session, after))
    for mention in await blocker_mentions(session, after):
        changed(reports[mention.report_id].project_id).mentions.append(mention)
    for project_id, key, status in await latest_gate_statuses(session, after):
        changed(project_id).gate_status[key] = status

    projects = []
    for row in await project_rows(session):
        view = fresh.get(row.id) or old.get(row.id)
        if view is None or row.id in fresh:
            view = view or ProjectView(id=row.id, name=row.name, created_at=row.created_at)
            view.name, view.created_at = row.name, row.created_at
            _compute(view, reports, tallies)
        elif view.name != row.name:  # renamed: the views hold the name
            view = changed(row.id)
            view.name, view.created_at = row.name, row.created_at
            _compute(view, reports, tallies)
        projects.append(view)
    everything = [blocker for view in projects for blocker in view.open_blockers]
    everything.sort(key=_oldest_first)
    return Snapshot(
        stamp=stamp,
        projects=projects,
        by_name={view.name: view for view in projects},
        open_blockers=everything,
        reports=reports,
        tallies=tallies,
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: how far below a snapshot's newest report id a report committed late is looked for
LATE_WINDOW = 1000


async def _moved_under(session: AsyncSession, base: Snapshot) -> bool:
    """Whether rows changed below ``base``'s stamp, so that only a full read is right: items of
    existing reports were rewritten (a re-parse), or a report committed after ``base`` was read
    has a lower id than its newest (concurrent writers on PostgreSQL can commit out of order)."""
    if await rewritten_since(session, base.stamp):
        return True
    newest = base.stamp[_REPORTS]
    below = await report_ids_between(session, max(newest - LATE_WINDOW, 0), newest)
    return any(report_id not in base.reports for report_id in below)


def _compute(
    view: ProjectView, reports: dict[int, ReportRow], tallies: dict[int, GateTally]
) -> None:
    view.workstreams = group_workstreams(view.reports, tallies)
    view.open_blockers = open_blockers(view.name, view.mentions, reports)
    view.failing_gates = sum(status == "fail" for status in view.gate_status.values())
    _attribute_blockers(view)


def _attribute_blockers(view: ProjectView) -> None:
    """Each open blocker counts for the workstream of the report that mentions it last."""
    view.stream_of = {r.id: stream for stream in view.workstreams for r in stream.sessions}
    for blocker in view.open_blockers:
        stream = view.stream_of.get(blocker.latest.id)
        if stream is not None:
            stream.open_blockers += 1
            blocker.workstream = stream.name


class SnapshotCache:
    """One snapshot per process: extended when the data stamp changes, rebuilt from scratch when
    it is ``max_age`` old (what the stamp cannot see, a re-parse leaving no new row, shows then)."""

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
                expired = snapshot is None or self.clock() - self._built_at >= self.max_age
                base = None if expired else snapshot
                snapshot = self._snapshot = await build_snapshot(session, stamp, base)
                if base is None:
                    self._built_at = self.clock()
                self.builds += 1
            return snapshot

    def _fresh(self, snapshot: Snapshot, stamp: tuple[int, ...]) -> bool:
        return snapshot.stamp == stamp and self.clock() - self._built_at < self.max_age
