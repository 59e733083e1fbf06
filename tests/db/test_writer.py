"""The synchronous writer reports are stored through: the same result as the request's session."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import Session, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import create_writer, dispose_writer, in_writer_serially, writer_for
from db.models import Gate, Remediation, Report
from db.store import load_parsed
from db.tokens import get_or_create_project
from reports_service.services.ingest import Submission, ingest
from tests.samples import report_markdown

pytestmark = pytest.mark.anyio


def submission(n: int) -> Submission:
    raw = report_markdown(n).encode()
    return Submission(raw=raw, text=raw.decode())


async def test_a_writer_stores_what_the_session_would(
    sessions: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    writer = create_writer(database_url)
    try:
        async with sessions() as session:
            through_writer = await get_or_create_project(session, "writer")
            in_session = await get_or_create_project(session, "session")
            outcomes = []
            for n in range(3):
                outcomes.append(await ingest(session, through_writer, submission(n), writer))
                outcomes.append(await ingest(session, in_session, submission(n)))
            again = await ingest(session, through_writer, submission(1), writer)
        assert all(o.created for o in outcomes)
        assert not again.created
        assert again.report.id == outcomes[2].report.id
        async with sessions() as session:
            for mine, theirs in zip(outcomes[::2], outcomes[1::2], strict=True):
                stored = await session.get(Report, mine.report.id)
                other = await session.get(Report, theirs.report.id)
                assert stored is not None
                assert other is not None
                assert await load_parsed(session, stored) == await load_parsed(session, other)
                assert stored.remediation_id is not None
            # the three sessions of each project form one remediation with its gates
            for project in (through_writer, in_session):
                count = select(func.count()).select_from(Remediation)
                assert (
                    await session.exec(count.where(Remediation.project_id == project.id))
                ).one() == 1
            gates = select(func.count()).select_from(Gate).join(Report)
            assert (
                await session.exec(gates.where(Report.project_id == through_writer.id))
            ).one() > 0
    finally:
        dispose_writer(writer)


def test_sqlite_stores_through_a_writer_and_postgresql_through_its_session(
    tmp_path: Path,
) -> None:
    sqlite = writer_for(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    assert sqlite is not None
    assert sqlite.kw["bind"].dialect.driver == "pysqlite"
    dispose_writer(sqlite)
    assert writer_for("postgresql+asyncpg://postgres@127.0.0.1:5432/test") is None


async def test_serial_writer_calls_of_a_process_run_one_at_a_time_in_order(
    tmp_path: Path,
) -> None:
    """Stores through one writer take their turn (no two in its threads at once), in the order
    they were asked for, and a failing one does not hold up the next."""
    writer = create_writer(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    running: list[int] = []
    most = 0
    order: list[int] = []
    lock = threading.Lock()

    def work(session: Session, n: int) -> int:
        nonlocal most
        with lock:
            running.append(n)
            most = max(most, len(running))
        session.exec(select(1))
        time.sleep(0.002)  # long enough for another thread to start if it were allowed to
        with lock:
            running.remove(n)
            order.append(n)
        if n == 3:
            raise ValueError("a failing store")
        return n

    async def call(n: int) -> int | None:
        try:
            return await in_writer_serially(writer, work, n)
        except ValueError:
            return None

    try:
        async with anyio.create_task_group() as group:
            for n in range(8):
                group.start_soon(call, n)
                await anyio.lowlevel.checkpoint()  # asked for in this order
        assert most == 1
        assert order == list(range(8))
    finally:
        dispose_writer(writer)
