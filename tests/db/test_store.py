"""Storing parsed reports: lossless round trip, one transaction, the database's own guarantees."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.engine import create_engine, run_sync
from db.models import Blocker, Gate, LatestMention, Report
from db.store import (
    ITEM_TABLES,
    _plainly_storable,
    _Storable,
    add_report,
    load_parsed,
    normalise_key,
    replace_parse,
)
from db.tokens import get_or_create_project
from parsers import parse_report
from tests.databases import Databases
from tests.samples import EXAMPLES, parsed_with_items, report_markdown

pytestmark = pytest.mark.anyio


def new_report(project_id: int, raw: bytes, **fields: object) -> Report:
    return Report(
        project_id=project_id,
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        parser_version="?",
        **fields,  # type: ignore[arg-type]
    )


async def store(session: AsyncSession, raw: bytes, parsed: pm.ParsedReport) -> Report:
    project = await get_or_create_project(session, "demo")
    assert project.id is not None
    report = new_report(project.id, raw)
    await run_sync(session, add_report, report, parsed)
    await session.commit()
    return report


def test_item_tables_hold_exactly_the_parsers_fields() -> None:
    """A field added to the parser's models needs a column (and a migration) here."""
    for spec in ITEM_TABLES:
        assert set(spec.base.model_fields) == set(spec.model.model_fields), spec.field
    covered = {spec.field for spec in ITEM_TABLES} | {"parser_version", "meta", "summary"}
    assert covered == set(pm.ParsedReport.model_fields)


async def test_a_hand_made_report_round_trips(sessions: async_sessionmaker[AsyncSession]) -> None:
    parsed = parsed_with_items()
    async with sessions() as session:
        report = await store(session, b"# Hand-made report\n", parsed)
    async with sessions() as session:
        stored = await session.get(Report, report.id)
        assert stored is not None
        assert await load_parsed(session, stored) == parsed


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
async def test_the_parsers_output_round_trips(
    sessions: async_sessionmaker[AsyncSession], path: object
) -> None:
    raw = path.read_bytes()  # type: ignore[attr-defined]
    parsed = parse_report(raw.decode("utf-8"))
    async with sessions() as session:
        report = await store(session, raw, parsed)
    async with sessions() as session:
        stored = await session.get(Report, report.id)
        assert stored is not None
        assert stored.raw == raw
        assert await load_parsed(session, stored) == parsed


