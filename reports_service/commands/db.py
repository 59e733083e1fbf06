"""``reports-service db upgrade|downgrade``: the schema, through alembic's migrations only."""

from __future__ import annotations

import click

from db.migrate import downgrade as run_downgrade
from db.migrate import upgrade as run_upgrade
from reports_service.settings import Settings


@click.group()
def db() -> None:
    """Database schema (REPORTS_DATABASE_URL; default ./data/reports.sqlite3)."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head), creating the database if new."""
    url = Settings().database_url
    run_upgrade(url, revision)
    click.echo(f"database at {revision}: {url}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION ('base' drops every table and its data)."""
    url = Settings().database_url
    run_downgrade(url, revision)
    click.echo(f"database at {revision}: {url}")
