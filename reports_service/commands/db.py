"""``reports-service db upgrade|downgrade``: the schema, through alembic's migrations only."""

from __future__ import annotations

import click

from reports_service.commands._database import migrate, shown_url
from reports_service.settings import Settings


@click.group()
def db() -> None:
    """Database schema (REPORTS_DATABASE_URL; default ./data/reports.sqlite3)."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head), creating the database if new.

    Exit code 1 (with the reason) when the database cannot be reached or migrated.
    """
    url = Settings().database_url
    migrate(url, revision)
    click.echo(f"database at {revision}: {shown_url(url)}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION ('base' drops every table and its data)."""
    url = Settings().database_url
    migrate(url, revision, down=True)
    click.echo(f"database at {revision}: {shown_url(url)}")
