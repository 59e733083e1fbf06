"""Running a command's database work: settings, schema up to date, one engine, then disposed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import create_engine, session_factory
from db.migrate import upgrade
from reports_service.settings import Settings

T = TypeVar("T")


def migrate_if_enabled(settings: Settings) -> None:
    """Bring the schema to head when ``REPORTS_AUTO_MIGRATE`` is on (the default)."""
    if settings.auto_migrate:
        try:
            upgrade(settings.database_url)
        except Exception as exc:
            raise click.ClickException(
                f"cannot prepare the database {settings.database_url!r}: {exc}"
            ) from exc


def run_with_sessions(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    settings = Settings()
    migrate_if_enabled(settings)

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            return await work(session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(main())
