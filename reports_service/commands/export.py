"""``reports-service export --project P --format json|csv``: a project's data, for other tools."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.export import TABLES, columns, export_rows
from db.tokens import get_project
from reports_service.commands._database import run_with_sessions


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    """Standard output, or ``path`` written whole or not at all (a temporary file renamed)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    directory = path.parent if str(path.parent) else Path()
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed below
            "w", encoding="utf-8", newline="", dir=directory, prefix=f".{path.name}.", delete=False
        )
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with handle:
            yield handle
        Path(handle.name).chmod(0o666 & ~_umask())  # as if written directly, not 0600
        Path(handle.name).replace(path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


async def _write_json(
    session: AsyncSession, project: str, project_id: int, tables: list[str], out: IO[str]
) -> dict[str, int]:
    counts = {}
    exported_at = dt.datetime.now(dt.UTC).isoformat()
    out.write(f'{{"project": {json.dumps(project)}, "exported_at": "{exported_at}"')
    for table in tables:
        out.write(f', "{table}": [')
        count = 0
        async for row in export_rows(session, project_id, table):
            out.write(("\n  " if count == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]" if count else "]")
        counts[table] = count
    out.write("}\n")
    return counts


async def _write_csv(
    session: AsyncSession, project_id: int, table: str, out: IO[str]
) -> dict[str, int]:
    writer = csv.DictWriter(out, fieldnames=columns(table), lineterminator="\n")
    writer.writeheader()
    count = 0
    async for row in export_rows(session, project_id, table):
        writer.writerow(row)
        count += 1
    return {table: count}


@click.command()
@click.option("--project", required=True, help="The project to export.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
)
@click.option(
    "--table",
    type=click.Choice(TABLES),
    help="Only this table; CSV holds one table, so CSV needs it.  [default (JSON): all]",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (whole, or not at all) instead of standard output.",
)
def export(project: str, output_format: str, table: str | None, output: Path | None) -> None:
    """Export PROJECT's reports, gates and blockers, read from the database.

    JSON: one object {"project", "exported_at", "reports": [...], "gates": [...], "blockers":
    [...]}. CSV: one table per file, with a header row: --table reports|gates|blockers. Gates and
    blockers carry the report_id of the report they are in and their position in it; every
    mention is exported, not only the latest. The markdown itself is not exported (GET
    /api/projects/P/reports/ID/raw has it).

    Exit codes: 0 exported; 1 no such project, or the output cannot be written; 2 bad usage.
    """
    if output_format == "csv" and table is None:
        raise click.UsageError(
            "a CSV file holds one table: add --table reports, --table gates or --table blockers"
        )
    tables = [table] if table else list(TABLES)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
        async with sessions() as session:
            found = await get_project(session, project)
            if found is None or found.id is None:
                raise click.ClickException(
                    f"no project '{project}': `reports-service token list` shows the projects"
                )
            with _output(output) as out:
                if output_format == "csv":
                    return await _write_csv(session, found.id, tables[0], out)
                return await _write_json(session, project, found.id, tables, out)

    counts = run_with_sessions(work)
    if output is not None:
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        click.echo(f"exported {summary} of project '{project}' to {output}", err=True)
