"""The latest mentions worked out in Python from every stored item: what ``latest_mentions``
must hold, however the reports arrived; and likewise each blocker's first mention in each
remediation (``blocker_first_mentions``) and the age the blocker lists give it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import (
    Blocker,
    BlockerFirstMention,
    BlockerRead,
    CoverageFigure,
    Gate,
    LatestMention,
    Report,
)
from db.models.items import KEY_MAX
from db.queries import latest_blockers
from db.store import normalise_key

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


FirstRow = tuple[int, str, int]


async def expected_first_mentions(session: AsyncSession) -> set[FirstRow]:
    """(remediation_id, key, report_id) of each blocker key's smallest report id among the
    reports of each remediation."""
    first: dict[tuple[int, str], int] = {}
    rows = await session.exec(
        select(Blocker.key, Blocker.report_id, Report.remediation_id).join(
            Report, col(Report.id) == col(Blocker.report_id)
        )
    )
    for key, report_id, remediation_id in rows:
        if remediation_id is not None:
            where = (remediation_id, key)
            first[where] = min(first.get(where, report_id), report_id)
    return {(rid, key, report_id) for (rid, key), report_id in first.items()}


async def expected_age(session: AsyncSession, blocker: BlockerRead) -> int | None:
    """A listed blocker's age as the open-blocker lists computed it before the ages were kept:
    the reports of its latest mention's remediation from the first one naming it, by id."""
    report = await session.get(Report, blocker.report.id)
    assert report is not None
    if report.remediation_id is None:
        return None
    mentions = await session.exec(
        select(Blocker.report_id)
        .join(Report, col(Report.id) == col(Blocker.report_id))
        .where(Report.remediation_id == report.remediation_id)
        .where(Blocker.key == normalise_key(blocker.text))
    )
    first = min(mentions)
    ids = await session.exec(
        select(Report.id).where(Report.remediation_id == report.remediation_id)
    )
    return sum(report_id >= first for report_id in ids)


async def assert_first_mentions_agree(sessions: async_sessionmaker[AsyncSession]) -> None:
    """``blocker_first_mentions`` holds what every stored row says, and every listed blocker's
    age (open or resolved, every project) is the one computed from every row."""
    async with sessions() as session:
        expected = await expected_first_mentions(session)
        assert expected, "no blocker in a remediation: the check would prove nothing"
        stored = await session.exec(
            select(
                BlockerFirstMention.remediation_id,
                BlockerFirstMention.key,
                BlockerFirstMention.report_id,
            )
        )
        assert set(stored) == expected
        listed, total = await latest_blockers(session, None, None, 1000, 0)
        assert listed, "no blocker is listed: the ages would prove nothing"
        assert len(listed) == total
        ages = [(b.text, b.remediation_id, b.age_sessions) for b in listed]
        assert ages == [(b.text, b.remediation_id, await expected_age(session, b)) for b in listed]
