"""A remediation's sessions read in SQL (``db.sessions``) are exactly those of the Python rule
(``session_order`` over every row), however the reports arrived, in each of its three orders;
and a new session is checked against its neighbours in the whole remediation."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.engine import create_engine, run_sync, session_factory
from db.migrate import upgrade
from db.models import ClaimFinding, Remediation, Report
from db.sessions import SEQUENCE_MAX, SessionRow, latest_sessions, neighbours
from db.store import add_report, replace_parse
from db.tokens import get_or_create_project
from reports_service.progress.history import session_order
from reports_service.services.progress import check_claims
from tests.databases import Databases
from tests.db.helpers import make_remediation
from tests.db.legacy import insert_project, insert_report

pytestmark = pytest.mark.anyio

#: more than a detail shows (reports_service.services.remediations.MAX_SESSIONS)
LIMIT = 200
MANY = LIMIT + 37


def reading(
    sequence: str | None = None, date: str | None = None, target: float | None = None
) -> pm.ParsedReport:
    gates = []
    if target is not None:
        gates.append(
            pm.Gate(
                line=3,
                name="Coverage",
                target=f">={target:g}%",
                current="50%",
                status="fail",
                operator=">=",
                target_value=target,
                current_value=50.0,
                unit="%",
            )
        )
    return pm.ParsedReport(
        parser_version="1",
        meta=pm.Meta(title="Coverage push", sequence=sequence, date=date),
        gates=gates,
    )


async def store_all(
    sessions: async_sessionmaker[AsyncSession],
    remediation_id: int,
    readings: list[pm.ParsedReport],
) -> list[int]:
    """Store ``readings`` in this order, in the remediation, through the store; their ids."""
    ids = []
    async with sessions() as session:
        project = await get_or_create_project(session, "alpha")
        assert project.id is not None
        for parsed in readings:
            raw = f"{remediation_id} {len(ids)} {parsed.meta}".encode()
            report = Report(
                project_id=project.id,
                raw=raw,
                sha256=hashlib.sha256(raw).hexdigest(),
                size=len(raw),
                parser_version="1",
                remediation_id=remediation_id,
            )
            await run_sync(session, add_report, report, parsed)
            assert report.id is not None
            ids.append(report.id)
        await session.commit()
    return ids


async def every_row(session: AsyncSession, remediation_id: int) -> list[SessionRow]:
    """Every report of the remediation as the history reads it, in no particular order."""
    statement = sa.select(
        col(Report.id),
        col(Report.title),
        col(Report.date),
        col(Report.agent),
        col(Report.received_at),
        col(Report.kind),
        col(Report.sequence),
        col(Report.report_date),
    ).where(col(Report.remediation_id) == remediation_id)
    rows = await session.exec(statement)  # type: ignore[call-overload]
    return [SessionRow(*row) for row in rows]


async def assert_sql_order_is_the_python_order(
    sessions: async_sessionmaker[AsyncSession], remediation_id: int
) -> list[int]:
    """The latest sessions, counts, first/last arrival and every report's neighbours read in
    SQL equal those of ``session_order`` over every row; the ids in session order."""
    async with sessions() as session:
        every = session_order(await every_row(session, remediation_id))
        read = await run_sync(session, latest_sessions, remediation_id, LIMIT)
        assert list(read.latest) == every[-LIMIT:]
        assert read.count == len(every)
        assert read.first_received_at == min(r.received_at for r in every)
        assert read.last_received_at == max(r.received_at for r in every)
        ids = [row.id for row in every]
        for at, report_id in enumerate(ids):
            expected = (ids[at - 1] if at else None, ids[at + 1] if at + 1 < len(ids) else None)
            assert await run_sync(session, neighbours, remediation_id, report_id) == expected
    return ids


def shuffled(values: list[str | None], seed: int) -> list[str | None]:
    random.Random(seed).shuffle(values)  # noqa: S311 - test data, not a secret
    return values


def dates(count: int, seed: int) -> Iterator[str]:
    """Dates with repeats, in no order."""
    rng = random.Random(seed)  # noqa: S311 - test data, not a secret
    for _ in range(count):
        yield (dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(60))).isoformat()


async def test_by_sequence_number_when_every_report_has_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """More sessions than a detail shows, arriving out of order, numbers repeated (ties go by
    arrival), written in several ways ("Session 7", "007", "7 of 12")."""
    forms = ["{}", "Session {}", "{:03d}", "{} of 300", "S-{}"]
    numbers = shuffled([forms[n % 5].format(n // 2) for n in range(MANY)], seed=1)
    rid = await make_remediation(sessions)
    await store_all(sessions, rid, [reading(sequence=s, date="2025-01-01") for s in numbers])
    ids = await assert_sql_order_is_the_python_order(sessions, rid)
    assert ids != sorted(ids)  # the order is not the arrival order: the test proves something


async def test_by_report_date_when_one_report_has_no_sequence_number(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    rid = await make_remediation(sessions)
    numbers = [str(n) for n in range(MANY - 1)] + ["final"]
    await store_all(
        sessions,
        rid,
        [reading(sequence=s, date=d) for s, d in zip(numbers, dates(MANY, 2), strict=True)],
    )
    ids = await assert_sql_order_is_the_python_order(sessions, rid)
    assert ids != sorted(ids)


async def test_by_arrival_when_one_report_has_neither(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """One report without a number, another without a date."""
    rid = await make_remediation(sessions)
    numbers = [None, *(str(n % 7) for n in range(1, MANY))]
    undated = [*dates(MANY - 1, 3), "someday"]
    await store_all(
        sessions, rid, [reading(sequence=s, date=d) for s, d in zip(numbers, undated, strict=True)]
    )
    ids = await assert_sql_order_is_the_python_order(sessions, rid)
    assert ids == sorted(ids)


async def test_numbers_beyond_64_bits_are_ordered_as_in_python(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Numbers too large for the column are stored as SEQUENCE_MAX and their remediation is
    ordered in Python: two of them keep their order (by number, not by arrival)."""
    rid = await make_remediation(sessions)
    huge = [str(SEQUENCE_MAX + 2), str(SEQUENCE_MAX), str(SEQUENCE_MAX + 1), "9" * 30, "5"]
    stored = await store_all(sessions, rid, [reading(sequence=s) for s in huge])
    async with sessions() as session:
        numbers = (
            await session.exec(
                select(Report.sequence_number)
                .where(col(Report.id).in_(stored))
                .order_by(col(Report.id))
            )
        ).all()
    assert numbers == [SEQUENCE_MAX] * 4 + [5]
    ids = await assert_sql_order_is_the_python_order(sessions, rid)
    assert ids == [stored[4], stored[1], stored[2], stored[0], stored[3]]


