"""The dashboard snapshot on SQLite and PostgreSQL: brought up to date change by change, it shows
exactly what a snapshot read whole shows, and that is what the definitions (workstream grouping,
the open-blocker rule, the failing-gate rule) give over the stored rows."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.dashboard import (
    BlockerMention,
    GateTally,
    ReportRow,
    Which,
    blocker_mentions,
    data_stamp,
    gate_tallies,
    project_rows,
    report_rows,
)
from db.engine import run_sync
from db.models import Gate, Project, Remediation, Report
from db.remediations import merge, rename
from db.store import add_report, replace_parse
from db.tokens import get_or_create_project
from reports_service.dashboard import snapshot as snapshot_module
from reports_service.dashboard.snapshot import OpenBlocker, Snapshot, SnapshotCache, build_snapshot
from reports_service.dashboard.workstreams import Workstream, session_order, workstream_name
from tests.api.test_reads import stored, with_items

pytestmark = pytest.mark.anyio
Sessions = async_sessionmaker[AsyncSession]


def gate(name: str, status: str) -> pm.Gate:
    return pm.Gate(line=3, name=name, status=status)


def report(n: int, status: str = "fail", blockers: tuple[str, ...] = ()) -> pm.ParsedReport:
    return with_items(
        gates=[gate("Coverage", status), gate(f"Gate {n % 3}", "pass")],
        blockers=[
            pm.Blocker(line=5, text=text, resolved=text.startswith("fixed")) for text in blockers
        ],
    )


def parsed(
    gates: dict[str, str] | None = None,
    open_: tuple[str, ...] = (),
    resolved: tuple[str, ...] = (),
    sequence: str | None = None,
    date: str | None = None,
    title: str = "t",
) -> pm.ParsedReport:
    """A report's reading: gates by name and status, blockers open and resolved (in that order,
    so a report naming a blocker twice counts its open mention)."""
    return pm.ParsedReport(
        parser_version="1",
        meta=pm.Meta(title=title, kind="status", date=date, sequence=sequence),
        gates=[gate(name, status) for name, status in (gates or {}).items()],
        blockers=[
            *(pm.Blocker(line=10 + i, text=text, severity="high") for i, text in enumerate(open_)),
            *(pm.Blocker(line=20 + i, text=text, resolved=True) for i, text in enumerate(resolved)),
        ],
    )


# ---- what a page shows, in comparable form -------------------------------------------------


def _stream(stream: Workstream, open_count: int) -> tuple[Any, ...]:
    return (
        stream.key,
        stream.name,
        [r.id for r in stream.sessions],
        stream.tallies,
        stream.status,
        stream.stalled_for,
        stream.trend,
        open_count,
    )


def _blocker(b: OpenBlocker) -> tuple[Any, ...]:
    return (b.project, b.key, b.text, b.severity, b.line, b.since.id, b.latest.id, b.mentions,
            b.workstream)  # fmt: skip


def summary(snapshot: Snapshot) -> dict[str, Any]:
    """Everything a page shows of a snapshot."""
    shown: dict[str, Any] = {}
    for view in snapshot.projects:
        shown[view.name] = {
            "reports": [r.id for r in view.reports],
            "agents": view.agents,
            "failing": view.failing_gates,
            "blockers": [_blocker(b) for b in view.open_blockers],
            "streams": [_stream(s, s.open_blockers) for s in view.workstreams],
            "stream of": {r.id: view.stream_of(r.id).key for r in view.reports},  # type: ignore[union-attr]
        }
        assert {id(s) for s in view.streams.values()} == {id(s) for s in view.workstreams}
    shown["all blockers"] = [_blocker(b) for b in snapshot.open_blockers]
    return shown


def grouped(reports: list[ReportRow], tallies: dict[int, GateTally]) -> list[Workstream]:
    """The workstream rule, over a project's reports in arrival order: grouped by their key,
    named by the first, sessions in session order, most recently active first."""
    groups: dict[str, Workstream] = {}
    for report in reports:
        key, name = workstream_name(report)
        groups.setdefault(key, Workstream(key=key, name=name)).sessions.append(report)
    for stream in groups.values():
        stream.sessions = session_order(stream.sessions)
        stream.tallies = [tallies.get(r.id) for r in stream.sessions]
    return sorted(groups.values(), key=lambda s: max(r.id for r in s.sessions), reverse=True)


def still_open(
    project: str, mentions: list[BlockerMention], reports: dict[int, ReportRow]
) -> list[OpenBlocker]:
    """The open-blocker rule, over a project's mentions in arrival order: a report's first
    mention of a key counts, the latest decides, a resolved one ends the open run."""
    latest: dict[str, BlockerMention] = {}
    since: dict[str, int | None] = {}
    counts: Counter[str] = Counter()
    for mention in mentions:
        previous = latest.get(mention.key)
        if previous is not None and previous.report_id == mention.report_id:
            continue
        counts[mention.key] += 1
        if mention.resolved:
            since[mention.key] = None
        elif since.get(mention.key) is None:
            since[mention.key] = mention.report_id
        latest[mention.key] = mention
    found = [
        OpenBlocker(
            project=project,
            key=key,
            text=" ".join(m.text.split()),
            severity=m.severity,
            line=m.line,
            latest=reports[m.report_id],
            since=reports[since[key] or 0],
            mentions=counts[key],
        )
        for key, m in latest.items()
        if not m.resolved
    ]
    return sorted(found, key=lambda b: (b.opened, b.since.id, b.key))


async def reference(sessions: Sessions) -> dict[str, Any]:
    """What a snapshot must show, from the stored rows by the rules alone (written out here
    again, so that a mistake in the snapshot's own code cannot hide in both)."""
    everything = Which(after=0)
    async with sessions() as session:
        projects = await project_rows(session)
        rows = await report_rows(session, everything)
        tallies = await gate_tallies(session, everything)
        mentions = await blocker_mentions(session, everything)
        gates = (
            await session.exec(
                sa.select(Report.project_id, Gate.key, Gate.report_id, Gate.position, Gate.status)
                .join(Report, col(Report.id) == col(Gate.report_id))
                .order_by(col(Gate.report_id).desc(), col(Gate.position))
            )
        ).all()
    latest: dict[tuple[int, str], str] = {}
    for project_id, key, _, _, status in gates:  # a gate's first row in the latest report
        latest.setdefault((project_id, key), status)
    shown: dict[str, Any] = {}
    every: list[OpenBlocker] = []
    for project in projects:
        reports = [r for r in rows if r.project_id == project.id]
        by_id = {r.id: r for r in reports}
        streams = grouped(reports, tallies)
        stream_of = {r.id: s for s in streams for r in s.sessions}
        blockers = still_open(project.name, [m for m in mentions if m.report_id in by_id], by_id)
        for b in blockers:
            b.workstream = stream_of[b.latest.id].name
        counts = Counter(stream_of[b.latest.id].key for b in blockers)
        every.extend(blockers)
        shown[project.name] = {
            "reports": [r.id for r in reports],
            "agents": sorted({r.agent for r in reports if r.agent}),
            "failing": sum(
                status == "fail" for (p, _), status in latest.items() if p == project.id
            ),
            "blockers": [_blocker(b) for b in blockers],
            "streams": [_stream(s, counts[s.key]) for s in streams],
            "stream of": {r.id: stream_of[r.id].key for r in reports},
        }
    every.sort(key=lambda b: (b.opened, b.since.id, b.key))
    shown["all blockers"] = [_blocker(b) for b in every]
    return shown


async def snapshot(sessions: Sessions, base: Snapshot | None = None) -> Snapshot:
    async with sessions() as session:
        return await build_snapshot(session, await data_stamp(session), base)


class Follower:
    """A snapshot kept up to date step by step, checked after each step against one read whole
    and against the definitions."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions
        self.current: Snapshot | None = None
        self.steps = 0

    async def step(self) -> Snapshot:
        previous = self.current
        self.current = await snapshot(self.sessions, previous)
        assert self.current.full is (previous is None)  # extended, never read whole again
        whole = await snapshot(self.sessions)
        assert summary(self.current) == summary(whole)
        assert summary(whole) == await reference(self.sessions)
        self.steps += 1
        return self.current


async def reserve(sessions: Sessions, project: str) -> int:
    """An id for a report that will commit late: stored empty now, removed before the snapshot
    reads past it, and stored again under the same id afterwards (:func:`commit_late`)."""
    return await stored(sessions, project, with_items(), f"reserved {project}".encode())


async def vacate(sessions: Sessions, report_id: int) -> None:
    async with sessions() as session:
        reserved = (await session.exec(select(Report).where(Report.id == report_id))).one()
        await session.delete(reserved)
        await session.commit()


async def commit_late(
    sessions: Sessions, project: str, report_id: int, reading: pm.ParsedReport, **fields: Any
) -> None:
    async with sessions() as session:
        owner = await get_or_create_project(session, project)
        assert owner.id is not None
        raw = f"late {report_id}".encode()
        digest = hashlib.sha256(raw).hexdigest()
        late = Report(id=report_id, project_id=owner.id, raw=raw, size=len(raw), sha256=digest,
                      parser_version="1", **fields)  # fmt: skip
        await run_sync(session, add_report, late, reading)
        await session.commit()


@pytest.mark.parametrize("thread_above", [snapshot_module.THREAD_ABOVE, 0])
async def test_a_snapshot_kept_up_to_date_shows_what_one_read_whole_shows(
    sessions: Sessions, thread_above: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports posted one step at a time: blockers opened, resolved and reopened; sessions out of
    arrival order; reports committed late below the newest id (one of them the first of its
    workstream, which renames it); a new project; a project renamed. (With 0, every build
    computes in a worker thread, as large ones do.)"""
    monkeypatch.setattr(snapshot_module, "THREAD_ABOVE", thread_above)
    follow = Follower(sessions)
    early = await reserve(sessions, "alpha")  # will commit late, as the first of "R1"
    a1 = await stored(sessions, "alpha", parsed({"Coverage": "fail", "Lint": "pass"},
                      open_=("CI red", "Disk full"), sequence="S-1"), b"a1", remediation="r1",
                      agent="claude")  # fmt: skip
    await stored(sessions, "beta", parsed({"Build": "pass"}, open_=("Flaky",)), b"b1")
    await vacate(sessions, early)
    first = await follow.step()

    # resolved in a later session of another workstream; a new one opened
    await stored(sessions, "alpha", parsed({"Coverage": "pass"}, open_=("Docs",),
                 resolved=("ci  RED",)), b"a2", remediation="r2", agent="codex")  # fmt: skip
    second = await follow.step()
    assert second.by_name["beta"] is first.by_name["beta"]  # untouched: reused as it was
    assert second.by_name["alpha"] is not first.by_name["alpha"]
    assert [r.id for r in first.by_name["alpha"].reports] == [a1]  # the old one left as it was

    # reopened; two reports at once, one mentioning a key twice (its first mention counts)
    middle = await reserve(sessions, "alpha")  # will commit late, below a3
    a3 = await stored(sessions, "alpha", parsed({"Coverage": "fail"}, open_=("CI red",),
                      sequence="S-2"), b"a3", remediation="r1")  # fmt: skip
    await stored(sessions, "alpha", parsed(open_=("Docs",), resolved=("Docs", "Disk full")),
                 b"a4", remediation="r2")  # fmt: skip
    await vacate(sessions, middle)
    await follow.step()

    # sessions numbered against arrival: the workstream orders them by sequence
    await stored(sessions, "alpha", parsed({"Coverage": "pass"}, sequence="S-9"), b"a5",
                 remediation="seq")  # fmt: skip
    await stored(sessions, "alpha", parsed({"Coverage": "fail"}, sequence="S-2"), b"a6",
                 remediation="seq")  # fmt: skip
    await follow.step()

    # late: below a3, it resolves CI red there (a3 reopens it: a later open run) and mentions
    # Disk full open (a4, later, resolved it: it stays resolved)
    await commit_late(sessions, "alpha", middle,
                      parsed({"Lint": "fail"}, open_=("Disk full",), resolved=("CI red",)),
                      remediation="r2")  # fmt: skip
    late = await follow.step()
    assert middle in [r.id for r in late.by_name["alpha"].reports]
    ci = next(b for b in late.by_name["alpha"].open_blockers if b.key == "ci red")
    assert (ci.since.id, ci.mentions) == (a3, 4)

    # late, and the first arrival of r1 (its last session): the workstream takes its name
    await commit_late(sessions, "alpha", early,
                      parsed({"Coverage": "fail"}, open_=("Docs",), sequence="S-9"),
                      remediation="R1 ")  # fmt: skip
    renamed = await follow.step()
    r1 = renamed.by_name["alpha"].streams["r1"]
    assert (r1.name, [r.id for r in r1.sessions]) == ("R1", [a1, a3, early])

    # a new project, empty, then with a report; beta renamed behind the service's back (it shows
    # with the next change)
    async with sessions() as session:
        await get_or_create_project(session, "gamma")
        await session.commit()
    await follow.step()
    await stored(sessions, "gamma", parsed({"Build": "fail"}, open_=("Flaky",)), b"g1")
    async with sessions() as session:
        await session.exec(
            sa.update(Project).where(col(Project.name) == "beta").values(name="delta")
        )  # type: ignore[call-overload]
        await session.commit()
    await stored(sessions, "alpha", parsed({"Lint": "pass"}), b"a7", remediation="r2")
    moved = await follow.step()
    assert "delta" in moved.by_name
    assert "beta" not in moved.by_name

    # gamma's first workstream loses its only open blocker to a report of another one
    await stored(sessions, "gamma", parsed(resolved=("flaky",)), b"g2", remediation="other")
    cleared = await follow.step()
    assert [s.open_blockers for s in cleared.by_name["gamma"].workstreams] == [0, 0]
    assert follow.steps == 9


async def test_a_reparse_reads_its_project_again_and_nothing_else(sessions: Sessions) -> None:
    first_id = await stored(sessions, "alpha", report(1), b"1")
    await stored(sessions, "alpha", report(2, "pass"), b"2")
    await stored(sessions, "beta", report(3), b"3")
    cache = SnapshotCache()
    async with sessions() as session:
        first = await cache.get(session)
    assert first.by_name["alpha"].failing_gates == 0  # the latest report names Coverage: pass
    async with sessions() as session:
        old = (await session.exec(select(Report).where(Report.id == first_id))).one()
        await run_sync(session, replace_parse, old, with_items(gates=[gate("Old gate", "fail")]))
        await session.commit()
    async with sessions() as session:  # at once: no waiting for an age
        again = await cache.get(session)
    assert again is not first
    assert again.by_name["alpha"].failing_gates == 1
    assert again.by_name["beta"] is first.by_name["beta"]
    assert (cache.builds, cache.full_builds) == (2, 1)
    assert summary(again) == summary(await snapshot(sessions)) == await reference(sessions)


async def test_a_reparse_of_the_newest_report_shows_too(sessions: Sessions) -> None:
    """Re-inserted items can reuse the ids they had (SQLite, newest report): the project's
    revision shows the change all the same."""
    await stored(sessions, "alpha", report(1, "pass"), b"1")
    newest = await stored(sessions, "alpha", report(2, "fail"), b"2")
    cache = SnapshotCache()
    async with sessions() as session:
        assert (await cache.get(session)).by_name["alpha"].failing_gates == 1
        old = (await session.exec(select(Report).where(Report.id == newest))).one()
        await run_sync(session, replace_parse, old, report(2, "pass"))
        await session.commit()
    async with sessions() as session:
        assert (await cache.get(session)).by_name["alpha"].failing_gates == 0
    assert cache.full_builds == 1


async def test_remediations_renamed_or_merged_regroup_the_board(sessions: Sessions) -> None:
    async with sessions() as session:
        project = await get_or_create_project(session, "alpha")
        assert project.id is not None
        one = Remediation(project_id=project.id, key="one", name="One", explicit=True)
        two = Remediation(project_id=project.id, key="two", name="Two", explicit=True)
        session.add_all([one, two])
        await session.commit()
        ids = (one.id, two.id)
    for n, remediation_id in enumerate((*ids, ids[0])):
        await stored(sessions, "alpha", parsed({"Coverage": "fail"}, open_=(f"b{n}",)),
                     f"{n}".encode(), remediation_id=remediation_id)  # fmt: skip
    follow = Follower(sessions)
    await follow.step()
    async with sessions() as session:
        first = await session.get(Remediation, ids[0])
        assert first is not None
        await rename(session, first, "First")
        await session.commit()
    renamed = await follow.step()
    assert [s.name for s in renamed.by_name["alpha"].workstreams] == ["First", "Two"]
    async with sessions() as session:
        source, target = (
            await session.get(Remediation, ids[1]),
            await session.get(Remediation, ids[0]),
        )
        assert source is not None
        assert target is not None
        await merge(session, source, target)
        await session.commit()
    merged = await follow.step()
    assert [(s.name, len(s.sessions)) for s in merged.by_name["alpha"].workstreams] == [
        ("First", 3)
    ]


async def test_a_snapshot_is_extended_once(sessions: Sessions) -> None:
    """Extending hands the base's state on: extending the base again reads everything."""
    await stored(sessions, "alpha", report(1, blockers=("CI red",)), b"1")
    first = await snapshot(sessions)
    await stored(sessions, "alpha", report(2), b"2")
    second = await snapshot(sessions, first)
    assert not second.full
    assert not first.extendable
    third = await snapshot(sessions, first)
    assert third.full
    assert summary(third) == summary(second)


async def test_the_cache_extends_on_change_only(sessions: Sessions) -> None:
    cache = SnapshotCache()
    await stored(sessions, "alpha", report(1), b"1")
    async with sessions() as session:
        first = await cache.get(session)
        assert await cache.get(session) is first
    await stored(sessions, "alpha", report(2), b"2")
    async with sessions() as session:
        second = await cache.get(session)
        assert await cache.get(session) is second
    assert len(second.by_name["alpha"].reports) == 2
    assert (cache.builds, cache.full_builds) == (2, 1)


async def test_the_stamp_moves_with_a_report_committed_late(sessions: Sessions) -> None:
    """A report committed below the newest id changes no maximum: the count of recent reports
    shows it."""
    late = await reserve(sessions, "alpha")
    await stored(sessions, "alpha", report(2), b"2")
    await vacate(sessions, late)
    async with sessions() as session:
        before = await data_stamp(session)
    await commit_late(sessions, "alpha", late, report(1))
    async with sessions() as session:
        after = await data_stamp(session)
    assert (after.reports, after.recent) == (before.reports, before.recent + 1)


async def test_a_project_created_while_the_snapshot_reads_is_not_lost(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report of a new project committed just before the snapshot reads the new reports: its
    project is read after them, so the report is placed, not dropped or fatal."""
    await stored(sessions, "alpha", report(1), b"1")
    first = await snapshot(sessions)
    real = snapshot_module.report_rows

    async def racing(session: AsyncSession, which: Which) -> list[ReportRow]:
        await stored(sessions, "newcomer", report(2, blockers=("CI red",)), b"2")
        return await real(session, which)

    monkeypatch.setattr(snapshot_module, "report_rows", racing)
    extended = await snapshot(sessions, first)
    monkeypatch.setattr(snapshot_module, "report_rows", real)
    assert [r.id for r in extended.by_name["newcomer"].reports] != []
    assert summary(extended) == summary(await snapshot(sessions)) == await reference(sessions)
