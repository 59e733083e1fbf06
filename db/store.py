"""Writing a parsed report and reading it back as a ``ParsedReport``.

``ITEM_TABLES`` maps each list of :class:`parsers.models.ParsedReport` to its table. Storing is
lossless for everything a database can hold; what it cannot (NUL characters in text, numbers
beyond 64 bits, infinities) is made storable and noted as a parse issue on the report, while the
raw markdown keeps the original.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy import delete, insert
from sqlmodel import Session, SQLModel, col
from sqlmodel.ext.asyncio.session import AsyncSession

import parsers.models as pm
from db.dashboard import revise_project
from db.engine import run_sync
from db.first_mentions import blocker_keys, note_first_mentions, renote_first_mentions
from db.latest import note_latest, renote_latest
from db.models import (
    Blocker,
    BlockerBase,
    Command,
    CommandBase,
    CoverageFigure,
    CoverageFigureBase,
    CoverageForecast,
    CoverageForecastBase,
    FileChange,
    FileChangeBase,
    Finding,
    FindingBase,
    Gate,
    GateBase,
    ParseIssue,
    ParseIssueBase,
    Report,
    Section,
    SectionBase,
    TestRun,
    TestRunBase,
)
from db.models.items import KEY_MAX
from db.sessions import stored_sequence_number

INT64 = 2**63 - 1
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ItemTable:
    field: str  #: the ParsedReport list
    model: type[pm.Item]  #: the parser's item model
    base: type[SQLModel]  #: the table's XBase: exactly the parser's fields
    table: type[SQLModel]
    key_of: str | None = None  #: the field whose normalised text is stored as ``key``


ITEM_TABLES: tuple[ItemTable, ...] = (
    ItemTable("gates", pm.Gate, GateBase, Gate, key_of="name"),
    ItemTable("coverage", pm.CoverageFigure, CoverageFigureBase, CoverageFigure, key_of="scope"),
    ItemTable("coverage_forecasts", pm.CoverageForecast, CoverageForecastBase, CoverageForecast),
    ItemTable("tests", pm.TestRun, TestRunBase, TestRun),
    ItemTable("files_changed", pm.FileChange, FileChangeBase, FileChange),
    ItemTable("blockers", pm.Blocker, BlockerBase, Blocker, key_of="text"),
    ItemTable("commands", pm.Command, CommandBase, Command),
    ItemTable("sections", pm.Section, SectionBase, Section),
    ItemTable("findings", pm.Finding, FindingBase, Finding),
    # last: written after the others, with the notes made while storing them
    ItemTable("issues", pm.ParseIssue, ParseIssueBase, ParseIssue),
)

META_COLUMNS = ("title", "kind", "author", "date", "sequence", "in_response_to", "scope")


def normalise_key(text: str) -> str:
    """The name of a gate, scope or blocker reduced for matching: case and spacing ignored."""
    return _SPACES.sub(" ", text).strip().casefold()[:KEY_MAX]


@cache
def _fields(spec: ItemTable) -> tuple[tuple[str, bool], ...]:
    """The item fields of ``spec``'s table, each with whether it is required."""
    return tuple((name, info.is_required()) for name, info in spec.base.model_fields.items())


def _plainly_storable(value: Any) -> bool:
    """Whether :meth:`_Storable.value` would keep ``value`` as it is (most values: checked first,
    as storing a report checks every field of every item)."""
    kind = type(value)
    if kind is str:
        return "\x00" not in value
    if value is None or kind is bool:
        return True
    if kind is int:
        return bool(-INT64 <= value <= INT64)
    if kind is float:
        return math.isfinite(value)
    return False


