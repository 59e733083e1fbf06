"""Flat rows of a project's reports, gates and blockers, for ``reports-service export``.

Columns come from the tables' models, so a field added to a model is exported without a change
here. Rows are streamed from the database in a stable order (report id, then position in the
report), never all held in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.orm import defer
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Blocker, BlockerBase, Gate, GateBase, Report

#: rows fetched from the database at a time
FETCH_SIZE = 500

REPORT_COLUMNS = (
    "id",
    "received_at",
    "title",
    "kind",
    "author",
    "date",
    "sequence",
    "in_response_to",
    "scope",
    "agent",
    "session",
    "commit",
    "remediation",
    "parser_version",
    "size",
    "sha256",
)


@dataclass(frozen=True, slots=True)
class ItemExport:
    table: type[SQLModel]
    base: type[SQLModel]  #: the parser's fields, in order

    @property
    def columns(self) -> tuple[str, ...]:
        return ("report_id", "position", *self.base.model_fields)


ITEMS: dict[str, ItemExport] = {
    "gates": ItemExport(Gate, GateBase),
    "blockers": ItemExport(Blocker, BlockerBase),
}
TABLES = ("reports", *ITEMS)


def columns(table: str) -> tuple[str, ...]:
    return REPORT_COLUMNS if table == "reports" else ITEMS[table].columns


def _value(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


async def export_rows(
    session: AsyncSession, project_id: int, table: str
) -> AsyncIterator[dict[str, Any]]:
    """The project's rows of ``table`` (one of :data:`TABLES`), as column -> JSON-ready value."""
    names = columns(table)
    if table == "reports":
        statement: Any = (
            select(Report)
            .options(defer(cast(Any, Report.raw)))
            .where(Report.project_id == project_id)
            .order_by(col(Report.id))
        )
    else:
        item: Any = ITEMS[table].table
        statement = (
            select(item)
            .join(Report, col(Report.id) == item.report_id)
            .where(col(Report.project_id) == project_id)
            .order_by(item.report_id, item.position)
        )
    result = await session.stream_scalars(statement.execution_options(yield_per=FETCH_SIZE))
    async for row in result:
        yield {name: _value(getattr(row, name)) for name in names}
