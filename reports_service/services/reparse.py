"""Re-parsing stored reports with the current parser, so that parser improvements reach old data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import run_sync
from db.models import Project, Report
from db.vocabulary import words_by_project
from parsers import parse_report
from parsers.project_words import vocabulary_with
from reports_service.services.progress import replace_tracked


@dataclass(slots=True)
class ReparseSummary:
    reparsed: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


async def reparse_all(
    sessions: async_sessionmaker[AsyncSession],
    project: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReparseSummary:
    """Re-parse every stored report (of ``project`` if given), each in its own transaction.

    The raw markdown is read, never written; items and meta are replaced and the parser version
    updated. Each report is read with its project's own words, as they are now. A report that
    fails is listed and the rest go on.
    """
    summary = ReparseSummary()
    async with sessions() as session:
        statement = select(Report.id, Report.project_id)
        if project is not None:
            statement = statement.join(Project, col(Project.id) == col(Report.project_id)).where(
                Project.name == project
            )
        ids = [
            (report_id, project_id)
            for report_id, project_id in await session.exec(statement.order_by(col(Report.id)))
            if report_id is not None
        ]
        words = await words_by_project(session, {project_id for _, project_id in ids})
    for report_id, project_id in ids:
        async with sessions() as session:
            report = await session.get(Report, report_id)
            if report is None:  # deleted meanwhile
                continue
            try:
                vocabulary = vocabulary_with(words.get(project_id))
                parsed = parse_report(report.raw.decode("utf-8-sig"), vocabulary=vocabulary)
                await run_sync(session, replace_tracked, report, parsed, vocabulary)
                await session.commit()
            except Exception as exc:  # one bad report must not stop the others
                await session.rollback()
                summary.failed.append((report_id, f"{type(exc).__name__}: {exc}"))
            else:
                summary.reparsed += 1
        if progress is not None:
            progress(1)
    return summary
