"""Engines and sessions: one async engine per process, SQLite tuned for a small busy service."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy import event, orm
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/reports.sqlite3"

#: seconds a SQLite writer waits for another writer's lock before giving up
SQLITE_BUSY_TIMEOUT = 30.0


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str | URL) -> None:
    """Create the folder of a SQLite file database, so that the first start just works."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL (readers never wait for the writer) and foreign keys (ON DELETE CASCADE) on."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets WAL, foreign keys and a generous busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        ensure_sqlite_directory(parsed)
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT)
        engine = create_async_engine(parsed, connect_args=connect_args, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(parsed, **kwargs)


#: the synchronous driver of each async one, for :func:`create_writer`
SYNC_DRIVERS = {"aiosqlite": "pysqlite", "asyncpg": "psycopg"}


def create_writer(url: str | URL, **kwargs: Any) -> orm.sessionmaker[Session]:
    """Sessions of a synchronous engine on the database of ``url`` (an async URL), tuned like
    :func:`create_engine`'s, for store code run whole in a worker thread (one hop between
    threads per report instead of several per statement). Dispose of it with
    :func:`dispose_writer`."""
    parsed = make_url(url)
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    sync_url = parsed.set(drivername=f"{backend}+{SYNC_DRIVERS.get(driver, driver)}")
    if backend == "sqlite":
        ensure_sqlite_directory(parsed)
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT)
        engine = sa.create_engine(sync_url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        engine = sa.create_engine(sync_url, **kwargs)
    return orm.sessionmaker(engine, class_=Session, expire_on_commit=False)


def writer_for(url: str | URL) -> orm.sessionmaker[Session] | None:
    """The writer reports are stored through on this database, if any: SQLite's, because each
    statement through aiosqlite costs several thread hops; on PostgreSQL asyncpg does not, and
    the request's own session was faster there than a synchronous psycopg writer
    (``bench/statements.py``, BENCHMARKS.md "Ingest")."""
    return create_writer(url) if is_sqlite(url) else None


def dispose_writer(writer: orm.sessionmaker[Session] | None) -> None:
    if writer is not None:
        writer.kw["bind"].dispose()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit (handlers build responses from them)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


P = ParamSpec("P")
T = TypeVar("T")


async def run_sync(
    session: AsyncSession,
    function: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``function(sync_session, ...)`` in ``session``: the same synchronous store code serves
    the async request path (``AsyncSession.run_sync``, typed for SQLModel's session)."""

    def call(sync_session: orm.Session) -> T:
        return function(cast(Session, sync_session), *args, **kwargs)

    return await session.run_sync(call)


async def in_writer(
    writer: orm.sessionmaker[Session],
    function: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``function(session, ...)`` in a worker thread, in a session of ``writer``'s own (closing
    it rolls back whatever did not commit)."""

    def call() -> T:
        with writer() as session:
            return function(session, *args, **kwargs)

    return await anyio.to_thread.run_sync(call)


#: each writer's one-at-a-time limiter (see :func:`in_writer_serially`)
_SERIAL: weakref.WeakKeyDictionary[orm.sessionmaker[Session], anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


async def in_writer_serially(
    writer: orm.sessionmaker[Session],
    function: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """:func:`in_writer`, one call of this process at a time per writer: the others wait their
    turn in order. For calls that write and parse: in threads of one process they cannot run
    at once in any case (one interpreter lock), and those that did each waited for SQLite's
    write lock in turn, in sleeps of the busy handler's growing length, which left the lock
    free between them."""
    limiter = _SERIAL.get(writer)
    if limiter is None:
        limiter = _SERIAL[writer] = anyio.CapacityLimiter(1)

    def call() -> T:
        with writer() as session:
            return function(session, *args, **kwargs)

    return await anyio.to_thread.run_sync(call, limiter=limiter)