async def test_reparse_keeps_the_stored_sequence_number(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    rid = await make_remediation(sessions)
    first, second, third = await store_all(
        sessions, rid, [reading(sequence=s) for s in ("1", "2", "3")]
    )
    async with sessions() as session:
        report = await session.get(Report, second)
        assert report is not None
        await run_sync(session, replace_parse, report, reading(sequence="Session 9"))
        await session.commit()
    assert await assert_sql_order_is_the_python_order(sessions, rid) == [first, third, second]
    async with sessions() as session:
        report = await session.get(Report, third)
        assert report is not None
        await run_sync(session, replace_parse, report, reading(sequence=None, date="2025-02-01"))
        await session.commit()
    # one report without a number: not every one has a date either, so by arrival
    assert await assert_sql_order_is_the_python_order(sessions, rid) == [first, second, third]


async def test_a_new_session_is_checked_against_its_neighbours_in_the_whole_remediation(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Sessions 2 to 202 arrived in order; then session 1 arrives, with another target. The
    session after it is session 2, the oldest arrival (not among the latest 200): session 2's
    claims are checked again against it, and no other session's are."""
    rid = await make_remediation(sessions)
    stored = await store_all(
        sessions, rid, [reading(sequence=str(n), target=67) for n in range(2, 203)]
    )
    async with sessions() as session:
        project = await get_or_create_project(session, "alpha")
        assert project.id is not None
        parsed = reading(sequence="1", target=60)
        report = Report(
            project_id=project.id,
            raw=b"session 1",
            sha256=hashlib.sha256(b"session 1").hexdigest(),
            size=9,
            parser_version="1",
            remediation_id=rid,
        )
        await run_sync(session, add_report, report, parsed)
        await run_sync(session, check_claims, report, parsed, None, True)
        await session.commit()
        found = (await session.exec(select(ClaimFinding.report_id, ClaimFinding.code))).all()
    assert found == [(stored[0], "target-changed")]


async def test_migration_0008_fills_the_sequence_numbers(
    backend: str, databases: Databases
) -> None:
    url = databases.create(backend)
    upgrade(url, "0007")
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            project_id = await insert_project(session, "alpha")
            made = Remediation(project_id=project_id, key="push", name="push")
            session.add(made)
            await session.flush()
            sequences = shuffled([f"Session {n // 2}" for n in range(40)], seed=4)
            for n, sequence in enumerate([*sequences, None, "x 12 y 3"]):
                await insert_report(
                    session, 100 - n, project_id, str(n).encode(), remediation_id=made.id,
                    sequence=sequence, date="2025-01-02", report_date=dt.date(2025, 1, 2),
                )  # fmt: skip
            await session.commit()
            rid = made.id
            assert rid is not None
        upgrade(url)
        async with sessions() as session:
            numbers = dict(
                (await session.exec(select(Report.sequence, Report.sequence_number))).all()
            )
        assert numbers["Session 19"] == 19
        assert numbers["x 12 y 3"] == 12
        assert numbers[None] is None
        await assert_sql_order_is_the_python_order(sessions, rid)
    finally:
        await engine.dispose()


def test_a_sequence_longer_than_int_converts_orders_last_without_an_error() -> None:
    """An older parser kept any run of digits: one beyond ``int()``'s limit must not break a
    remediation's page."""
    from db.sessions import sequence_number

    assert sequence_number("9" * 5000) == SEQUENCE_MAX + 1
    assert sequence_number("Session 12") == 12
    assert sequence_number("none") is None
