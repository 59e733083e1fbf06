"""``latest_mentions``: each key's latest mention, kept right however reports arrive, are re-parsed
or were stored before the table existed (migration 0005 fills it)."""

from __future__ import annotations

import asyncio
import hashlib
import random

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.engine import create_engine, run_sync, session_factory
from db.migrate import upgrade
from db.models import Blocker, CoverageFigure, Gate, Report
from db.queries import failing_gates, latest_blockers, latest_coverage
from db.store import add_report, normalise_key, replace_parse
from db.tokens import get_or_create_project
from tests.databases import Databases
from tests.db.legacy import insert_project, insert_report
from tests.latest import assert_latest_mentions_agree

pytestmark = pytest.mark.anyio


def reading(
    gates: tuple[tuple[str, str, str], ...] = (),
    blockers: tuple[tuple[str, bool], ...] = (),
    coverage: tuple[tuple[str, float, str | None], ...] = (),
) -> pm.ParsedReport:
    """Gates as (name, status, current), blockers as (text, resolved), coverage (scope, value,
    metric)."""
    return pm.ParsedReport(
        parser_version="1",
        meta=pm.Meta(title="t"),
        gates=[
            pm.Gate(line=n, name=name, status=status, current=current)  # type: ignore[arg-type]
            for n, (name, status, current) in enumerate(gates)
        ],
        blockers=[
            pm.Blocker(line=n, text=text, resolved=resolved)
            for n, (text, resolved) in enumerate(blockers)
        ],
        coverage=[
            pm.CoverageFigure(line=n, scope=scope, value=value, metric=metric)
            for n, (scope, value, metric) in enumerate(coverage)
        ],
    )


def new_report(project_id: int, raw: bytes, report_id: int | None = None) -> Report:
    return Report(
        id=report_id,
        project_id=project_id,
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        parser_version="1",
    )


async def store(
    sessions: async_sessionmaker[AsyncSession],
    raw: bytes,
    parsed: pm.ParsedReport,
    report_id: int | None = None,
    project: str = "alpha",
) -> Report:
    async with sessions() as session:
        owner = await get_or_create_project(session, project)
        assert owner.id is not None
        report = new_report(owner.id, raw, report_id)
        await run_sync(session, add_report, report, parsed)
        await session.commit()
        return report


async def lists(sessions: async_sessionmaker[AsyncSession], project: str = "alpha") -> dict:
    """What the API lists answer for ``project``: failing gates, open blockers, coverage."""
    async with sessions() as session:
        owner = await get_or_create_project(session, project)
        assert owner.id is not None
        gates, gate_total = await failing_gates(session, owner.id, 100, 0)
        blockers, blocker_total = await latest_blockers(session, owner.id, False, 100, 0)
        figures, figure_total = await latest_coverage(session, owner.id, 100, 0)
    assert (gate_total, blocker_total, figure_total) == (len(gates), len(blockers), len(figures))
    return {
        "failing": [(g.name, g.current, g.report.id) for g in gates],
        "open": [(b.text, b.report.id) for b in blockers],
        "coverage": sorted((c.scope, c.metric or "", c.value, c.report.id) for c in figures),
    }


async def test_a_report_stored_after_a_later_one_does_not_hide_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Arrival out of order (an import of old files, a slow poster): the larger report id stays
    the latest mention, whatever was stored last."""
    later = await store(
        sessions,
        b"later",
        reading(
            gates=(("Coverage", "fail", "60%"),),
            blockers=(("Flaky test", False),),
            coverage=(("overall", 60.0, None),),
        ),
        report_id=9000,
    )
    earlier = await store(
        sessions,
        b"earlier",
        reading(
            gates=(("coverage", "pass", "40%"), ("Types", "fail", "3 errors")),
            blockers=(("flaky  test", True), ("Old one", False)),
            coverage=(("Overall", 40.0, None), ("overall", 41.0, "branches")),
        ),
        report_id=8000,
    )
    assert await lists(sessions) == {
        "failing": [("Types", "3 errors", earlier.id), ("Coverage", "60%", later.id)],
        "open": [("Old one", earlier.id), ("Flaky test", later.id)],
        "coverage": [
            ("overall", "", 60.0, later.id),
            ("overall", "branches", 41.0, earlier.id),
        ],
    }
    await assert_latest_mentions_agree(sessions)


async def test_the_first_mention_within_a_report_is_its_latest(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    report = await store(
        sessions, b"twice", reading(gates=(("Lint", "fail", "3"), ("lint", "pass", "0")))
    )
    assert (await lists(sessions))["failing"] == [("Lint", "3", report.id)]
    await assert_latest_mentions_agree(sessions)


async def test_racing_posters_leave_each_key_its_latest_mention(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Eight writers at once on the same keys: the database orders them (on PostgreSQL the
    upserts wait for each other on the unique key), so no writer's older mention wins."""
    rng = random.Random(8)  # noqa: S311 - test data, not a secret
    async with sessions() as session:
        await get_or_create_project(session, "alpha")
        await get_or_create_project(session, "beta")
        await session.commit()

    async def poster(number: int) -> None:
        for session_number in range(6):
            parsed = reading(
                gates=tuple(
                    (name, rng.choice(["pass", "fail"]), str(number))
                    for name in rng.sample(["Coverage", "Lint", "Types", "Security"], 3)
                ),
                blockers=tuple(
                    (text, rng.random() < 0.5)
                    for text in rng.sample(["CI disk", "Flaky", "Credentials"], 2)
                ),
                coverage=(("overall", float(number), rng.choice([None, "lines"])),),
            )
            project = "alpha" if number % 3 else "beta"
            await store(sessions, f"{number}-{session_number}".encode(), parsed, project=project)

    await asyncio.gather(*(poster(number) for number in range(8)))
    await assert_latest_mentions_agree(sessions)


