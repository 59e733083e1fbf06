"""Reads for the dashboard: whole-project summaries as plain rows, and a cheap change stamp.

The dashboard shows aggregates over every report (open blockers, failing gates, gate trends per
workstream), which no index answers in constant time. It reads them once with the few queries
below, keeps the result, and when :func:`data_stamp` changes reads only what is new: the reports
above the newest it has, the few committed late below it, and every report of a project whose
``revision`` moved (a re-parse, a remediation renamed or merged: :func:`revise_project`). The
queries return plain dataclasses, not table rows, and select only the columns they need (never
the raw markdown).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import (
    Blocker,
    CoverageFigure,
    Finding,
    Gate,
    LatestMention,
    Project,
    Remediation,
    Report,
    TestRun,
)

#: how far below the newest report id a report committed late is still looked for: concurrent
#: writers on PostgreSQL can commit out of id order (a snapshot may see id 3 before id 2 exists)
LATE_WINDOW = 1000


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: int
    name: str
    created_at: dt.datetime
    revision: int


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: int
    project_id: int
    received_at: dt.datetime
    report_date: dt.date | None
    date: str | None
    sequence: str | None
    agent: str | None
    session: str | None
    title: str | None
    kind: str
    remediation: str | None
    scope: str | None
    remediation_id: int | None = None  #: the stored remediation it was grouped into
    remediation_name: str | None = None


@dataclass(frozen=True, slots=True)
class GateTally:
    """How a report's gates stand: ``passing`` of ``total`` (``failing`` of them fail)."""

    total: int
    passing: int
    failing: int


@dataclass(frozen=True, slots=True)
class BlockerMention:
    report_id: int
    key: str
    text: str
    resolved: bool
    severity: str | None
    line: int | None


class Stamp(NamedTuple):
    """What :func:`data_stamp` reads: any change of the data the dashboard shows changes it."""

    projects: int  #: newest project id (projects are never deleted)
    revisions: int  #: sum of the projects' revisions: moves with every re-parse, rename, merge
    reports: int  #: newest report id
    recent: int  #: reports within LATE_WINDOW of the newest: moves when one commits late


async def data_stamp(session: AsyncSession) -> Stamp:
    """A few index reads, the same at any size: a new project or report, a report committed late
    below the newest id, and a change to stored reports (:func:`revise_project`) each move it."""
    newest = sa.select(func.coalesce(func.max(Report.id), 0)).scalar_subquery()
    statement = sa.select(
        sa.select(func.coalesce(func.max(Project.id), 0)).scalar_subquery(),
        sa.select(func.coalesce(func.sum(Project.revision), 0)).scalar_subquery(),
        newest,
        sa.select(func.count())
        .select_from(Report)
        .where(col(Report.id) > newest - LATE_WINDOW)
        .scalar_subquery(),
    )
    row = (await session.exec(statement)).one()  # type: ignore[call-overload]
    return Stamp(*(int(value) for value in row))


