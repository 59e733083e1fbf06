"""Keeping ``blocker_first_mentions``: each blocker key's first mention in each remediation, and
the ages read from it.

A listed blocker's age (``BlockerRead.age_sessions``) is the number of reports of its
remediation (that of its latest mention) from the first report of that remediation naming it,
that one included, by arrival: ``count(reports of R with id >= first)``. The first mention is a
row here, kept in the transaction that changes it:

- :func:`note_first_mentions` when a report with a remediation gets its blockers (stored, or
  placed in a remediation after it was stored): an upsert that keeps the smaller report id, so
  arrival order and racing writers (the unique constraint orders them) cannot leave a later one;
- :func:`renote_first_mentions` after a re-parse: its new keys as above, and a key it no longer
  names whose first mention it was moves to the next report naming it (or goes);
- :func:`merge_first_mentions` when a remediation's reports move into another.

Migration 0009 fills the table from the stored blockers. :func:`arrivals_since` counts the
reports since each first mention: one index walk per remediation, whatever the number of
blockers asked about (their ranges do not overlap).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Blocker, BlockerFirstMention, Report

_TABLE: Any = BlockerFirstMention.__table__  # type: ignore[attr-defined]


def _upsert(dialect: str, rows: Any) -> Any:
    """Insert ``rows`` (remediation_id, key, report_id); a row already there keeps the smaller
    report id."""
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    statement = insert(_TABLE).from_select(["remediation_id", "key", "report_id"], rows)
    return statement.on_conflict_do_update(
        index_elements=["remediation_id", "key"],
        set_={"report_id": statement.excluded.report_id},
        where=_TABLE.c.report_id > statement.excluded.report_id,
    )


@functools.cache
def _note_statement(dialect: str) -> Any:
    """The upsert of one report's blocker keys (built once: building it costs more than
    running it), in key order: racing upserts lock rows in one order."""
    keys = (
        sa.select(
            sa.bindparam("remediation_id", type_=sa.Integer),
            col(Blocker.key),
            sa.bindparam("report_id", type_=sa.Integer),
        )
        .where(col(Blocker.report_id) == sa.bindparam("report_id"))
        .group_by(col(Blocker.key))
        .order_by(col(Blocker.key))
    )
    return _upsert(dialect, keys)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def note_first_mentions(session: Session, report: Report) -> None:
    """Make ``report`` (its blockers inserted) the first mention of its blocker keys in its
    remediation, where no earlier report of the remediation names them."""
    if report.remediation_id is None or report.id is None:
        return
    session.exec(
        _note_statement(_dialect(session)),
        params={"remediation_id": report.remediation_id, "report_id": report.id},
    )


@functools.cache
def _note_many_statement(dialect: str) -> Any:
    keys = (
        sa.select(col(Report.remediation_id), col(Blocker.key), sa.func.min(col(Blocker.report_id)))
        .join(Report, col(Report.id) == col(Blocker.report_id))
        .where(
            col(Blocker.report_id).in_(sa.bindparam("report_ids", expanding=True)),
            col(Report.remediation_id).is_not(None),
        )
        .group_by(col(Report.remediation_id), col(Blocker.key))
        .order_by(col(Report.remediation_id), col(Blocker.key))
    )
    return _upsert(dialect, keys)


def note_first_mentions_of(session: Session, report_ids: list[int]) -> None:
    """:func:`note_first_mentions` for several reports at once (a bulk import's transaction):
    one upsert of each (remediation, key)'s earliest report among them; the same rows as one
    call per report, since a row keeps the smaller report id."""
    if report_ids:
        session.exec(_note_many_statement(_dialect(session)), params={"report_ids": report_ids})


def blocker_keys(session: Session, report_id: int) -> set[str]:
    statement = select(col(Blocker.key)).where(col(Blocker.report_id) == report_id).distinct()
    return set(session.exec(statement))


def renote_first_mentions(session: Session, report: Report, before: set[str]) -> None:
    """After ``report``'s blockers were replaced (``before``: its keys until then): its keys
    are noted, and a key it no longer names whose first mention it was moves to the next
    report of the remediation that names it, or goes when none does."""
    if report.remediation_id is None or report.id is None:
        return
    note_first_mentions(session, report)
    dropped = before - blocker_keys(session, report.id)
    if not dropped:
        return
    stale = select(BlockerFirstMention).where(
        BlockerFirstMention.remediation_id == report.remediation_id,
        BlockerFirstMention.report_id == report.id,
        col(BlockerFirstMention.key).in_(dropped),
    )
    for row in session.exec(stale).all():
        following = session.exec(
            select(sa.func.min(col(Blocker.report_id)))
            .join(Report, col(Report.id) == col(Blocker.report_id))
            .where(Report.remediation_id == row.remediation_id, Blocker.key == row.key)
        ).one()
        if following is None:
            session.delete(row)
        else:
            row.report_id = following
            session.add(row)
    session.flush()


def merge_first_mentions(session: Session, source_id: int, target_id: int) -> None:
    """After the reports of remediation ``source_id`` moved into ``target_id``: the target's
    first mention of each key is the earlier of the two."""
    moved = (
        sa.select(
            sa.literal(target_id, sa.Integer), col(BlockerFirstMention.key), _TABLE.c.report_id
        )
        .where(col(BlockerFirstMention.remediation_id) == source_id)
        .order_by(col(BlockerFirstMention.key))
    )
    session.exec(_upsert(_dialect(session), moved))
    session.exec(
        delete(BlockerFirstMention).where(col(BlockerFirstMention.remediation_id) == source_id)
    )


async def first_mentions(
    session: AsyncSession, remediation_ids: Iterable[int], keys: Iterable[str]
) -> dict[tuple[int, str], int]:
    """(remediation id, key) -> the first report naming it, for these remediations and keys."""
    statement = sa.select(
        col(BlockerFirstMention.remediation_id),
        col(BlockerFirstMention.key),
        col(BlockerFirstMention.report_id),
    ).where(
        col(BlockerFirstMention.remediation_id).in_(set(remediation_ids)),
        col(BlockerFirstMention.key).in_(set(keys)),
    )
    rows = await session.exec(statement)  # type: ignore[call-overload]
    return {(rid, key): report_id for rid, key, report_id in rows}


async def arrivals_since(
    session: AsyncSession, starts: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """(remediation id, report id) -> reports of the remediation with that id or a larger one.

    Each remediation's ids from its smallest start on are counted once: a count per range
    between consecutive starts (one statement, a range of ``ix_reports_remediation_id_id``
    each), then summed from the last range back."""
    by_remediation: dict[int, list[int]] = {}
    for remediation_id, start in set(starts):
        by_remediation.setdefault(remediation_id, []).append(start)
    ranges: list[tuple[int, int, int | None]] = []
    for remediation_id, found in by_remediation.items():
        bounds = sorted(found)
        ranges.extend(
            (remediation_id, low, high)
            for low, high in zip(bounds, [*bounds[1:], None], strict=True)
        )
    if not ranges:
        return {}
    counts = []
    for remediation_id, low, high in ranges:
        where = [col(Report.remediation_id) == remediation_id, col(Report.id) >= low]
        if high is not None:
            where.append(col(Report.id) < high)
        counts.append(
            sa.select(sa.func.count()).select_from(Report).where(*where).scalar_subquery()
        )
    found_counts = (await session.exec(sa.select(*counts))).one()  # type: ignore[call-overload]
    since: dict[tuple[int, int], int] = {}
    running: dict[int, int] = {}
    for (remediation_id, low, _), count in reversed(list(zip(ranges, found_counts, strict=True))):
        running[remediation_id] = running.get(remediation_id, 0) + count
        since[remediation_id, low] = running[remediation_id]
    return since
