"""What the dashboard pages show, kept per process and brought up to date by the change alone.

A :class:`Snapshot` holds every project's workstreams (with their gate trends), open blockers
and counts. The first one reads every report header, gate tally and blocker mention (a few
queries, linear in the data). After that, when :func:`db.dashboard.data_stamp` moves,
:func:`build_snapshot` reads only what changed and updates the projects it touches:

- new reports (above the newest id it has, and any committed late below it) join their
  workstreams (only a touched workstream is made again, from its own sessions), their blocker
  mentions update the state kept per blocker key, and the failing-gate count is read from
  ``latest_mentions``; untouched projects and workstreams are reused as they are;
- a project whose ``revision`` moved (a re-parse, a remediation renamed or merged: see
  :func:`db.dashboard.revise_project`) or whose name changed is read again whole, on its own.

So a page view after a new report costs that report's rows and the workstream and blocker keys
it touches (plus copying the project's lists of reports and workstreams, pointers only), not a
pass over the history; only the first snapshot of the process reads everything, and
:meth:`SnapshotCache.warm` builds it at startup, before the first page view.
"""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import datetime as dt
import functools
import heapq
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import anyio.to_thread
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.dashboard import (
    LATE_WINDOW,
    BlockerMention,
    GateTally,
    ProjectRow,
    ReportRow,
    Stamp,
    Which,
    blocker_mentions,
    data_stamp,
    failing_gate_counts,
    gate_tallies,
    project_rows,
    report_ids_between,
    report_rows,
)
from reports_service.dashboard.workstreams import Workstream, make_workstream, workstream_name

logger = logging.getLogger("reports_service")

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
    """One project as the pages show it. Never changed once its snapshot is built: a later
    snapshot that adds to the project makes a new view (and reuses this one otherwise)."""

    id: int
    name: str
    created_at: dt.datetime
    reports: list[ReportRow] = field(default_factory=list)  #: arrival order
    workstreams: list[Workstream] = field(default_factory=list)  #: most recently active first
    open_blockers: list[OpenBlocker] = field(default_factory=list)  #: oldest first
    failing_gates: int = 0
    streams: dict[str, Workstream] = field(default_factory=dict)  #: by workstream key
    agents: list[str] = field(default_factory=list)  #: every agent that posted, sorted
    #: report id -> key of its workstream; shared with the project's later views (it only grows)
    stream_keys: dict[int, str] = field(default_factory=dict)

    @property
    def last_report(self) -> ReportRow | None:
        return self.reports[-1] if self.reports else None

    def stream_of(self, report_id: int) -> Workstream | None:
        """The workstream report ``report_id`` is a session of (None: not in this view)."""
        stream = self.streams.get(self.stream_keys.get(report_id, ""))
        if stream is None or all(r.id != report_id for r in stream.sessions):
            return None  # arrived after this view was made
        return stream


@dataclass(slots=True)
class _KeyState:
    """One blocker key of a project: each report's first mention of it (by report id), and what
    follows from them. Kept so that new mentions update the key without reading the others."""

    latest: BlockerMention  #: the mention in the report with the largest id
    history: list[tuple[int, bool]] = field(default_factory=list)  #: (report id, resolved)
    since: int | None = None  #: the report that started the current open run

    @property
    def open(self) -> bool:
        return not self.latest.resolved

    def add(self, mention: BlockerMention) -> None:
        """A report's mention of the key: only the report's first one counts (mentions of one
        report come in position order). A report above every one so far is appended; one
        committed late is put in its place and the open run followed again from the start."""
        report_id = mention.report_id
        if not self.history or report_id > self.history[-1][0]:
            self.history.append((report_id, mention.resolved))
            self.latest = mention
            if mention.resolved:
                self.since = None
            elif self.since is None:
                self.since = report_id
            return
        index = bisect.bisect_left(self.history, report_id, key=lambda entry: entry[0])
        if index < len(self.history) and self.history[index][0] == report_id:
            return  # a later mention in the same report
        self.history.insert(index, (report_id, mention.resolved))
        self.since = None
        for seen, resolved in self.history:
            if resolved:
                self.since = None
            elif self.since is None:
                self.since = seen