class _Storable:
    """Makes one report's values storable, collecting a parse issue for each change it makes."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def value(self, where: str, value: Any, required: bool) -> tuple[Any, bool]:
        """(storable value, keep the item)."""
        if isinstance(value, str) and "\x00" in value:
            self.notes.append(f"{where}: NUL characters replaced by U+FFFD for storage")
            return value.replace("\x00", "\ufffd"), True
        if isinstance(value, bool) or value is None:
            return value, True
        if isinstance(value, int) and abs(value) > INT64:
            self.notes.append(f"{where}: {value} is too large to store")
            return None, not required
        if isinstance(value, float) and not math.isfinite(value):
            self.notes.append(f"{where}: {value} is not a finite number and was not stored")
            return None, not required
        return value, True

    def row(self, spec: ItemTable, position: int, item: pm.Item) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        for name, required in _fields(spec):
            value = getattr(item, name)
            if not _plainly_storable(value):
                where = f"{spec.field}[{position}].{name}"
                value, keep = self.value(where, value, required)
                if not keep:
                    return None
            values[name] = value
        if spec.key_of is not None:
            values["key"] = normalise_key(values[spec.key_of])
        values["position"] = position
        return values


def report_date(date: str | None) -> dt.date | None:
    if date is None:
        return None
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        return None


def _meta_values(parsed: pm.ParsedReport, storable: _Storable) -> dict[str, Any]:
    meta = parsed.meta
    values: dict[str, Any] = {}
    for name in META_COLUMNS:
        values[name], _ = storable.value(f"meta.{name}", getattr(meta, name), required=False)
    values["report_date"] = report_date(values["date"])
    values["sequence_number"] = stored_sequence_number(values["sequence"])
    values["meta_lines"] = dict(meta.lines)
    values["summary"] = parsed.summary
    values["parser_version"] = parsed.parser_version
    return values


def _item_rows(parsed: pm.ParsedReport, storable: _Storable) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for spec in ITEM_TABLES:
        if spec.field == "issues":
            continue  # written last, with the notes made while storing the others
        items: list[pm.Item] = list(getattr(parsed, spec.field))
        rows[spec.field] = [
            row
            for position, item in enumerate(items)
            if (row := storable.row(spec, position, item))
        ]
    issues: list[pm.Item] = [
        *parsed.issues,
        *(pm.ParseIssue(line=None, message=note) for note in storable.notes),
    ]
    issue_spec = ITEM_TABLES[-1]
    rows[issue_spec.field] = [
        row
        for position, item in enumerate(issues)
        if (row := storable.row(issue_spec, position, item))
    ]
    return rows


@dataclass(frozen=True, slots=True)
class StorableParse:
    """A parse as it is stored: the report's columns and its items' rows, made storable.

    Depends on the parse alone, so that a bulk import makes it in its parser processes."""

    columns: dict[str, Any]  #: the report's columns that come from the parse
    rows: dict[str, list[dict[str, Any]]]  #: by ``ItemTable.field``, without ``report_id``
    notes: list[str]  #: what had to change to be storable (also among the issue rows)


def storable_parse(parsed: pm.ParsedReport) -> StorableParse:
    storable = _Storable()
    columns = _meta_values(parsed, storable)
    rows = _item_rows(parsed, storable)
    return StorableParse(columns, rows, storable.notes)


def apply_columns(report: Report, columns: dict[str, Any]) -> None:
    for name, value in columns.items():
        setattr(report, name, value)


#: the item tables by their ParsedReport list
TABLE_OF = {spec.field: spec.table for spec in ITEM_TABLES}


def insert_rows(session: Session, rows: dict[str, list[dict[str, Any]]]) -> None:
    """One Core insert per item table of ``rows`` (each row with its ``report_id``): the ORM's
    bulk path would build and track an object per row, which nothing here reads back."""
    for field, values in rows.items():
        if values:
            session.exec(insert(TABLE_OF[field].__table__), params=values)  # type: ignore[attr-defined]


def _insert_items(
    session: Session, report_id: int, rows: dict[str, list[dict[str, Any]]]
) -> set[type[SQLModel]]:
    """Insert the report's items; the tables that got rows."""
    for values in rows.values():
        for value in values:
            value["report_id"] = report_id
    insert_rows(session, rows)
    return {TABLE_OF[field] for field, values in rows.items() if values}


def add_report(
    session: Session,
    report: Report,
    parsed: pm.ParsedReport,
    before_insert: Callable[[Report], None] | None = None,
) -> list[str]:
    """Add ``report`` (raw, sha256, poster fields set) with ``parsed``'s meta and items; no commit.

    The caller commits, so that the report and its items land in one transaction or not at all.
    ``before_insert`` may set more columns once the meta are on the report (its remediation:
    one INSERT then, not an INSERT and an UPDATE). Returns the notes on what had to change to
    be storable (also stored as parse issues).
    """
    prepared = storable_parse(parsed)
    apply_columns(report, prepared.columns)
    if before_insert is not None:
        before_insert(report)
    session.add(report)
    session.flush()
    if report.id is None:  # pragma: no cover - flush assigns the key
        raise RuntimeError("the report was not given an id")
    stored = _insert_items(session, report.id, prepared.rows)
    # a new report is the latest and the first mention only of what it has rows for
    note_latest(session, report, stored)
    if Blocker in stored:
        note_first_mentions(session, report)
    return prepared.notes