def revise_project(project_id: int) -> sa.Update:
    """The statement that raises a project's ``revision``: run it in the transaction of any
    change to the project's stored reports other than a new one, so that :func:`data_stamp`
    moves and the dashboard reads that project again."""
    return (
        sa.update(Project)
        .where(col(Project.id) == project_id)
        .values(revision=col(Project.revision) + 1)
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


async def project_rows(session: AsyncSession) -> list[ProjectRow]:
    statement = sa.select(
        col(Project.id), col(Project.name), col(Project.created_at), col(Project.revision)
    )
    rows = await session.exec(statement.order_by(col(Project.name)))  # type: ignore[call-overload]
    return [ProjectRow(id, name, _aware(created), revision) for id, name, created, revision in rows]


#: rows fetched at a time from a long result: the event loop serves other requests between
#: fetches instead of waiting for the whole history to be converted
PARTITION = 2000


async def _streamed(session: AsyncSession, statement: Any) -> AsyncIterator[Any]:
    result = await session.stream(statement)
    async for partition in result.partitions(PARTITION):
        for row in partition:
            yield row


@dataclass(frozen=True, slots=True)
class Which:
    """Which reports a read covers: those with an id above ``after``, those in ``ids``, and
    every report of the projects in ``projects``."""

    after: int | None = None
    ids: Collection[int] = ()
    projects: Collection[int] = ()

    def where(self, report_id: Any) -> sa.ColumnElement[bool]:
        conditions: list[sa.ColumnElement[bool]] = []
        if self.after is not None:
            conditions.append(report_id > self.after)
        if self.ids:
            conditions.append(report_id.in_(sorted(self.ids)))
        if self.projects:
            conditions.append(col(Report.project_id).in_(sorted(self.projects)))
        return sa.or_(*conditions) if conditions else sa.false()

    @property
    def needs_reports(self) -> bool:
        """Whether the condition reads ``reports.project_id`` (items must join reports)."""
        return bool(self.projects)


async def report_rows(session: AsyncSession, which: Which) -> list[ReportRow]:
    """The header of each report ``which`` covers, oldest first (arrival order)."""
    statement = (
        sa.select(
            col(Report.id),
            col(Report.project_id),
            col(Report.received_at),
            col(Report.report_date),
            col(Report.date),
            col(Report.sequence),
            col(Report.agent),
            col(Report.session),
            col(Report.title),
            col(Report.kind),
            col(Report.remediation),
            col(Report.scope),
            col(Report.remediation_id),
            col(Remediation.name),
        )
        .outerjoin(Remediation, col(Remediation.id) == col(Report.remediation_id))
        .where(which.where(col(Report.id)))
        .order_by(col(Report.id))
    )
    return [ReportRow(*row) async for row in _streamed(session, statement)]


async def gate_tallies(session: AsyncSession, which: Which) -> dict[int, GateTally]:
    """Per report ``which`` covers that has gates: how many, how many pass, how many fail."""
    passing = func.sum(sa.case((col(Gate.status) == "pass", 1), else_=0))
    failing = func.sum(sa.case((col(Gate.status) == "fail", 1), else_=0))
    statement = sa.select(col(Gate.report_id), func.count(), passing, failing)
    if which.needs_reports:
        statement = statement.join(Report, col(Report.id) == col(Gate.report_id))
    statement = statement.where(which.where(col(Gate.report_id))).group_by(col(Gate.report_id))
    return {
        report_id: GateTally(int(t), int(p), int(f))
        async for report_id, t, p, f in _streamed(session, statement)
    }


async def blocker_mentions(session: AsyncSession, which: Which) -> list[BlockerMention]:
    """Blocker mentions of the reports ``which`` covers, in arrival and report order."""
    statement = sa.select(
        col(Blocker.report_id),
        col(Blocker.key),
        col(Blocker.text),
        col(Blocker.resolved),
        col(Blocker.severity),
        col(Blocker.line),
    )
    if which.needs_reports:
        statement = statement.join(Report, col(Report.id) == col(Blocker.report_id))
    statement = statement.where(which.where(col(Blocker.report_id))).order_by(
        col(Blocker.report_id), col(Blocker.position)
    )
    return [BlockerMention(*row) async for row in _streamed(session, statement)]


async def failing_gate_counts(
    session: AsyncSession, projects: Collection[int] | None = None
) -> dict[int, int]:
    """Per project (of ``projects``, or every one), how many gates fail in the latest report
    that names them, as ``GET /api/projects/{p}/gates/failing`` counts them: read from
    ``latest_mentions`` (kept by :mod:`db.latest`), as many index entries as failing gates."""
    statement = sa.select(col(LatestMention.project_id), func.count()).where(
        col(LatestMention.kind) == "gate", col(LatestMention.state) == "fail"
    )
    if projects is not None:
        statement = statement.where(col(LatestMention.project_id).in_(sorted(projects)))
    rows = await session.exec(statement.group_by(col(LatestMention.project_id)))  # type: ignore[call-overload]
    return {int(project_id): int(count) for project_id, count in rows}


async def report_ids_between(session: AsyncSession, low: int, high: int) -> list[int]:
    """Ids of the reports with ``low < id <= high`` (a primary-key range scan)."""
    statement = sa.select(col(Report.id)).where(col(Report.id) > low, col(Report.id) <= high)
    return [int(value) for value in (await session.exec(statement)).scalars()]  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class ReportItems:
    """The items of a few reports, each list in report and then item order."""

    gates: list[Gate]
    coverage: list[CoverageFigure]
    tests: list[TestRun]
    blockers: list[Blocker]
    findings: list[Finding]


async def report_items(session: AsyncSession, report_ids: list[int]) -> ReportItems:
    """Gates, coverage, tests, blockers and lint findings of ``report_ids`` (a workstream)."""

    async def rows(table: Any) -> list[Any]:
        statement = (
            sa.select(table)
            .where(table.report_id.in_(report_ids))
            .order_by(table.report_id, table.position)
        )
        return list((await session.exec(statement)).scalars())  # type: ignore[call-overload]

    return ReportItems(
        gates=await rows(Gate),
        coverage=await rows(CoverageFigure),
        tests=await rows(TestRun),
        blockers=await rows(Blocker),
        findings=await rows(Finding),
    )
