"""Reads and writes of remediations: finding or creating one, renaming and merging, and the claim
findings stored on its reports. The reports it holds, in session order, are read by
``db.sessions``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from db.dashboard import revise_project
from db.engine import run_sync
from db.first_mentions import merge_first_mentions
from db.models import ClaimFinding, Project, Remediation, Report

#: follow at most this many merges (a merge never points back, but a bound costs nothing)
MAX_MERGE_HOPS = 20


@dataclass(frozen=True, slots=True)
class SignatureRow:
    """A stored report as the grouping rule reads it."""

    id: int
    remediation_id: int | None
    remediation: str | None
    title: str | None
    scope: str | None
    scope_label: str | None
    sequence: str | None
    in_response_to: str | None


_SIGNATURE_COLUMNS = (
    col(Report.id),
    col(Report.remediation_id),
    col(Report.remediation),
    col(Report.title),
    col(Report.scope),
    col(Report.scope_label),
    col(Report.sequence),
    col(Report.in_response_to),
)


@cache
def _signatures_statement(limit: int, before: bool) -> Any:
    """The latest ``limit`` reports of project ``:project_id`` (below id ``:before`` if
    ``before``): built once (building and keying a statement cost more than running it)."""
    statement = sa.select(*_SIGNATURE_COLUMNS).where(
        col(Report.project_id) == sa.bindparam("project_id", type_=sa.Integer())
    )
    if before:
        statement = statement.where(col(Report.id) < sa.bindparam("before", type_=sa.Integer()))
    return statement.order_by(col(Report.id).desc()).limit(limit)


def recent_signatures(
    session: Session, project_id: int, limit: int, before: int | None = None
) -> list[SignatureRow]:
    """The latest ``limit`` reports of a project (with an id below ``before`` if given)."""
    statement = _signatures_statement(limit, before is not None)
    # through the connection: the ORM's result processing of plain columns cost more than the
    # query itself here (this runs for every stored report)
    rows = session.connection().execute(statement, {"project_id": project_id, "before": before})
    return [SignatureRow(*row) for row in rows]


def resolve(session: Session, remediation: Remediation) -> Remediation:
    """The remediation that ``remediation`` was merged into, if it was, else itself."""
    for _ in range(MAX_MERGE_HOPS):
        if remediation.merged_into_id is None:
            return remediation
        target = session.get(Remediation, remediation.merged_into_id)
        if target is None:
            return remediation
        remediation = target
    return remediation


@cache
def _remediation_statement() -> SelectOfScalar[Remediation]:
    """Project ``:project_id``'s remediation with key ``:key``: built once."""
    return select(Remediation).where(
        col(Remediation.project_id) == sa.bindparam("project_id", type_=sa.Integer()),
        col(Remediation.key) == sa.bindparam("key", type_=sa.String()),
    )


def find_or_create(
    session: Session, project_id: int, key: str, name: str, explicit: bool
) -> Remediation:
    """The project's remediation with ``key`` (following merges), created when new. Two posts
    creating the same one at once meet at the unique (project, key) constraint: the loser reads
    the winner's row."""
    statement = _remediation_statement()
    params = {"project_id": project_id, "key": key}
    found = session.exec(statement, params=params).first()
    if found is None:
        try:
            with session.begin_nested():
                found = Remediation(project_id=project_id, key=key, name=name, explicit=explicit)
                session.add(found)
        except IntegrityError:
            found = session.exec(statement, params=params).one()
    return resolve(session, found)


def claim_rows(
    report_id: int, remediation_id: int | None, claims: Iterable[object]
) -> list[dict[str, Any]]:
    """The ``claim_findings`` rows of a report's claims (``Claim`` objects)."""
    return [
        {
            "report_id": report_id,
            "remediation_id": remediation_id,
            "code": claim.code,  # type: ignore[attr-defined]
            "line": claim.line,  # type: ignore[attr-defined]
            "message": claim.message,  # type: ignore[attr-defined]
            "details": claim.details,  # type: ignore[attr-defined]
        }
        for claim in claims
    ]


def insert_claim_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:  # one Core insert: nothing reads the rows back as objects here
        session.exec(insert(ClaimFinding), params=rows)


def replace_claims(
    session: Session,
    report_id: int,
    remediation_id: int | None,
    claims: Iterable[object],
    replacing: bool = True,
) -> None:
    """Swap the stored claim findings of a report for ``claims`` (``Claim`` objects);
    ``replacing=False`` for a report stored in this transaction (nothing to delete)."""
    if replacing:
        session.exec(delete(ClaimFinding).where(col(ClaimFinding.report_id) == report_id))
    insert_claim_rows(session, claim_rows(report_id, remediation_id, claims))


async def claims_of(session: AsyncSession, report_ids: list[int]) -> list[ClaimFinding]:
    statement = (
        select(ClaimFinding)
        .where(col(ClaimFinding.report_id).in_(report_ids))
        .order_by(col(ClaimFinding.report_id), col(ClaimFinding.id))
    )
    return list(await session.exec(statement))


async def project_remediations(
    session: AsyncSession, project_id: int, limit: int | None = None, offset: int = 0
) -> tuple[list[Remediation], int]:
    """A page of the project's remediations that were not merged away, most recently active
    (latest report) first, and how many there are in all."""
    live = (Remediation.project_id == project_id, col(Remediation.merged_into_id).is_(None))
    total = (await session.exec(select(sa.func.count(col(Remediation.id))).where(*live))).one()
    latest = (
        sa.select(col(Report.remediation_id), sa.func.max(col(Report.id)).label("latest"))
        .where(col(Report.project_id) == project_id)
        .group_by(col(Report.remediation_id))
        .subquery()
    )
    statement = (
        select(Remediation)
        .outerjoin(latest, latest.c.remediation_id == col(Remediation.id))
        .where(*live)
        .order_by(sa.func.coalesce(latest.c.latest, 0).desc(), col(Remediation.id).desc())
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(await session.exec(statement)), total


async def get_remediation(
    session: AsyncSession, remediation_id: int
) -> tuple[Remediation, Project] | None:
    statement = (
        select(Remediation, Project)
        .join(Project, col(Project.id) == col(Remediation.project_id))
        .where(Remediation.id == remediation_id)
    )
    row = (await session.exec(statement)).first()
    return (row[0], row[1]) if row is not None else None


async def rename(session: AsyncSession, remediation: Remediation, name: str) -> None:
    """Give ``remediation`` a new name and raise its project's revision (the dashboard shows the
    name on its workstream); no commit."""
    remediation.name = name
    session.add(remediation)
    await session.exec(revise_project(remediation.project_id))


async def merge(session: AsyncSession, source: Remediation, target: Remediation) -> int:
    """Move every report (and claim finding) of ``source`` into ``target``; ``source`` stays as
    an alias so that reports naming it later land in ``target``. Raises the project's revision
    (the dashboard regroups it). Returns the reports moved."""
    moved = await session.exec(
        update(Report)
        .where(col(Report.remediation_id) == source.id)
        .values(remediation_id=target.id)
    )
    await session.exec(
        update(ClaimFinding)
        .where(col(ClaimFinding.remediation_id) == source.id)
        .values(remediation_id=target.id)
    )
    if source.id is not None and target.id is not None:
        await run_sync(session, merge_first_mentions, source.id, target.id)
    await session.exec(
        update(Remediation)
        .where(col(Remediation.merged_into_id) == source.id)
        .values(merged_into_id=target.id)
    )
    source.merged_into_id = target.id
    session.add(source)
    await session.exec(revise_project(source.project_id))
    return int(moved.rowcount or 0)
