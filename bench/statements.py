"""Where ingest's added time goes: statements per stored report, and what one statement costs.

    .venv/bin/python bench/statements.py [CORPUS_DIR] [--database-url URL] [--repeat N]

Stores the corpus in process (``ingest()``, no HTTP) into a fresh project, counting the SQL
statements the database receives per report (an engine event), and the time per report against
the bare parse time measured in the same run: once through the synchronous writer the API uses,
once in an async session. Then times one trivial statement (``SELECT 1``)
through each layer, side by side in one run: the service's async session over the async driver,
the async driver alone, a synchronous SQLAlchemy session, and the plain DB-API driver. Their
product says how much of ingest's added time is per-statement overhead rather than work.
The default database is a fresh SQLite file in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from db.engine import create_engine, create_writer, is_sqlite, session_factory
from db.migrate import upgrade
from db.tokens import get_or_create_project
from reports_service.services.ingest import Submission, ingest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import bare_parse_seconds  # bench/ingest.py's timer: one definition of "bare parse"

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "reports"


async def store_all(
    database_url: str, project: str, bodies: list[bytes], writer: bool
) -> tuple[float, int]:
    """Seconds per report and statements per report for storing ``bodies`` one by one, through
    the service's synchronous writer (as the API does) or through its async session."""
    engine = create_engine(database_url)
    sync_sessions = create_writer(database_url) if writer else None
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    if sync_sessions is not None:
        event.listen(sync_sessions.kw["bind"], "before_cursor_execute", count)
    sessions = session_factory(engine)
    try:
        start = time.perf_counter()
        for raw in bodies:
            async with sessions() as session:
                stored_in = await get_or_create_project(session, project)
                submission = Submission(raw=raw, text=raw.decode("utf-8-sig"))
                await ingest(session, stored_in, submission, sync_sessions)
        elapsed = time.perf_counter() - start
    finally:
        await engine.dispose()
        if sync_sessions is not None:
            sync_sessions.kw["bind"].dispose()
    return elapsed / len(bodies), statements // len(bodies)


def median_us(run: Callable[[], None], rounds: int) -> float:
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            run()
        timings.append((time.perf_counter() - start) / rounds)
    return statistics.median(timings) * 1e6


async def median_us_async(run: Callable[[], Awaitable[object]], rounds: int) -> float:
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            await run()
        timings.append((time.perf_counter() - start) / rounds)
    return statistics.median(timings) * 1e6


async def async_session_us(database_url: str, rounds: int) -> float:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            select_one = sa.select(sa.literal(1))
            return await median_us_async(lambda: session.exec(select_one), rounds)
    finally:
        await engine.dispose()


async def async_driver_us(database_url: str, rounds: int) -> float:
    url = sa.make_url(database_url)
    if is_sqlite(url):
        import aiosqlite

        async with aiosqlite.connect(url.database or ":memory:") as connection:

            async def one() -> object:
                cursor = await connection.execute("SELECT 1")
                return await cursor.fetchall()

            return await median_us_async(one, rounds)
    import asyncpg

    connection = await asyncpg.connect(
        user=url.username, host=url.host, port=url.port, database=url.database
    )
    try:
        return await median_us_async(lambda: connection.fetch("SELECT 1"), rounds)
    finally:
        await connection.close()


def sync_urls(database_url: str) -> str:
    url = sa.make_url(database_url)
    driver = "sqlite+pysqlite" if is_sqlite(url) else "postgresql+psycopg"
    return url.set(drivername=driver).render_as_string(hide_password=False)


def sync_session_us(database_url: str, rounds: int) -> float:
    engine = sa.create_engine(sync_urls(database_url))
    try:
        with Session(engine) as session:
            select_one = sa.select(sa.literal(1))
            return median_us(lambda: session.execute(select_one).all(), rounds)
    finally:
        engine.dispose()


def sync_driver_us(database_url: str, rounds: int) -> float:
    url = sa.make_url(database_url)
    if is_sqlite(url):
        import sqlite3

        connection = sqlite3.connect(url.database or ":memory:")
        try:
            return median_us(lambda: connection.execute("SELECT 1").fetchall(), rounds)
        finally:
            connection.close()
    import psycopg

    with psycopg.connect(
        user=url.username, host=url.host, port=url.port, dbname=url.database
    ) as connection:
        return median_us(lambda: connection.execute("SELECT 1").fetchall(), rounds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--rounds", type=int, default=400, help="statements per timing")
    args = parser.parse_args()

    paths = sorted(args.corpus.glob("*.md"))
    if not paths:
        sys.exit(f"no *.md reports in {args.corpus}")
    bodies = [path.read_bytes() for path in paths]
    texts = [body.decode("utf-8-sig") for body in bodies]

    with tempfile.TemporaryDirectory() as directory:
        database_url = args.database_url or f"sqlite+aiosqlite:///{directory}/bench.sqlite3"
        upgrade(database_url)
        asyncio.run(store_all(database_url, "warm-up", bodies, True))  # caches warm up
        # parse timed before, between and after the two stores: the load of a shared machine
        # moves within minutes, and each ratio should compare like with like
        parses = [bare_parse_seconds(texts, 1)]
        per_report, statements = asyncio.run(store_all(database_url, "writer", bodies, True))
        parses.append(bare_parse_seconds(texts, 1))
        in_session, _ = asyncio.run(store_all(database_url, "async", bodies, False))
        parses.append(bare_parse_seconds(texts, 1))
        parse = statistics.mean(parses)
        costs = {
            "async session (service)": asyncio.run(async_session_us(database_url, args.rounds)),
            "async driver alone": asyncio.run(async_driver_us(database_url, args.rounds)),
            "sync session": sync_session_us(database_url, args.rounds),
            "sync driver alone": sync_driver_us(database_url, args.rounds),
        }

    print(
        f"database: {database_url.split(':')[0]}, {len(bodies)} reports, "
        f"python {sys.version.split()[0]}"
    )
    print(f"in process: parse {parse * 1000:.2f} ms/report, {statements} statements/report")
    print(
        f"  ingest through the writer (sync session in a thread, as the API does): "
        f"{per_report * 1000:.2f} ms/report, ratio to parse "
        f"{per_report / statistics.mean(parses[:2]):.2f}"
    )
    print(
        f"  ingest in the request's async session: "
        f"{in_session * 1000:.2f} ms/report, ratio to parse "
        f"{in_session / statistics.mean(parses[1:]):.2f}"
    )
    service = costs["async session (service)"]
    for name, cost in costs.items():
        print(
            f"  SELECT 1 via {name:<24} {cost:8.1f} us  x{cost / service:5.2f}  "
            f"-> {statements} statements = {statements * cost / 1000:5.2f} ms/report"
        )


if __name__ == "__main__":
    main()