async def test_reparse_moves_a_dropped_key_back_to_its_previous_mention(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = await store(
        sessions,
        b"1",
        reading(gates=(("Coverage", "fail", "50%"),), blockers=(("Flaky", False),)),
    )
    second = await store(
        sessions,
        b"2",
        reading(
            gates=(("Coverage", "pass", "70%"), ("Lint", "fail", "2")),
            blockers=(("Flaky", True),),
        ),
    )
    assert await lists(sessions) == {
        "failing": [("Lint", "2", second.id)],
        "open": [],
        "coverage": [],
    }

    async def reparse(report: Report, parsed: pm.ParsedReport) -> None:
        async with sessions() as session:
            stored = await session.get(Report, report.id)
            assert stored is not None
            await run_sync(session, replace_parse, stored, parsed)
            await session.commit()

    # the new reading no longer names Coverage nor the blocker: the first report's mentions are
    # the latest again; Lint is still the second report's, through its new item
    await reparse(second, reading(gates=(("Lint", "fail", "4"),)))
    assert await lists(sessions) == {
        "failing": [("Coverage", "50%", first.id), ("Lint", "4", second.id)],
        "open": [("Flaky", first.id)],
        "coverage": [],
    }
    await assert_latest_mentions_agree(sessions)
    # a reading of the first report cannot take a key from the second
    await reparse(first, reading(gates=(("Lint", "pass", "0"), ("Coverage", "pass", "90%"))))
    assert (await lists(sessions))["failing"] == [("Lint", "4", second.id)]
    await assert_latest_mentions_agree(sessions)


async def test_migration_0005_fills_the_table_from_the_stored_items(
    backend: str, databases: Databases
) -> None:
    url = databases.create(backend)
    upgrade(url, "0004")
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            # the tables as 0004 made them (the models have columns added since)
            project_ids = [await insert_project(session, name) for name in ("alpha", "beta")]
            # ids out of arrival order, as a racing poster or an import leaves them
            for report_id, project, raw in ((30, 0, b"c"), (10, 0, b"a"), (20, 1, b"b")):
                await insert_report(session, report_id, project_ids[project], raw)
            for report_id in (10, 20, 30):
                for position, (name, status) in enumerate(
                    [("Coverage", "fail" if report_id == 10 else "pass"), ("Lint", "fail")]
                ):
                    session.add(
                        Gate(
                            report_id=report_id,
                            position=position,
                            name=name,
                            status=status,
                            key=normalise_key(name),
                        )
                    )
                session.add(
                    Blocker(
                        report_id=report_id,
                        position=0,
                        text="Flaky",
                        resolved=report_id == 30,
                        key="flaky",
                    )
                )
                session.add(
                    CoverageFigure(
                        report_id=report_id,
                        position=0,
                        scope="overall",
                        value=float(report_id),
                        metric="lines" if report_id == 10 else None,
                        key="overall",
                    )
                )
            await session.commit()
        upgrade(url)
        await assert_latest_mentions_agree(sessions)
        assert await lists(sessions) == {
            "failing": [("Lint", None, 30)],
            "open": [],
            "coverage": [("overall", "", 30.0, 30), ("overall", "lines", 10.0, 10)],
        }
        assert (await lists(sessions, "beta"))["open"] == [("Flaky", 20)]
        # and the table is kept from there on
        await store(sessions, b"d", reading(blockers=(("Flaky", False),)), project="alpha")
        await assert_latest_mentions_agree(sessions)
    finally:
        await engine.dispose()
