"""A remediation's sessions in session order, read in SQL.

Session order is :func:`reports_service.progress.history.session_order`'s rule: by sequence
number where every report of the remediation has one, else by report date where every one has
one, else by arrival (id); ties by id. The sequence number is stored on the report
(``reports.sequence_number``, set by the store and by reparse from :func:`sequence_number`), so
which of the three applies is a few index probes, and the latest sessions are an ``ORDER BY ...
LIMIT`` on an index of the remediation's reports (``ix_reports_remediation_id_*``): a page of a
remediation of 25,000 sessions reads its 200 rows, not 25,000.

A number too large for a 64-bit column is stored as :data:`SEQUENCE_MAX`; a remediation ordered
by sequence numbers that holds one is ordered in Python from every row instead, as before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, Literal, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col

from db.models import Report

#: the largest sequence number stored as it is (a BIGINT)
SEQUENCE_MAX = 2**63 - 1

_DIGITS = re.compile(r"\d+")

Ordering = Literal["sequence", "date", "arrival"]


def sequence_number(sequence: str | None) -> int | None:
    """The first run of digits of a report's sequence field, as a number; None without one.
    A run longer than ``int()`` converts (a stored report of an older parser) orders last."""
    match = _DIGITS.search(sequence or "")
    if match is None:
        return None
    try:
        return int(match.group())
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return SEQUENCE_MAX + 1


def stored_sequence_number(sequence: str | None) -> int | None:
    """:func:`sequence_number` as ``reports.sequence_number`` keeps it: at most
    :data:`SEQUENCE_MAX` (so that storing never fails on a long run of digits)."""
    match = _DIGITS.search(sequence or "")
    if match is None:
        return None
    try:
        return min(int(match.group()), SEQUENCE_MAX)
    except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
        return SEQUENCE_MAX


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A report as a remediation's history reads it (never the raw markdown)."""

    id: int
    title: str | None
    date: str | None
    agent: str | None
    received_at: dt.datetime
    kind: str
    sequence: str | None
    report_date: dt.date | None


@dataclass(frozen=True, slots=True)
class SessionKey:
    """What the session order reads of a report."""

    id: int
    sequence: str | None
    report_date: dt.date | None


RowT = TypeVar("RowT", covariant=True)


@dataclass(frozen=True, slots=True)
class Sessions(Generic[RowT]):
    """The latest sessions of a series of reports, and what is counted over all of them."""

    latest: Sequence[RowT]  #: in session order, the last ones
    count: int  #: every session
    first_received_at: dt.datetime | None
    last_received_at: dt.datetime | None


_ROW_COLUMNS = (
    col(Report.id),
    col(Report.title),
    col(Report.date),
    col(Report.agent),
    col(Report.received_at),
    col(Report.kind),
    col(Report.sequence),
    col(Report.report_date),
)


def _in(remediation_id: int | sa.BindParameter[int]) -> sa.ColumnElement[bool]:
    return col(Report.remediation_id) == remediation_id


def _order_key(ordering: Ordering) -> tuple[Any, ...]:
    """The columns a remediation's reports are sorted by, in the index that serves each."""
    if ordering == "sequence":
        return (col(Report.sequence_number), col(Report.id))
    if ordering == "date":
        return (col(Report.report_date), col(Report.id))
    return (col(Report.id),)


def _first(remediation_id: int, column: Any, descending: bool = False) -> Any:
    ordered = column.desc() if descending else column
    return sa.select(column).where(_in(remediation_id)).order_by(ordered).limit(1)


def _probes(remediation_id: int | sa.BindParameter[int]) -> tuple[Any, ...]:
    """Is there a report without a sequence number, one without a date, one with a number too
    large for SQL: three seeks in the remediation's indexes."""
    within = _in(remediation_id)
    return (
        sa.exists().where(within, col(Report.sequence_number).is_(None)),
        sa.exists().where(within, col(Report.report_date).is_(None)),
        sa.exists().where(within, col(Report.sequence_number) == SEQUENCE_MAX),
    )


def _ordering(unnumbered: bool, undated: bool, too_large: bool) -> Ordering | None:
    """The ordering :func:`_probes` found (None: by sequence numbers, one too large for SQL)."""
    if not unnumbered:
        return None if too_large else "sequence"
    return "arrival" if undated else "date"


def session_keys(session: Session, remediation_id: int) -> list[SessionKey]:
    """Every report of a remediation, with only what orders them."""
    statement = sa.select(col(Report.id), col(Report.sequence), col(Report.report_date)).where(
        _in(remediation_id)
    )
    rows = session.connection().execute(statement).all()
    return [SessionKey(*row) for row in rows]  # type: ignore[arg-type]  # stored ids are set


def _ordered_in_python(session: Session, remediation_id: int) -> list[SessionKey]:
    """Every report by (sequence number, id): the order when one number is too large to keep
    in SQL (every report has a number, or this is not called)."""

    def number_then_id(key: SessionKey) -> tuple[int, int]:
        number = sequence_number(key.sequence)
        return (0 if number is None else number, key.id)

    return sorted(session_keys(session, remediation_id), key=number_then_id)


