"""Keeping ``latest_mentions``: each gate, coverage scope and blocker's latest mention per project.

The lists of what is failing or open now (``db.queries.latest_blockers``, ``failing_gates``,
``latest_coverage``) read this table instead of ranking every mention of the history. It is kept
in the transaction that stores or re-parses a report:

- :func:`note_latest` after a report's items are inserted: an upsert (``INSERT ... SELECT ... ON
  CONFLICT DO UPDATE ... WHERE``) that replaces a row only for a later mention, so a report stored
  after a later one (a racing poster, an import of old files) never hides the later one, and two
  racing posters are ordered by the database's unique constraint, not by the processes;
- :func:`renote_latest` after ``replace_parse``: the rows pointing at the report are dropped and
  made again from its new items; a key it no longer mentions falls back to the latest other
  mention.

"Latest" is the order the lists always used: the largest report id, then the smallest position in
that report. Migration 0005 fills the table from the rows stored before it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, delete, select

from db.models import Blocker, CoverageFigure, Gate, LatestMention, Report
from db.models.items import KEY_MAX

COLUMNS = ("project_id", "kind", "key", "variant", "report_id", "item_id", "position", "state")


@dataclass(frozen=True, slots=True)
class MentionKind:
    name: str  #: ``latest_mentions.kind``
    table: Any  #: the item table
    variant: Callable[[], sa.ColumnElement[str]]  #: besides the key, what tells mentions apart
    state: Callable[[], sa.ColumnElement[str]]  #: what the lists filter on


def _no_variant() -> sa.ColumnElement[str]:
    return sa.literal("", sa.String)


def _coverage_metric() -> sa.ColumnElement[str]:
    return sa.func.coalesce(sa.func.substr(col(CoverageFigure.metric), 1, KEY_MAX), "")


def _gate_status() -> sa.ColumnElement[str]:
    return cast(sa.ColumnElement[str], col(Gate.status))


def _blocker_state() -> sa.ColumnElement[str]:
    return sa.case((col(Blocker.resolved), "resolved"), else_="open")


KINDS: dict[str, MentionKind] = {
    kind.name: kind
    for kind in (
        MentionKind("gate", Gate, _no_variant, _gate_status),
        MentionKind("coverage", CoverageFigure, _coverage_metric, _no_variant),
        MentionKind("blocker", Blocker, _no_variant, _blocker_state),
    )
}


def latest_of(kind: MentionKind, *conditions: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """Among the kind's items matching ``conditions``, the latest per (project, key, variant),
    as rows of ``COLUMNS``, in key order (racing upserts then lock rows in one order)."""
    table = kind.table
    variant = kind.variant()
    rank = sa.func.row_number().over(
        partition_by=(col(Report.project_id), table.key, variant),
        order_by=(table.report_id.desc(), table.position),
    )
    ranked = (
        sa.select(
            col(Report.project_id),
            sa.literal(kind.name, sa.String).label("kind"),
            table.key.label("key"),
            variant.label("variant"),
            table.report_id.label("report_id"),
            table.id.label("item_id"),
            table.position.label("position"),
            kind.state().label("state"),
            rank.label("rank"),
        )
        .join(Report, col(Report.id) == table.report_id)
        .where(*conditions)
        .subquery()
    )
    # the WHERE also keeps SQLite's parser from reading ON CONFLICT as a join's ON
    return (
        sa.select(*(ranked.c[name] for name in COLUMNS))
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.key, ranked.c.variant)
    )


def upsert(dialect: str, rows: sa.Select[Any]) -> Any:
    """Insert ``rows`` (of ``COLUMNS``) into ``latest_mentions``; a row already there is
    replaced only by a later mention."""
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    table = LatestMention.__table__  # type: ignore[attr-defined]
    statement = insert(table).from_select(list(COLUMNS), rows)
    new = statement.excluded
    later = sa.or_(
        table.c.report_id < new.report_id,
        sa.and_(table.c.report_id == new.report_id, table.c.position > new.position),
    )
    return statement.on_conflict_do_update(
        index_elements=["project_id", "kind", "key", "variant"],
        set_={name: new[name] for name in ("report_id", "item_id", "position", "state")},
        where=later,
    )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@functools.cache
def _note_statement(dialect: str, kind_name: str) -> Any:
    """The upsert of one report's mentions of a kind (built once: constructing it costs more
    than running it)."""
    kind = KINDS[kind_name]
    return upsert(dialect, latest_of(kind, kind.table.report_id == sa.bindparam("report_id")))


def note_latest(session: Session, report: Report, stored: Container[Any] | None = None) -> None:
    """Make ``report``'s gates, coverage figures and blockers (inserted already) the latest
    mentions of their keys, where no later report mentions them. ``stored``: the item tables
    the report has rows in, when the caller knows (a kind without rows has nothing to note,
    and its statement is skipped)."""
    dialect = _dialect(session)
    for name, kind in KINDS.items():
        if stored is not None and kind.table not in stored:
            continue
        statement = _note_statement(dialect, name)
        session.exec(statement, params={"report_id": report.id})


@functools.cache
def _note_many_statement(dialect: str, kind_name: str) -> Any:
    kind = KINDS[kind_name]
    among = kind.table.report_id.in_(sa.bindparam("report_ids", expanding=True))
    return upsert(dialect, latest_of(kind, among))


def note_latest_of(session: Session, report_ids: list[int]) -> None:
    """:func:`note_latest` for several reports at once (a bulk import's transaction): one upsert
    per kind, of each key's latest mention among them. The same rows as one call per report in
    id order: a row is only ever replaced by a later mention."""
    if not report_ids:
        return
    dialect = _dialect(session)
    for name in KINDS:
        session.exec(_note_many_statement(dialect, name), params={"report_ids": report_ids})


def renote_latest(session: Session, report: Report) -> None:
    """After ``report``'s items were replaced: its latest mentions are made again from its new
    items; a key it no longer mentions gets the latest mention in another report, if any."""
    pointing = select(LatestMention.kind, LatestMention.key, LatestMention.variant).where(
        LatestMention.report_id == report.id
    )
    before = set(session.exec(pointing))
    session.exec(delete(LatestMention).where(col(LatestMention.report_id) == report.id))
    note_latest(session, report)
    now = set(session.exec(pointing))
    dropped = before - now
    dialect = _dialect(session)
    for kind in KINDS.values():
        keys = {key for name, key, _ in dropped if name == kind.name}
        if keys:
            elsewhere = latest_of(
                kind, col(Report.project_id) == report.project_id, kind.table.key.in_(keys)
            )
            session.exec(upsert(dialect, elsewhere))
