"""``reports-service reparse``: every stored report through the current parser, in place."""

from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from parsers import PARSER_VERSION
from reports_service.commands._database import run_with_sessions
from reports_service.services.reparse import ReparseSummary, reparse_all


@click.command()
@click.option("--project", help="Only this project's reports.")
def reparse(project: str | None) -> None:
    """Re-parse stored reports with the current parser (raw markdown is never rewritten)."""

    async def work(sessions: async_sessionmaker[AsyncSession]) -> ReparseSummary:
        return await reparse_all(sessions, project)

    summary = run_with_sessions(work)
    click.echo(f"re-parsed {summary.reparsed} report(s) with parser {PARSER_VERSION}")
    for report_id, reason in summary.failed:
        click.echo(f"error: report {report_id}: {reason}", err=True)
    if summary.failed:
        raise SystemExit(1)
