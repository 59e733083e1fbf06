"""Rows of gate tables: name, target, current and the status column (or marks in the row)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsers.document import Block, Document
from parsers.extractors.gates.common import claimed, clean_name, make_gate
from parsers.models import Gate
from parsers.quantities import first_quantity
from parsers.tables import (
    column_roles,
    has_mark,
    name_column,
)


def gates_from_table(doc: Document, block: Block) -> Iterator[Gate]:
    table = block.table
    if table is None:
        return
    columns = column_roles(table.header_texts, doc.vocab)
    name_at = name_column(table, columns)
    target_at = columns.get("target")
    current_at = next(
        (columns.get(r) for r in ("current", "coverage") if columns.get(r) is not None), None
    )
    status_at = columns.get("status")
    summary = doc.vocab.role("gates", "summary_row")
    for row in table.rows:
        texts = row.texts
        if name_at >= len(texts):
            continue
        name = texts[name_at]
        if not clean_name(name) or summary.exact(name):
            continue
        if IDENTIFIER.match(clean_name(name)):
            described_at = columns.get("description")
            described = (
                clean_name(texts[described_at])
                if described_at is not None and described_at < len(texts)
                else _description(texts, name_at, {target_at, current_at, status_at})
            )
            if described:
                name = f"{clean_name(name)}: {described}"
        linked = _link_name(table.header_texts, texts, doc)
        if linked:
            name = linked  # "| From | To | ... |": the gate is the link itself
        target = texts[target_at] if target_at is not None and target_at < len(texts) else None
        if target is not None and target.strip(" *_").lower() in NO_VALUE:
            target = None  # "| Killed | 80 | 95 | — |": the row has no target
        current = texts[current_at] if current_at is not None and current_at < len(texts) else None
        if current is None:
            # "| Gate | Status | Result |" with "10.85% (目标100%)": the numbers are the current
            current = next(
                (
                    t
                    for i, t in enumerate(texts)
                    if i not in (name_at, status_at) and first_quantity(t) is not None
                ),
                None,
            )
        if current is not None and target is None:
            target = _embedded_target(current, doc)
        if status_at is not None and status_at < len(texts):
            claim, warning = claimed(texts[status_at], doc)
            if current is None:
                current = clean_name(texts[status_at]) or None
        else:
            others = [t for i, t in enumerate(texts) if i != name_at and has_mark(t)]
            claim, warning = claimed(" ".join(others), doc) if others else (None, False)
        gate = make_gate(doc, name, row.line, "table", target, current, claim, warning)
        if gate is not None:
            yield gate


# an empty cell: nothing, a dash, "n/a" (bold or not)
NO_VALUE = frozenset({"", "-", "--", "–", "—", "n/a", "na", "none"})


EMBEDDED_TARGET = re.compile(
    r"[(（]\s*([^\d()（）]{1,12}?)\s*[:：]?\s*([<>≥≤]?=?\s?\d[\d.]*\s?%?)\s*[)）]"
)


def _embedded_target(current: str, doc: Document) -> str | None:
    """``10.85% (目标100%)`` / ``66.7% (target: 80%)``: a target stated beside the value."""
    match = EMBEDDED_TARGET.search(current)
    if match is None or not doc.vocab.role("columns", "target").found(match.group(1)):
        return None
    return match.group(2).strip()


def _link_name(headers: list[str], texts: list[str], doc: Document) -> str | None:
    """``| From | To | Status |`` rows name a link: ``engine.py → skat_r.py``."""
    if len(headers) < 3 or len(texts) < 2:
        return None
    vocab = doc.vocab
    if vocab.role("columns", "link_from").exact(headers[0]) and vocab.role(
        "columns", "link_to"
    ).exact(headers[1]):
        return f"{clean_name(texts[0])} → {clean_name(texts[1])}"
    return None


IDENTIFIER = re.compile(r"^[A-Za-z]{1,8}[-_.]?[A-Za-z]{0,8}[-_.]?\d{1,4}(?:\.\d{1,3})?$")


def _description(texts: list[str], name_at: int, taken: set[int | None]) -> str | None:
    """The first wordy cell after an identifier (``TEST-01 | pytest-cov configured ...``)."""
    for index in range(name_at + 1, len(texts)):
        if index in taken:
            continue
        text = clean_name(texts[index])
        wordy = sum(1 for word in text.split() if any(ch.isalpha() for ch in word)) >= 2
        if wordy or (text and not text.isascii()):
            return text
    return None
    return None