def latest_sessions(session: Session, remediation_id: int, limit: int) -> Sessions[SessionRow]:
    """The remediation's last ``limit`` sessions in session order, its count of sessions and
    its first and last arrival times."""
    within = _in(remediation_id)
    survey = sa.select(
        *_probes(remediation_id),
        sa.select(sa.func.count()).select_from(Report).where(within).scalar_subquery(),
        _first(remediation_id, col(Report.received_at)).scalar_subquery(),
        _first(remediation_id, col(Report.received_at), descending=True).scalar_subquery(),
    )
    connection = session.connection()
    found: Any = connection.execute(survey).one()
    unnumbered, undated, too_large, count, first, last = found
    ordering = _ordering(unnumbered, undated, too_large)
    if ordering is None:
        ids = [key.id for key in _ordered_in_python(session, remediation_id)[-limit:]]
        chosen = connection.execute(sa.select(*_ROW_COLUMNS).where(col(Report.id).in_(ids)))
        by_id = {row[0]: row for row in chosen}
        rows = [by_id[i] for i in ids]
    else:
        statement = (
            sa.select(*_ROW_COLUMNS)
            .where(within)
            .order_by(*(column.desc() for column in _order_key(ordering)))
            .limit(limit)
        )
        rows = list(reversed(connection.execute(statement).all()))
    return Sessions(
        latest=[SessionRow(*row) for row in rows],  # type: ignore[arg-type]  # ids are set
        count=count,
        first_received_at=first,
        last_received_at=last,
    )


@cache
def _survey_statement() -> Any:
    """:func:`_probes` of remediation ``:remediation_id``, and the sequence number and date of
    report ``:report_id``: built once (building and keying a statement cost more than running
    it)."""
    remediation_id = sa.bindparam("remediation_id", type_=sa.Integer())
    report = col(Report.id) == sa.bindparam("report_id", type_=sa.Integer())

    def own(column: Any) -> Any:
        return sa.select(column).where(report).scalar_subquery()

    return sa.select(
        *_probes(remediation_id),
        own(col(Report.sequence_number)),
        own(col(Report.report_date)),
    )


@cache
def _beside_statement(ordering: Ordering) -> Any:
    """The ids just before and just after the position ``:k0, ...`` (the values of
    :func:`_order_key`) in remediation ``:remediation_id``; built once per ordering."""
    key = _order_key(ordering)
    here = sa.tuple_(*(sa.bindparam(f"k{i}", type_=column.type) for i, column in enumerate(key)))
    position = sa.tuple_(*key)
    within = _in(sa.bindparam("remediation_id", type_=sa.Integer()))

    def beside(before: bool) -> Any:
        return (
            sa.select(col(Report.id))
            .where(within, position < here if before else position > here)
            .order_by(*(column.desc() if before else column for column in key))
            .limit(1)
            .scalar_subquery()
        )

    return sa.select(beside(True), beside(False))


@dataclass(slots=True)
class OrderSurvey:
    """What decides a remediation's session order (:func:`_probes`), kept up to date in memory
    by a bulk import as it adds reports (:meth:`add`)."""

    unnumbered: bool
    undated: bool
    too_large: bool

    @property
    def ordering(self) -> Ordering | None:
        return _ordering(self.unnumbered, self.undated, self.too_large)

    def add(self, sequence_number: int | None, report_date: dt.date | None) -> None:
        self.unnumbered = self.unnumbered or sequence_number is None
        self.undated = self.undated or report_date is None
        self.too_large = self.too_large or sequence_number == SEQUENCE_MAX


def survey_order(session: Session, remediation_id: int) -> OrderSurvey:
    found = session.connection().execute(sa.select(*_probes(remediation_id))).one()
    return OrderSurvey(*found)


def neighbours(
    session: Session, remediation_id: int, report_id: int
) -> tuple[int | None, int | None]:
    """The ids of the sessions just before and just after report ``report_id`` in its
    remediation's session order (None at either end): index seeks, whatever its length."""
    connection = session.connection()
    ids = {"remediation_id": remediation_id, "report_id": report_id}
    *probed, number, date = connection.execute(_survey_statement(), ids).one()
    ordering = _ordering(*probed)
    if ordering is None:
        return _neighbours_in_python(session, remediation_id, report_id)
    own = {"sequence": (number, report_id), "date": (date, report_id), "arrival": (report_id,)}
    return neighbours_at(session, remediation_id, ordering, own[ordering])


def _neighbours_in_python(
    session: Session, remediation_id: int, report_id: int
) -> tuple[int | None, int | None]:
    ids = [key.id for key in _ordered_in_python(session, remediation_id)]
    at = ids.index(report_id)
    return (ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None)


def neighbours_of(
    session: Session, remediation_id: int, survey: OrderSurvey, report: Report
) -> tuple[int | None, int | None]:
    """:func:`neighbours` of a stored ``report`` whose remediation's order is ``survey`` (known
    already, and its own key read from the object): one statement, not three."""
    if report.id is None:
        raise ValueError("the report is not stored")
    ordering = survey.ordering
    if ordering is None:
        return _neighbours_in_python(session, remediation_id, report.id)
    own: tuple[Any, ...] = (report.id,)
    if ordering == "sequence":
        own = (report.sequence_number, report.id)
    elif ordering == "date":
        own = (report.report_date, report.id)
    return neighbours_at(session, remediation_id, ordering, own)


def neighbours_at(
    session: Session, remediation_id: int, ordering: Ordering, own: tuple[Any, ...]
) -> tuple[int | None, int | None]:
    """The ids of the sessions just before and just after the order key ``own`` (the values
    of :func:`_order_key`), with the statement built once per ordering."""
    values = {f"k{i}": value for i, value in enumerate(own)}
    previous, following = (
        session.connection()
        .execute(_beside_statement(ordering), {"remediation_id": remediation_id, **values})
        .one()
    )
    return previous, following