def _note(keys: dict[str, _KeyState], mention: BlockerMention) -> None:
    state = keys.get(mention.key)
    if state is None:
        state = keys[mention.key] = _KeyState(latest=mention)
    state.add(mention)


def _open_blocker(
    project: str,
    key: str,
    state: _KeyState,
    reports: dict[int, ReportRow],
    workstream: str | None = None,
) -> OpenBlocker:
    mention = state.latest
    if state.since is None:  # pragma: no cover - an open key always has an open run
        raise ValueError(f"blocker {key!r} is not open")
    return OpenBlocker(
        project=project,
        key=key,
        text=_SPACES.sub(" ", mention.text).strip(),
        severity=mention.severity,
        line=mention.line,
        latest=reports[mention.report_id],
        since=reports[state.since],
        mentions=len(state.history),
        workstream=workstream,
    )


def _oldest_first(blocker: OpenBlocker) -> tuple[dt.date, int, str]:
    return (blocker.opened, blocker.since.id, blocker.key)


def open_blockers(
    project: str, mentions: Iterable[BlockerMention], reports: dict[int, ReportRow]
) -> list[OpenBlocker]:
    """Follow each blocker key through a project's reports (mentions in arrival order).

    As ``GET /api/projects/{p}/blockers``: a report's first mention of a key is the one that
    counts, and the latest report decides. A resolved mention ends the open run; the next
    unresolved one starts a new run (``since``).
    """
    keys: dict[str, _KeyState] = {}
    for mention in mentions:
        _note(keys, mention)
    found = [
        _open_blocker(project, key, state, reports) for key, state in keys.items() if state.open
    ]
    found.sort(key=_oldest_first)
    return found


@dataclass(slots=True)
class _ProjectState:
    """What a project's view is computed from, updated in place as reports arrive."""

    revision: int  #: ``projects.revision`` when the project was last read whole
    rows: dict[int, ReportRow] = field(default_factory=dict)
    tallies: dict[int, GateTally] = field(default_factory=dict)
    keys: dict[str, _KeyState] = field(default_factory=dict)
    stream_keys: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class _State:
    """What the latest snapshot was computed from. Only one snapshot holds it: extending a
    snapshot hands it on (and updates it), so a snapshot is extended at most once."""

    newest: int = 0  #: the largest report id read
    known: set[int] = field(default_factory=set)  #: every report id read
    projects: dict[int, _ProjectState] = field(default_factory=dict)


@dataclass(slots=True)
class Snapshot:
    stamp: Stamp
    projects: list[ProjectView]  #: by name
    by_name: dict[str, ProjectView]
    open_blockers: list[OpenBlocker]  #: every project's, oldest first
    #: read whole (the first snapshot, or one whose base could not be extended)
    full: bool = False
    _state: _State | None = field(default=None, repr=False)

    @property
    def extendable(self) -> bool:
        """Whether :func:`build_snapshot` can extend it (no later snapshot was made from it)."""
        return self._state is not None


@dataclass(slots=True)
class _Batch:
    """Report headers with their gate tallies and blocker mentions, as read together."""

    rows: list[ReportRow]
    tallies: dict[int, GateTally]
    mentions: list[BlockerMention]


async def _read(session: AsyncSession, which: Which) -> _Batch:
    rows = await report_rows(session, which)
    tallies = await gate_tallies(session, which)
    mentions = await blocker_mentions(session, which)
    return _Batch(rows=rows, tallies=tallies, mentions=mentions)


def _consistent(batch: _Batch) -> _Batch:
    """On a database read statement by statement, items of a report committed between the
    reads of a batch can show without its header: they are left for the read that sees it."""
    ids = {row.id for row in batch.rows}
    return _Batch(
        rows=batch.rows,
        tallies={report_id: t for report_id, t in batch.tallies.items() if report_id in ids},
        mentions=[m for m in batch.mentions if m.report_id in ids],
    )


@dataclass(slots=True)
class _Added:
    """One project's share of a batch."""

    rows: list[ReportRow] = field(default_factory=list)
    mentions: list[BlockerMention] = field(default_factory=list)


#: a build applying more reports than this (a project read whole: every project at the first
#: snapshot) computes in a worker thread, so that the event loop answers other requests meanwhile
THREAD_ABOVE = 2000