async def test_values_a_database_cannot_hold_are_noted_not_lost(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    parsed = pm.ParsedReport(
        parser_version="1",
        meta=pm.Meta(title="nul\x00title"),
        tests=[pm.TestRun(line=3, total=10**30, passed=1)],
        coverage=[pm.CoverageFigure(line=4, scope="overall", value=float("inf"))],
        blockers=[pm.Blocker(line=5, text="a\x00b")],
    )
    async with sessions() as session:
        report = await store(session, b"x", parsed)
    async with sessions() as session:
        stored = await session.get(Report, report.id)
        assert stored is not None
        loaded = await load_parsed(session, stored)
    assert loaded.meta.title == "nul\ufffdtitle"
    assert loaded.tests == [pm.TestRun(line=3, total=None, passed=1)]
    assert loaded.coverage == []
    assert loaded.blockers[0].text == "a\ufffdb"
    notes = " ".join(issue.message for issue in loaded.issues)
    assert "tests[0].total" in notes
    assert "coverage[0].value" in notes
    assert "NUL" in notes


async def test_same_content_twice_in_a_project_is_refused_by_the_database(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        first = await store(session, b"same", parsed_with_items())
    async with sessions() as session:
        with pytest.raises(IntegrityError):
            await run_sync(
                session, add_report, new_report(first.project_id, b"same"), parsed_with_items()
            )


async def test_same_idempotency_key_twice_is_refused_by_the_database(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        project = await get_or_create_project(session, "demo")
        assert project.id is not None
        session.add(new_report(project.id, b"one", idempotency_key="k1"))
        session.add(new_report(project.id, b"two", idempotency_key=None))
        session.add(new_report(project.id, b"three", idempotency_key=None))
        await session.commit()
        session.add(new_report(project.id, b"four", idempotency_key="k1"))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_a_failed_item_insert_leaves_no_half_report(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """One transaction per report: when an item cannot be written, the report is not there."""
    async with sessions() as session:
        project = await get_or_create_project(session, "demo")
        assert project.id is not None
        broken = pm.ParsedReport.model_construct(
            parser_version="1",
            meta=pm.Meta(),
            **{spec.field: [] for spec in ITEM_TABLES},
        )
        broken.gates = [pm.Gate.model_construct(line=1, name="x", status=None)]  # type: ignore[list-item]
        with pytest.raises(IntegrityError):
            await run_sync(session, add_report, new_report(project.id, b"half"), broken)
    async with sessions() as session:
        assert (await session.exec(select(func.count(col(Report.id))))).one() == 0
        assert (await session.exec(select(func.count(col(Gate.id))))).one() == 0


async def test_replace_parse_swaps_items_and_keeps_raw(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    raw = report_markdown(1).encode()
    async with sessions() as session:
        report = await store(session, raw, parsed_with_items("old"))
    fresh = parse_report(raw.decode())
    async with sessions() as session:
        stored = await session.get(Report, report.id)
        assert stored is not None
        await run_sync(session, replace_parse, stored, fresh)
        await session.commit()
    async with sessions() as session:
        stored = await session.get(Report, report.id)
        assert stored is not None
        assert stored.raw == raw
        assert stored.title == fresh.meta.title
        assert await load_parsed(session, stored) == fresh


async def test_deleting_a_report_deletes_its_items(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Foreign keys are enforced (SQLite needs them switched on per connection)."""
    async with sessions() as session:
        report = await store(session, b"gone", parsed_with_items())
    async with sessions() as session:
        stored = await session.get(Report, report.id)
        await session.delete(stored)
        await session.commit()
        assert (await session.exec(select(func.count(col(Blocker.id))))).one() == 0


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(databases: Databases) -> None:
    engine = create_engine(databases.create("sqlite"))
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


def test_keys_ignore_case_and_spacing() -> None:
    assert normalise_key("  Overall   Coverage\n") == normalise_key("overall coverage")


class _Text(str):
    """A str subclass: the fast check leaves such values to the full one."""

    __slots__ = ()


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        2**63 - 1,
        -(2**63 - 1),
        2**63,
        -(2**63),
        1.5,
        float("inf"),
        float("-inf"),
        float("nan"),
        "",
        "plain",
        "a\x00b",
        _Text("a subclass of str"),
        _Text("and one with \x00"),
    ],
)
def test_the_fast_check_keeps_only_what_the_full_check_keeps_unchanged(value: object) -> None:
    """Item values are checked for storability by a fast path first; it may send a value to the
    full check, but must never pass one the full check would change, drop or note."""
    storable = _Storable()
    kept, keep = storable.value("where", value, required=False)
    if _plainly_storable(value):
        assert keep
        assert kept is value
        assert storable.notes == []


async def test_a_report_without_gates_coverage_or_blockers_leaves_the_latest_mentions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """A new report is noted as the latest mention only of kinds it has rows of: one with no
    gates, coverage or blockers leaves the earlier report's mentions as they were."""
    async with sessions() as session:
        first = await store(session, b"first", parsed_with_items())
        before = (
            await session.exec(
                select(LatestMention.kind, LatestMention.key, LatestMention.report_id)
            )
        ).all()
        await store(session, b"second", pm.ParsedReport(parser_version="1"))
        after = (
            await session.exec(
                select(LatestMention.kind, LatestMention.key, LatestMention.report_id)
            )
        ).all()
    assert before
    assert {row[2] for row in before} == {first.id}
    assert sorted(after) == sorted(before)
