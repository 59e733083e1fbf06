"""Read queries: small functions that take the session and return read schemas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import defer
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.first_mentions import arrivals_since, first_mentions
from db.models import (
    Blocker,
    BlockerRead,
    CoverageFigure,
    CoverageFigureRead,
    Gate,
    GateRead,
    LatestMention,
    Project,
    ProjectRead,
    Remediation,
    Report,
    ReportRead,
    ReportRef,
)
from db.store import normalise_key

ReadT = TypeVar("ReadT", bound=SQLModel)


@dataclass(frozen=True, slots=True)
class ReportFilters:
    since: dt.datetime | None = None  #: received at or after
    until: dt.datetime | None = None  #: received before
    date_from: dt.date | None = None  #: the report's own date, inclusive
    date_to: dt.date | None = None
    agent: str | None = None
    kind: str | None = None


async def list_projects(session: AsyncSession) -> list[ProjectRead]:
    statement = (
        select(Project, func.count(col(Report.id)), func.max(col(Report.received_at)))
        .join(Report, col(Report.project_id) == col(Project.id), isouter=True)
        .group_by(col(Project.id))
        .order_by(col(Project.name))
    )
    projects = []
    for project, count, last in await session.exec(statement):
        projects.append(
            ProjectRead(
                name=project.name,
                created_at=project.created_at,
                reports=count,
                last_report_at=_aware(last),
            )
        )
    return projects


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """Aggregates bypass the column type: give SQLite's naive UTC values their zone."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def report_read(report: Report, project: str) -> ReportRead:
    return ReportRead.model_validate(report, update={"project": project})