def _split(batch: _Batch, skip_projects: set[int]) -> dict[int, _Added]:
    """The batch's rows and mentions per project, without those of ``skip_projects`` (read
    whole on their own)."""
    added: dict[int, _Added] = defaultdict(_Added)
    project_of: dict[int, int] = {}
    for row in batch.rows:
        if row.project_id not in skip_projects:
            added[row.project_id].rows.append(row)
            project_of[row.id] = row.project_id
    for mention in batch.mentions:
        project_id = project_of.get(mention.report_id)
        if project_id is not None:
            added[project_id].mentions.append(mention)
    return added


async def build_snapshot(
    session: AsyncSession, stamp: Stamp, base: Snapshot | None = None
) -> Snapshot:
    """The snapshot at ``stamp``: ``base`` brought up to date with what changed since it was
    built, or everything read afresh (without ``base``, or when ``base`` was extended already).

    Projects without changes keep their views. ``base`` stays as it was for pages still showing
    it, but cannot be extended again: its state is handed to the new snapshot.
    """
    state = base._state if base is not None else None
    if base is not None:
        base._state = None
    full = state is None
    if state is None:
        state = _State()
    old = {view.id: view for view in base.projects} if base is not None and not full else {}
    if full:
        batch = await _read(session, Which(after=0))
    else:
        below = await report_ids_between(session, max(state.newest - LATE_WINDOW, 0), state.newest)
        late = [report_id for report_id in below if report_id not in state.known]
        batch = await _read(session, Which(after=state.newest, ids=late))
    # after the reports: every report read has its project here (projects are never deleted)
    rows = await project_rows(session)
    again: _Batch | None = None
    rebuild: set[int] = set()
    if not full:
        rebuild = {
            row.id
            for row in rows
            if row.id in state.projects
            and (state.projects[row.id].revision != row.revision or old[row.id].name != row.name)
        }
        again = await _read(session, Which(projects=rebuild)) if rebuild else None
    fresh = {row.id for row in rows if row.id not in state.projects}
    touched = {row.project_id for row in batch.rows if row.project_id not in rebuild}
    counted = None if full else touched | rebuild | fresh
    failing = await failing_gate_counts(session, counted) if counted != set() else {}

    apply = functools.partial(_apply, state, old, rows, rebuild, batch, again, failing)
    size = len(batch.rows) + (len(again.rows) if again is not None else 0)
    # the state is private to this build (``base`` is spent): no one else reads it meanwhile
    projects = await anyio.to_thread.run_sync(apply) if size > THREAD_ABOVE else apply()
    every = list(heapq.merge(*(view.open_blockers for view in projects), key=_oldest_first))
    return Snapshot(
        stamp=stamp,
        projects=projects,
        by_name={view.name: view for view in projects},
        open_blockers=every,
        full=full,
        _state=state,
    )


def _apply(
    state: _State,
    old: dict[int, ProjectView],
    rows: list[ProjectRow],
    rebuild: set[int],
    batch: _Batch,
    again: _Batch | None,
    failing: dict[int, int],
) -> list[ProjectView]:
    """The views (by name) with what was read: projects new to ``state`` or in ``rebuild``
    (read whole in ``again``) are made from their reports alone, the others extended."""
    by_id = {row.id: row for row in rows}
    for row in rows:
        if row.id in rebuild or row.id not in state.projects:
            state.projects[row.id] = _ProjectState(revision=row.revision)
    views = {view.id: view for view in old.values() if view.id not in rebuild}
    for read, skip in ((again, set[int]()), (batch, rebuild)):
        if read is None:
            continue
        read = _consistent(read)
        for project_id, changes in _split(read, skip).items():
            views[project_id] = _extend(
                views.get(project_id),
                state.projects[project_id],
                by_id[project_id],
                changes,
                read.tallies,
                failing,
            )
        if read.rows:
            state.known.update(row.id for row in read.rows)
            state.newest = max(state.newest, read.rows[-1].id)
    empty = _Added()
    return [
        views.get(row.id) or _extend(None, state.projects[row.id], row, empty, {}, failing)
        for row in rows
    ]


