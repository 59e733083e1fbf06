"""Migrations alone make the schema: they must agree with the models and round-trip."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.engine import create_engine
from db.migrate import downgrade, upgrade
from db.models import metadata
from tests.databases import Databases


def _diff_and_tables(url: str) -> tuple[list[object], set[str]]:
    async def inspect() -> tuple[list[object], set[str]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:

                def run(sync_connection: sa.Connection) -> tuple[list[object], set[str]]:
                    context = MigrationContext.configure(
                        sync_connection, opts={"compare_type": True}
                    )
                    diff = compare_metadata(context, metadata)
                    return diff, set(sa.inspect(sync_connection).get_table_names())

                return await connection.run_sync(run)
        finally:
            await engine.dispose()

    return asyncio.run(inspect())


@pytest.fixture
def empty_url(backend: str, databases: Databases) -> str:
    return databases.create(backend)


def test_migrations_build_exactly_the_models(empty_url: str) -> None:
    upgrade(empty_url)
    diff, tables = _diff_and_tables(empty_url)
    assert diff == []
    assert set(metadata.tables) <= tables


def test_downgrade_and_upgrade_round_trip(empty_url: str) -> None:
    upgrade(empty_url)
    downgrade(empty_url, "base")
    _, tables = _diff_and_tables(empty_url)
    assert tables & set(metadata.tables) == set()
    upgrade(empty_url)
    diff, tables = _diff_and_tables(empty_url)
    assert diff == []
    assert set(metadata.tables) <= tables
