"""Rows written the way an older schema had them: a migration test fills a database at an old
revision, where today's models have columns the tables do not have yet."""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from db.types import UTCDateTime, utcnow

#: the projects table as migration 0004 left it
PROJECTS = sa.table("projects", sa.column("id"), sa.column("name"), sa.column("created_at"))
#: the reports table's columns every revision from 0004 on has
REPORTS = sa.table(
    "reports",
    *(
        sa.column(name)
        for name in (
            "id", "project_id", "raw", "sha256", "size", "parser_version", "kind", "summary",
            "remediation_id", "sequence", "date", "title",
        )
    ),
    sa.column("received_at", UTCDateTime),
    sa.column("meta_lines", sa.JSON),
    sa.column("report_date", sa.Date),
)  # fmt: skip


async def insert_project(session: AsyncSession, name: str) -> int:
    insert = sa.insert(PROJECTS).values(name=name, created_at=utcnow())
    result = await session.exec(insert.returning(PROJECTS.c.id))  # type: ignore[call-overload]
    project_id: int = result.scalar_one()
    return project_id


async def insert_report(
    session: AsyncSession, report_id: int, project_id: int, raw: bytes, **columns: Any
) -> None:
    """A report row with only the columns of 0004's schema (``columns`` among them)."""
    values = {
        "id": report_id,
        "project_id": project_id,
        "raw": raw,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "size": len(raw),
        "parser_version": "1",
        "received_at": utcnow(),
        "kind": "other",
        "meta_lines": {},
        "summary": "",
        **columns,
    }
    await session.exec(sa.insert(REPORTS).values(**values))  # type: ignore[call-overload]