def replace_parse(session: Session, report: Report, parsed: pm.ParsedReport) -> None:
    """Swap a stored report's meta and items for ``parsed`` (the raw markdown is untouched), and
    raise its project's revision, so that the dashboard reads the project again. Its latest and
    first mentions follow (``db.latest``, ``db.first_mentions``)."""
    if report.id is None:
        raise ValueError("the report is not stored")
    session.exec(revise_project(report.project_id))
    before = blocker_keys(session, report.id) if report.remediation_id is not None else set()
    for spec in ITEM_TABLES:
        session.exec(delete(spec.table).where(col(spec.table.report_id) == report.id))  # type: ignore[attr-defined]
    prepared = storable_parse(parsed)
    apply_columns(report, prepared.columns)
    session.add(report)
    _insert_items(session, report.id, prepared.rows)
    renote_latest(session, report)
    renote_first_mentions(session, report, before)


@cache
def _items_statement(spec: ItemTable) -> tuple[list[str], Any]:
    """The item fields of ``spec`` and the statement reading them for report ``:report_id``, in
    order: built once (building and keying a statement cost more than running it)."""
    columns = spec.table.__table__.c  # type: ignore[attr-defined]
    names = list(spec.base.model_fields)
    statement = (
        sa.select(*(columns[name] for name in names))
        .where(columns.report_id == sa.bindparam("report_id", type_=sa.Integer()))
        .order_by(columns.position)
    )
    return names, statement


def _load_items(
    session: Session, report_id: int | None, only: frozenset[str] | None
) -> dict[str, list[BaseModel]]:
    lists: dict[str, list[BaseModel]] = {}
    for spec in ITEM_TABLES:
        if only is not None and spec.field not in only:
            continue
        names, statement = _items_statement(spec)
        # plain rows through the connection, not table objects: this runs for the previous
        # session of every stored report, and building and dumping ORM objects cost most of it
        rows = session.connection().execute(statement, {"report_id": report_id}).all()
        lists[spec.field] = [
            spec.model.model_validate(dict(zip(names, row, strict=True))) for row in rows
        ]
    return lists


def stored_items(stored: StorableParse, only: frozenset[str]) -> pm.ParsedReport:
    """:func:`load_items` of a report from the rows it is stored with, without reading them
    back: the lists named in ``only``, as the database returns them."""
    lists: dict[str, list[BaseModel]] = {}
    for spec in ITEM_TABLES:
        if spec.field in only:
            names = list(spec.base.model_fields)
            lists[spec.field] = [
                spec.model.model_validate({name: row[name] for name in names})
                for row in stored.rows[spec.field]
            ]
    return pm.ParsedReport(parser_version="", **lists)


async def load_parsed(
    session: AsyncSession, report: Report, only: frozenset[str] | None = None
) -> pm.ParsedReport:
    """:func:`read_parsed` from an async session."""
    return await run_sync(session, read_parsed, report, only)


def read_parsed(
    session: Session, report: Report, only: frozenset[str] | None = None
) -> pm.ParsedReport:
    """The stored parse of ``report``, in the parser's own model (with only the item lists
    named in ``only`` when given: the rest are left empty)."""
    meta = pm.Meta(
        **{name: getattr(report, name) for name in META_COLUMNS}, lines=report.meta_lines
    )
    lists = _load_items(session, report.id, only)
    return pm.ParsedReport(
        parser_version=report.parser_version, meta=meta, summary=report.summary, **lists
    )


def load_items(session: Session, report_id: int, only: frozenset[str]) -> pm.ParsedReport:
    """Only the item lists named in ``only`` of a stored report (no meta): reading them this way
    skips loading the report's row, raw markdown included."""
    lists = _load_items(session, report_id, only)
    return pm.ParsedReport(parser_version="", **lists)
