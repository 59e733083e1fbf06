"""Running a command's database work: settings, schema up to date, one engine, then disposed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import create_engine, session_factory
from db.migrate import downgrade, upgrade
from reports_service.settings import Settings

T = TypeVar("T")


def shown_url(url: str) -> str:
    """The database URL as it may be printed: the password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(an unreadable URL)"


def migrate(url: str, revision: str = "head", *, down: bool = False) -> None:
    """Run the migrations to ``revision``; a ClickException (exit 1) that says why on failure."""
    try:
        (downgrade if down else upgrade)(url, revision)
    except Exception as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise click.ClickException(
            f"cannot migrate the database {shown_url(url)} to {revision}: {first_line} "
            "(check REPORTS_DATABASE_URL and that the database server is up)"
        ) from exc


def migrate_if_enabled(settings: Settings) -> None:
    """Bring the schema to head when ``REPORTS_AUTO_MIGRATE`` is on (the default)."""
    if settings.auto_migrate:
        migrate(settings.database_url)


def run_with_sessions(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Run ``work`` with sessions on the configured database; its failure is exit 1, explained."""
    settings = Settings()
    migrate_if_enabled(settings)

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            return await work(session_factory(engine))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except (SQLAlchemyError, OSError) as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise click.ClickException(
            f"the database {shown_url(settings.database_url)} failed: {first_line} "
            "(check REPORTS_DATABASE_URL and that the database server is up)"
        ) from exc
