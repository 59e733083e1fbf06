"""``reports-service load-examples``: store report files straight into the database.

Made for the two example reports (``make run`` loads them); it takes any report files. Re-running
stores nothing twice: the same content in the same project is the same report.
"""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.tokens import get_or_create_project
from reports_service.commands._database import run_with_sessions
from reports_service.commands.token import _check_project
from reports_service.services.ingest import IngestError, ingest, read_submission

DEFAULT_PROJECT = "examples"


@click.command(name="load-examples")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--project", default=DEFAULT_PROJECT, show_default=True, help="Store into this project."
)
def load_examples(files: tuple[Path, ...], project: str) -> None:
    """Store report FILES (default: examples/*.md) in PROJECT, skipping ones already stored."""
    _check_project(project)
    paths = list(files) or sorted(Path("examples").glob("*.md"))
    if not paths:
        raise click.ClickException("no report files given and none in ./examples")

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        failures = 0
        async with sessions() as session:
            stored = await get_or_create_project(session, project)
        for path in paths:
            try:
                submission = read_submission(path.read_bytes(), "text/markdown", {})
                async with sessions() as session:
                    outcome = await ingest(session, stored, submission)
            except (OSError, IngestError) as exc:
                click.echo(f"error: {path}: {exc}", err=True)
                failures += 1
                continue
            state = "stored" if outcome.created else "already stored"
            title = outcome.parsed.meta.title or "(no title)"
            click.echo(
                f"{state}: {path} -> /api/projects/{project}/reports/{outcome.report.id}  {title}"
            )
        return failures

    if run_with_sessions(work):
        raise SystemExit(1)
