"""The dashboard snapshot on SQLite and PostgreSQL: extended with new reports exactly as a full
read would build it, and read whole again when rows change below its stamp."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.dashboard import data_stamp
from db.engine import run_sync
from db.models import Report
from db.store import add_report, replace_parse
from db.tokens import get_or_create_project
from reports_service.dashboard.snapshot import Snapshot, SnapshotCache, build_snapshot
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


def summary(snapshot: Snapshot) -> dict[str, Any]:
    """Everything a page shows of a snapshot, in comparable form."""
    return {
        view.name: {
            "reports": [r.id for r in view.reports],
            "failing": view.failing_gates,
            "blockers": [
                (b.key, b.since.id, b.latest.id, b.mentions, b.workstream)
                for b in view.open_blockers
            ],
            "streams": [
                (s.name, [r.id for r in s.sessions], s.status, s.trend, s.open_blockers)
                for s in view.workstreams
            ],
        }
        for view in snapshot.projects
    } | {"all blockers": [(b.project, b.key) for b in snapshot.open_blockers]}


async def snapshot(sessions: Sessions, base: Snapshot | None = None) -> Snapshot:
    async with sessions() as session:
        return await build_snapshot(session, await data_stamp(session), base)


async def test_new_reports_extend_the_snapshot_as_a_full_read_would(sessions: Sessions) -> None:
    for n in range(4):
        await stored(sessions, "alpha", report(n, blockers=("CI red",)), f"a{n}".encode(),
                     remediation=f"r{n % 2}")  # fmt: skip
    await stored(sessions, "beta", report(9, "pass"), b"b0")
    first = await snapshot(sessions)
    await stored(sessions, "alpha", report(5, "pass", blockers=("fixed CI red", "disk full")),
                 b"a5", remediation="r1")  # fmt: skip
    await stored(sessions, "alpha", report(6), b"a6", remediation="r2")
    async with sessions() as session:
        await get_or_create_project(session, "gamma")
        await session.commit()
    extended = await snapshot(sessions, first)
    assert summary(extended) == summary(await snapshot(sessions))
    assert extended.by_name["beta"] is first.by_name["beta"]  # untouched: reused as it was
    assert extended.by_name["alpha"] is not first.by_name["alpha"]
    assert len(first.by_name["alpha"].reports) == 4  # the old snapshot is left as it was
    assert "gamma" in extended.by_name


async def test_a_reparse_below_the_stamp_reads_everything_again(sessions: Sessions) -> None:
    first_id = await stored(sessions, "alpha", report(1), b"1")
    await stored(sessions, "alpha", report(2, "pass"), b"2")
    first = await snapshot(sessions)
    assert first.by_name["alpha"].failing_gates == 0  # the latest report names Coverage: pass
    async with sessions() as session:
        old = (await session.exec(select(Report).where(Report.id == first_id))).one()
        await run_sync(session, replace_parse, old, with_items(gates=[gate("Old gate", "fail")]))
        await session.commit()
    again = await snapshot(sessions, first)
    assert again.by_name["alpha"].failing_gates == 1
    assert summary(again) == summary(await snapshot(sessions))


async def test_a_report_committed_late_with_a_lower_id_is_not_missed(sessions: Sessions) -> None:
    """Concurrent writers on PostgreSQL can commit out of id order: a snapshot may see id 3
    before id 2 exists. Simulated: id 2 is stored, removed, and stored again after the snapshot."""
    await stored(sessions, "alpha", report(1), b"1")
    late_id = await stored(sessions, "alpha", report(2), b"2")
    await stored(sessions, "alpha", report(3), b"3", remediation="other")
    async with sessions() as session:
        late = (await session.exec(select(Report).where(Report.id == late_id))).one()
        await session.delete(late)
        await session.commit()
    first = await snapshot(sessions)
    async with sessions() as session:
        project = await get_or_create_project(session, "alpha")
        assert project.id is not None
        raw = b"late"
        again = Report(id=late_id, project_id=project.id, raw=raw, size=len(raw),
                       sha256=hashlib.sha256(raw).hexdigest(), parser_version="1")  # fmt: skip
        await run_sync(session, add_report, again, report(7, blockers=("late blocker",)))
        await session.commit()
    extended = await snapshot(sessions, first)
    assert late_id in extended.reports
    assert summary(extended) == summary(await snapshot(sessions))


async def test_the_cache_extends_on_change_and_rereads_after_max_age(sessions: Sessions) -> None:
    now = [0.0]
    cache = SnapshotCache(max_age=60, clock=lambda: now[0])
    await stored(sessions, "alpha", report(1), b"1")
    async with sessions() as session:
        first = await cache.get(session)
        assert await cache.get(session) is first
    await stored(sessions, "alpha", report(2), b"2")
    async with sessions() as session:
        second = await cache.get(session)
    assert second is not first
    assert len(second.by_name["alpha"].reports) == 2
    now[0] = 61.0
    async with sessions() as session:
        third = await cache.get(session)
    assert third is not second
    assert summary(third) == summary(second)
    assert cache.builds == 3
