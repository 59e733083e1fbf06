"""Header fields: ``**Label:** value`` lines, ``| Label | value |`` rows and front matter keys.

Reports state their metadata and headline figures as labelled fields in many shapes; this module
finds them once, with their source lines, so that the meta, gate, coverage and test extractors
all read the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from parsers.document import Block, Document

# "Label: value" inside one line; the label is short and does not look like a sentence.
FIELD_LINE = re.compile(r"^[\s>*\-+•·]*([^:：\n|]{1,48}?)\s*[:：]\s*(.*)$")
TIME_OF_DAY = re.compile(r"^\d{1,2}:\d{2}$")
URL_START = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@dataclass(slots=True)
class Field:
    label: str
    value: str
    line: int
    block: Block | None  # None for front matter
    source: str  # "line" | "table" | "front_matter"


def split_field(text: str) -> tuple[str, str] | None:
    match = FIELD_LINE.match(text)
    if match is None:
        return None
    label, value = match.group(1).strip(), match.group(2).strip()
    if not label or URL_START.match(text.strip()) or label.count(" ") > 6:
        return None
    if TIME_OF_DAY.match(f"{label}:{value[:2]}"):  # a time such as 10:23, not a field
        return None
    return label, value


def block_fields(block: Block) -> Iterator[Field]:
    """Fields in one paragraph: every line of the form ``Label: value``.

    A line without a label continues the previous field's value (wrapped header values)."""
    if block.kind != "paragraph":
        return
    previous: Field | None = None
    for offset, raw in enumerate(block.text.split("\n")):
        parsed = split_field(raw)
        if parsed is None:
            if previous is not None and raw.strip() and not previous.value.endswith(":"):
                previous.value = f"{previous.value} {raw.strip()}".strip()
            continue
        if previous is not None:
            yield previous
        previous = Field(parsed[0], parsed[1], block.line + offset, block, "line")
    if previous is not None:
        yield previous


def table_fields(block: Block) -> Iterator[Field]:
    """Two-column key/value tables (``| **Date** | 2025-01-01 |``)."""
    table = block.table
    if table is None or len(table.header) != 2:
        return
    rows = [(table.line, table.header_texts)] + [(row.line, row.texts) for row in table.rows]
    for line, texts in rows:
        if len(texts) >= 2 and texts[0] and texts[1]:
            yield Field(texts[0].rstrip(":："), texts[1], line, block, "table")


def front_matter_fields(doc: Document) -> Iterator[Field]:
    data: dict[str, Any] = doc.front_matter or {}
    for key, value in data.items():
        line = _front_matter_line(doc, str(key))
        if isinstance(value, int | float) and not isinstance(value, bool):
            # YAML reads `plan: 01` as 1; keep what the report wrote
            raw = doc.lines[line - 1].split(":", 1)[-1].strip().strip("'\"")
            yield Field(str(key), raw or str(value), line, None, "front_matter")
        elif isinstance(value, str):
            yield Field(str(key), value, line, None, "front_matter")
        elif hasattr(value, "isoformat"):  # YAML dates and datetimes
            yield Field(str(key), value.isoformat(), line, None, "front_matter")


def _front_matter_line(doc: Document, key: str) -> int:
    prefix = f"{key}:"
    for number, line in enumerate(doc.lines[: doc.front_matter_end], start=1):
        if line.startswith(prefix):
            return number
    return 1


def iter_fields(doc: Document, until_line: int | None = None) -> Iterator[Field]:
    """All labelled fields in document order (front matter first)."""
    yield from front_matter_fields(doc)
    previous: Block | None = None
    for block in doc.blocks:
        if until_line is not None and block.line > until_line:
            return
        if block.kind == "heading" and block.level > 1:
            parsed = split_field(block.text)  # "## Track: tech_debt_20251228"
            if parsed is not None and parsed[1]:
                yield Field(parsed[0], parsed[1], block.line, block, "heading")
        if block.kind == "paragraph":
            if previous is not None and previous.kind == "heading" and previous.level > 1:
                # "## 実行日時" followed by "2025年11月4日 10:23": a heading used as a label
                first_line = block.text.split("\n", 1)[0].strip()
                if first_line and len(first_line) <= 80:
                    yield Field(previous.text.strip(), first_line, block.line, block, "heading")
            yield from block_fields(block)
        elif block.kind == "table":
            yield from table_fields(block)
        previous = block