async def list_reports(
    session: AsyncSession, project: Project, filters: ReportFilters, limit: int, offset: int
) -> tuple[list[ReportRead], int]:
    """One page of a project's reports, newest first, and how many match in all."""
    conditions: list[ColumnElement[bool]] = [col(Report.project_id) == project.id]
    if filters.since is not None:
        conditions.append(col(Report.received_at) >= filters.since)
    if filters.until is not None:
        conditions.append(col(Report.received_at) < filters.until)
    if filters.date_from is not None:
        conditions.append(col(Report.report_date) >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(col(Report.report_date) <= filters.date_to)
    if filters.agent is not None:
        conditions.append(col(Report.agent) == filters.agent)
    if filters.kind is not None:
        conditions.append(col(Report.kind) == filters.kind)
    total = (await session.exec(select(func.count(col(Report.id))).where(*conditions))).one()
    statement = (
        select(Report)
        .options(defer(cast(Any, Report.raw)))
        .where(*conditions)
        .order_by(col(Report.id).desc())
        .limit(limit)
        .offset(offset)
    )
    reports = [report_read(report, project.name) for report in await session.exec(statement)]
    return reports, total


async def get_report(session: AsyncSession, project: Project, report_id: int) -> Report | None:
    statement = select(Report).where(Report.id == report_id, Report.project_id == project.id)
    return (await session.exec(statement)).first()


async def _latest_per_key(
    session: AsyncSession,
    table: Any,
    read: type[ReadT],
    *,
    kind: str,
    project_id: int | None,
    state: str | None,
    limit: int,
    offset: int,
) -> tuple[list[ReadT], int]:
    """For each item key in each project, its latest mention (latest report), in ``state`` if
    given: read from ``latest_mentions`` (kept by ``db.latest``), as many rows as the answer.

    "Latest" is arrival order. This is the project-wide exact-key view (a remediation's own
    histories, with fuzzy matching, are in reports_service.progress.history): a gate failing
    in the newest report that names it, a blocker not yet said to be resolved, the newest
    figure for a coverage scope.
    """
    conditions: list[ColumnElement[bool]] = [col(LatestMention.kind) == kind]
    if project_id is not None:
        conditions.append(col(LatestMention.project_id) == project_id)
    if state is not None:
        conditions.append(col(LatestMention.state) == state)
    statement = (
        sa.select(  # sqlmodel's select takes at most four columns
            table,
            col(Report.id),
            col(Report.title),
            col(Report.date),
            col(Report.received_at),
            col(Report.agent),
            col(Project.name),
            func.count().over().label("total"),  # before LIMIT: the whole filtered set
        )
        .select_from(LatestMention)
        .join(table, table.id == col(LatestMention.item_id))
        .join(Report, col(Report.id) == col(LatestMention.report_id))
        .join(Project, col(Project.id) == col(LatestMention.project_id))
        .where(*conditions)
    )
    page: Any = (
        statement.order_by(
            col(Project.name), col(LatestMention.report_id), col(LatestMention.position)
        )
        .limit(limit)
        .offset(offset)
    )
    rows = list(await session.exec(page))
    if rows:
        total = rows[0][-1]
    elif offset == 0:
        total = 0
    else:  # past the end: the page cannot tell the total
        count = select(func.count(col(LatestMention.id))).where(*conditions)
        total = (await session.exec(count)).one()
    items = []
    for item, report_id, title, date, received_at, agent, project, _ in rows:
        ref = ReportRef(
            id=report_id,
            project=project,
            title=title,
            date=date,
            received_at=received_at,
            agent=agent,
        )
        items.append(read.model_validate(item, update={"report": ref}))
    return items, total


async def latest_blockers(
    session: AsyncSession,
    project_id: int | None,
    resolved: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[BlockerRead], int]:
    """Blockers by their latest mention; ``resolved=False`` gives the open ones."""
    items, total = await _latest_per_key(
        session,
        Blocker,
        BlockerRead,
        kind="blocker",
        project_id=project_id,
        state=None if resolved is None else ("resolved" if resolved else "open"),
        limit=limit,
        offset=offset,
    )
    return await _with_remediations(session, items), total


async def _with_remediations(session: AsyncSession, items: list[BlockerRead]) -> list[BlockerRead]:
    """Each blocker of a page with its remediation and its age there: reports of the remediation
    since the first one naming it (``blocker_first_mentions``, one row per blocker), counted in
    one walk of each remediation's ids (``db.first_mentions.arrivals_since``)."""
    if not items:
        return items
    statement = (
        sa.select(col(Report.id), col(Remediation.id), col(Remediation.name))
        .join(Remediation, col(Remediation.id) == col(Report.remediation_id))
        .where(col(Report.id).in_({item.report.id for item in items}))
    )
    placed = {
        report_id: (remediation_id, name)
        for report_id, remediation_id, name in await session.exec(statement)  # type: ignore[call-overload]
    }
    if not placed:
        return items
    first = await first_mentions(
        session,
        {rid for rid, _ in placed.values()},
        {normalise_key(item.text) for item in items},
    )
    ages = await arrivals_since(session, {(rid, start) for (rid, _), start in first.items()})
    enriched = []
    for item in items:
        if item.report.id not in placed:
            enriched.append(item)
            continue
        rid, name = placed[item.report.id]
        first_id = first.get((rid, normalise_key(item.text)))
        age = ages.get((rid, first_id)) if first_id is not None else None
        enriched.append(
            item.model_copy(
                update={"remediation_id": rid, "remediation": name, "age_sessions": age}
            )
        )
    return enriched


async def failing_gates(
    session: AsyncSession, project_id: int, limit: int, offset: int
) -> tuple[list[GateRead], int]:
    """Gates whose latest observation in the project fails."""
    return await _latest_per_key(
        session,
        Gate,
        GateRead,
        kind="gate",
        project_id=project_id,
        state="fail",
        limit=limit,
        offset=offset,
    )


async def latest_coverage(
    session: AsyncSession, project_id: int, limit: int, offset: int
) -> tuple[list[CoverageFigureRead], int]:
    """The latest figure for each coverage scope (and metric) of the project."""
    return await _latest_per_key(
        session,
        CoverageFigure,
        CoverageFigureRead,
        kind="coverage",
        project_id=project_id,
        state=None,
        limit=limit,
        offset=offset,
    )