def _extend(
    old: ProjectView | None,
    project: _ProjectState,
    row: ProjectRow,
    added: _Added,
    tallies: dict[int, GateTally],
    failing: dict[int, int],
) -> ProjectView:
    """``old`` (None: an empty project) with ``added``'s reports: only the workstreams and
    blocker keys they touch are computed again."""
    for report in added.rows:
        project.rows[report.id] = report
        tally = tallies.get(report.id)
        if tally is not None:
            project.tallies[report.id] = tally
    before = old.reports if old is not None else []
    in_order = not before or not added.rows or added.rows[0].id > before[-1].id
    reports = [*before, *added.rows]
    if not in_order:  # a report committed late, below the newest
        reports.sort(key=lambda r: r.id)

    groups: dict[str, list[ReportRow]] = {}
    for report in added.rows:
        key, _ = workstream_name(report)
        groups.setdefault(key, []).append(report)
        project.stream_keys[report.id] = key
    streams = dict(old.streams) if old is not None else {}
    for key, sessions in groups.items():
        previous = streams.get(key)
        if previous is not None:
            sessions = [*previous.sessions, *sessions]
        streams[key] = make_workstream(key, sessions, project.tallies)

    touched = set()
    for mention in added.mentions:
        _note(project.keys, mention)
        touched.add(mention.key)
    kept = old.open_blockers if old is not None else []
    stream_keys = project.stream_keys
    # blockers whose key has new mentions, or whose workstream was made again (its name can
    # change when a report committed late becomes its first)
    redo = touched | {b.key for b in kept if stream_keys[b.latest.id] in groups}
    blockers = [b for b in kept if b.key not in redo]
    for key in redo:
        state = project.keys[key]
        if state.open:
            stream = streams[stream_keys[state.latest.report_id]]
            blockers.append(_open_blocker(row.name, key, state, project.rows, stream.name))
    blockers.sort(key=_oldest_first)

    # each open blocker counts for the workstream of the report that mentions it last
    counts = Counter(stream_keys[b.latest.id] for b in blockers)
    recount = {*groups, *counts, *(stream_keys[b.latest.id] for b in kept)}
    for key in recount:
        stream = streams[key]
        if stream.open_blockers != counts.get(key, 0):
            streams[key] = dataclasses.replace(stream, open_blockers=counts.get(key, 0))

    if in_order and old is not None:  # the touched workstreams are the most recently active
        touched_streams = sorted((streams[key] for key in groups), key=_newest, reverse=True)
        rest = [streams[s.key] for s in old.workstreams if s.key not in groups]
        workstreams = touched_streams + rest
    else:
        workstreams = sorted(streams.values(), key=_newest, reverse=True)
    agents = {report.agent for report in added.rows if report.agent}
    if old is not None:
        agents.update(old.agents)
    return ProjectView(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        reports=reports,
        workstreams=workstreams,
        open_blockers=blockers,
        failing_gates=failing.get(row.id, 0),
        streams=streams,
        agents=sorted(agents),
        stream_keys=stream_keys,
    )


def _newest(stream: Workstream) -> int:
    return stream.newest


class SnapshotCache:
    """One snapshot per process, brought up to date when the data stamp moves: a new report
    extends it, a re-parse re-reads the project it touched (see the module's description)."""

    def __init__(self) -> None:
        self.builds = 0  #: snapshots made, whole or extended (for tests and benchmarks)
        self.full_builds = 0  #: of which read everything
        self._snapshot: Snapshot | None = None
        self._lock = asyncio.Lock()

    async def get(self, session: AsyncSession) -> Snapshot:
        stamp = await data_stamp(session)
        seen = self._snapshot
        if seen is not None and seen.stamp == stamp:
            return seen
        async with self._lock:  # concurrent views build it once
            if self._snapshot is not seen:  # another view built one meanwhile
                stamp = await data_stamp(session)
            snapshot = self._snapshot
            if snapshot is None or snapshot.stamp != stamp:
                started = time.perf_counter()
                snapshot = self._snapshot = await build_snapshot(session, stamp, snapshot)
                self.builds += 1
                if snapshot.full:
                    self.full_builds += 1
                    logger.info(
                        "dashboard snapshot read whole: %d reports in %.3f s",
                        sum(len(view.reports) for view in snapshot.projects),
                        time.perf_counter() - started,
                    )
            return snapshot

    async def warm(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Build the first snapshot now (the app starts this in the background), so that the
        first page view finds it made or waits only for the rest of it."""
        async with sessions() as session:
            await self.get(session)
