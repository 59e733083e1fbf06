"""``reports-service ingest PATH... --project P``: import a tree of report files (backfill)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import dispose_writer, writer_for
from reports_service.commands._database import run_with_sessions
from reports_service.commands.token import _check_project
from reports_service.services.backfill import BackfillSummary, FileOutcome, backfill
from reports_service.services.report_files import DEFAULT_PATTERN, find_report_files
from reports_service.settings import Settings


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--project", required=True, help="Import into this project (created if new).")
@click.option("--remediation", help="Record every imported report as part of this remediation.")
@click.option(
    "--pattern",
    default=DEFAULT_PATTERN,
    show_default=True,
    help="Which files to take from directories (a glob, matched recursively).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    help="Parser processes.  [default: one per core]",
)
@click.option("-v", "--verbose", is_flag=True, help="One line per file, not only the failures.")
def ingest(
    paths: tuple[Path, ...],
    project: str,
    remediation: str | None,
    pattern: str,
    jobs: int | None,
    verbose: bool,
) -> None:
    """Import report files, and the report files under directories, into PROJECT.

    Writes straight to the database of REPORTS_DATABASE_URL (no server needed). Each content is
    stored once per project: running the same import again imports nothing ("duplicates").
    Reports are stored in the order of their paths, so name history files so that they sort by
    time. A file that cannot be imported (not UTF-8, binary, larger than REPORTS_MAX_BODY_BYTES)
    is listed with the reason and the others go on. A progress bar shows on a terminal.

    Exit codes: 0 every file imported or already there; 1 some files failed (the others are
    stored); 2 bad usage.
    """
    _check_project(project)
    settings = Settings()
    console = Console(stderr=True, highlight=False, soft_wrap=True)  # a path is one line
    files, missing = find_report_files(paths, pattern)
    if not files and not missing:
        console.print(f"no report files ({escape(pattern)}) found; nothing to import")
        return
    jobs = min(jobs or available_cores(), max(len(files), 1))
    counts: Counter[str] = Counter()
    progress = Progress(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    task = progress.add_task("", total=len(files) + len(missing))

    def told(outcome: FileOutcome) -> None:
        counts[outcome.status] += 1
        if outcome.status == "failed":
            console.print(f"failed: {escape(outcome.path)}: {escape(outcome.reason or '')}")
        elif verbose:
            console.print(f"{outcome.status}: {escape(outcome.path)} -> report {outcome.report_id}")
        progress.update(
            task,
            advance=1,
            description=f"{counts['imported']} new, {counts['duplicate']} duplicate, "
            f"{counts['failed']} failed",
        )

    for problem in missing:
        told(FileOutcome(problem.path, "failed", reason=problem.reason))
    if not console.is_terminal:
        console.print(
            f"importing {_plural(len(files), 'file')} into project '{escape(project)}' "
            f"with {_plural(jobs, 'parser process', 'parser processes')}"
        )

    async def work(sessions: async_sessionmaker[AsyncSession]) -> BackfillSummary:
        writer = writer_for(settings.database_url)
        try:
            return await backfill(
                sessions,
                project,
                [str(path) for path in files],
                remediation=remediation,
                max_bytes=settings.max_body_bytes,
                jobs=jobs,
                on_outcome=told,
                writer=writer,
            )
        finally:
            dispose_writer(writer)

    with progress:
        run_with_sessions(work)
    click.echo(
        f"project '{project}': {counts['imported']} imported, "
        f"{_plural(counts['duplicate'], 'duplicate')}, {counts['failed']} failed "
        f"({_plural(len(files) + len(missing), 'file')})"
    )
    if counts["failed"]:
        raise SystemExit(1)
