"""The latest mentions worked out in Python from every stored item: what ``latest_mentions``
must hold, however the reports arrived."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Blocker, CoverageFigure, Gate, LatestMention, Report
from db.models.items import KEY_MAX

Row = tuple[int, str, str, str, int, int, int, str]


def _variant(item: Any) -> str:
    return (item.metric or "")[:KEY_MAX] if isinstance(item, CoverageFigure) else ""


def _state(item: Any) -> str:
    if isinstance(item, Gate):
        return item.status
    if isinstance(item, Blocker):
        return "resolved" if item.resolved else "open"
    return ""


async def expected_latest(session: AsyncSession) -> set[Row]:
    """(project_id, kind, key, variant, report_id, item_id, position, state) of each key's
    mention in the largest report id, first position in that report."""
    best: dict[tuple[int, str, str, str], tuple[tuple[int, int], Row]] = {}
    for kind, table in (("gate", Gate), ("coverage", CoverageFigure), ("blocker", Blocker)):
        rows = await session.exec(
            select(table, Report.project_id).join(Report, col(Report.id) == table.report_id)  # type: ignore[attr-defined]
        )
        for item, project_id in rows:
            where = (project_id, kind, item.key, _variant(item))
            row: Row = (*where, item.report_id, item.id, item.position, _state(item))
            order = (item.report_id, -item.position)
            if where not in best or order > best[where][0]:
                best[where] = (order, row)
    return {row for _, row in best.values()}


async def stored_latest(session: AsyncSession) -> set[Row]:
    rows = await session.exec(select(LatestMention))
    return {
        (
            row.project_id,
            row.kind,
            row.key,
            row.variant,
            row.report_id,
            row.item_id,
            row.position,
            row.state,
        )
        for row in rows
    }


async def assert_latest_mentions_agree(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        expected = await expected_latest(session)
        assert expected, "no mention was stored: the check would prove nothing"
        assert await stored_latest(session) == expected
