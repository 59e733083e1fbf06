"""Throwaway databases for the tests: a SQLite file, or a fresh database on the PostgreSQL server.

The PostgreSQL server comes from ``REPORTS_TEST_POSTGRES_URL`` (default: the local server's
``test`` database, used only to create and drop per-run databases). When it cannot be reached the
PostgreSQL tests skip, unless ``REPORTS_REQUIRE_POSTGRES=1`` (CI), where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgres")


def postgres_admin_url() -> str:
    return os.environ.get("REPORTS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_required() -> bool:
    return os.environ.get("REPORTS_REQUIRE_POSTGRES", "") not in ("", "0", "false", "no")


def _admin_engine() -> sa.Engine:
    url = make_url(postgres_admin_url()).set(drivername="postgresql+psycopg")
    return sa.create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
        poolclass=sa.NullPool,
    )


def postgres_unreachable_reason() -> str | None:
    """None when the server answers, else why not."""
    try:
        engine = _admin_engine()
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {postgres_admin_url()} unreachable: {type(exc).__name__}: {exc}"
    return None


class Databases:
    """Creates empty databases and drops them all at the end of the run."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.postgres_names: list[str] = []

    def create(self, backend: str) -> str:
        name = f"reports_test_{uuid.uuid4().hex[:16]}"
        if backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.directory / (name + '.sqlite3')}"
        engine = _admin_engine()
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        self.postgres_names.append(name)
        return (
            make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)
        )

    def drop_all(self) -> None:
        if not self.postgres_names:
            return
        engine = _admin_engine()
        with engine.connect() as connection:
            for name in self.postgres_names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
