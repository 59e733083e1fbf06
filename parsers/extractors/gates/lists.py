"""Checkbox and status-marked items, marked lines and marked headings under criteria headings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsers.document import Block, Document, ListItem, Section
from parsers.extractors.gates.common import (
    LEADING_MARK,
    TRAILING_MARK,
    claimed,
    clean_name,
    item_mark,
    make_gate,
)
from parsers.fields import split_field
from parsers.models import Gate, GateSource, Status
from parsers.quantities import first_quantity
from parsers.tables import (
    section_has,
    status_of,
)


def gates_from_items(doc: Document) -> Iterator[Gate]:
    """Checkbox and status-marked list items under gate headings."""
    for item in doc.items:
        block = item.blocks[0] if item.blocks else None
        if block is None or block.kind != "paragraph":
            continue
        # criteria lists sit right under their heading; bullets deeper down are detail
        in_gates = (
            section_has(doc, block, "gates", 1)
            and not section_has(doc, block, "howto", 1)
            and not section_has(doc, block, "not_gates", 1)
        )
        # a checklist may sit a level below its criteria heading ("## Verified / ### DB")
        listed = (
            section_has(doc, block, "gates", 2)
            and not section_has(doc, block, "howto", 2)
            and not section_has(doc, block, "not_gates", 1)
        )
        if item.checkbox is not None:
            if not (in_gates or listed) and not _checklist_parent(doc, item):
                continue
            yield from _gate_from_text(
                doc, item.text, block.line, "checkbox", "pass" if item.checkbox else "pending"
            )
            continue
        mark = item_mark(item.text)
        if mark is None or not (in_gates or (listed and item.parent is None)):
            continue
        status, warning = claimed(mark, doc)
        if warning and status is None:
            status = "pending"
        yield from _gate_from_text(doc, item.text, block.line, "table", status)


def gates_from_marked_lines(doc: Document) -> Iterator[Gate]:
    """``✅ **App starts cleanly** - no unhandled exceptions`` lines of a paragraph (hard line
    breaks, no list) under a criteria heading: one gate per marked line."""
    for block in doc.blocks:
        if block.kind != "paragraph" or block.item is not None:
            continue
        if not section_has(doc, block, "gates", 1) or section_has(doc, block, "not_gates", 1):
            continue
        if _introduces_list(doc, block):
            continue  # "✅ **Tooling**" over "- [x] vitest installed": the items are the gates
        for offset, raw in enumerate(block.text.split("\n")):
            mark = LEADING_MARK.match(raw)
            if mark is None:
                continue
            status, warning = claimed(mark.group(1), doc)
            if status is None and warning:
                status = "pending"
            rest = raw[mark.end() :]
            name = next((s for s in block.inline.strong if rest.startswith(s)), None)
            if name is None:
                name = re.split(r"\s[-–—]\s|[:：]", rest, maxsplit=1)[0]
            gate = make_gate(doc, name, block.line + offset, "prose", claim=status)
            if gate is not None:
                yield gate


def _introduces_list(doc: Document, block: Block) -> bool:
    """A one-line paragraph, a mark and a bold title, right above a list: the title of a group
    of criteria, not one of them."""
    text = LEADING_MARK.sub("", block.text).strip().rstrip(":：").strip()
    if "\n" in text or not text or block.index + 1 >= len(doc.blocks):
        return False
    bold = "".join(block.inline.strong).strip().rstrip(":：").strip()
    following = doc.blocks[block.index + 1]
    return bold == text and following.item is not None and following.item.parent is None


def gates_from_headings(doc: Document) -> Iterator[Gate]:
    """Status-marked headings under a gates heading (``## Checklist`` / ``### ✅ 1. Reports``)."""
    for section in doc.sections:
        if section.parent is None or section.parent == doc.title_section:
            continue
        parent = doc.sections[section.parent]
        if not doc.vocab.role("sections", "gates").found(parent.title):
            continue
        mark = item_mark(section.title) or _status_field(doc, section)
        if mark is None:
            continue
        status, warning = claimed(mark, doc)
        if status is None and warning:
            status = "pending"
        name = section.title
        parsed = split_field(clean_name(name))
        if parsed is not None and status_of(parsed[1], doc.vocab) is not None:
            name = parsed[0]  # "Compilation: PASS" -> the gate is "Compilation"
        gate = make_gate(doc, name, section.line, "prose", claim=status)
        if gate is not None:
            yield gate


#: a label line that introduces a list: a few words and a colon ("🔍 Verification Checklist:")
INTRO_LABEL_WORDS = 6


#: blocks under a heading in which its "Status: PASS" field is looked for
STATUS_FIELD_BLOCKS = 3


def _status_field(doc: Document, section: Section) -> str | None:
    """The value of a status field opening the section ("### mypy" over "- **Status**: PASS"):
    the heading names a check, the field gives its result."""
    labels = doc.vocab.role("meta", "status")
    for block in doc.blocks_in(section.index)[1 : 1 + STATUS_FIELD_BLOCKS]:
        if block.kind != "paragraph":
            break
        for line in block.text.split("\n"):
            parsed = split_field(line)
            if parsed is not None and labels.exact(parsed[0]):
                value = parsed[1].strip()
                return value if status_of(value, doc.vocab) is not None else None
    return None


def _checklist_parent(doc: Document, item: ListItem) -> bool:
    """A checkbox list introduced by an item or a label line naming criteria ("Acceptance
    criteria:", "🔍 Verification Checklist:")."""
    criteria = doc.vocab.role("sections", "gates")
    parent = item.parent
    if parent is not None:
        return criteria.found(parent.text)
    label = item.intro.strip().strip("*_ ")
    return (
        label.endswith((":", "："))
        and "\n" not in label
        and len(label.split()) <= INTRO_LABEL_WORDS
        and criteria.found(label)
    )


CURRENT_OF_TARGET = re.compile(r"^[*_\s]*([^/]{1,30}?)[*_\s]*/\s?([<>≥≤]?=?\s?[\d.,]+\s?%?\+?)")


# a value that opens with a percentage ("85% (target)", "**90%**")
PERCENT_OPENING = re.compile(r"^[*_\s~≈]*(\d{1,3}(?:[.,]\d{1,2})?\s?%)[*_]*")


def _gate_from_text(
    doc: Document, text: str, line: int, source: GateSource, status: Status | None
) -> Iterator[Gate]:
    """An item's text as a gate; ``Label: 78.76% / 80% ✅`` names the gate by its label and
    reads current / target."""
    name = text.split("\n", 1)[0]
    target = current = None
    parsed = split_field(LEADING_MARK.sub("", name))
    if parsed is not None and len(parsed[0].split()) <= 8:
        value = TRAILING_MARK.sub("", parsed[1])
        pair = CURRENT_OF_TARGET.match(value)
        opening = PERCENT_OPENING.match(value)
        if pair is not None and first_quantity(pair.group(1)) is not None:
            name, current, target = parsed[0], pair.group(1).strip(), pair.group(2).strip()
        elif opening is not None:
            name = parsed[0]
            rest = value[opening.end() :][:24]
            if doc.vocab.role("columns", "target").found(rest):
                # "Line coverage: 85% (target)": a target stated, nothing measured yet, so a
                # mark before it is a bullet, not a result
                target = opening.group(1)
                status = "pending" if status == "pass" and source != "checkbox" else status
            else:
                current = value  # "Service tests: 90%"
    gate = make_gate(doc, name, line, source, target, current, claim=status)
    if gate is not None:
        yield gate
