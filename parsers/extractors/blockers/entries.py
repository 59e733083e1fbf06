"""The entries under a blocker heading: sub-headings, bold-titled entries, list items, table
rows or paragraph lines, each kept when it is a blocker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from parsers.document import Block, Document, ListItem, Section
from parsers.extractors.blockers.headings import (
    ISSUES,
    NOT,
    RESOLVED,
    is_container,
    role_of,
    severity_group,
)
from parsers.extractors.blockers.text import (
    FIELD,
    cap,
    clean,
    heading_text,
    item_text,
    names_failure,
    note_name,
    only_status,
    resolved_in,
    says_none,
    severity_of,
    with_details,
)
from parsers.matching import has
from parsers.vocabulary import Vocabulary

ALPHA_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
MIN_ROW_WORDS = 3
BOLD_SHARE = 0.7


@dataclass(slots=True)
class Candidate:
    text: str
    line: int
    resolved: bool
    severity: str | None
    #: the list item it was read from, when it came from a sentence outside blocker sections
    item: ListItem | None = None
    block: int = -1
    #: the list or table it is an entry of: entries of one are distinct, never restatements
    group: str = ""


def keep(text: str, role: str, strict: bool, vocab: Vocabulary, *, fixed: bool = False) -> bool:
    """Whether an entry of a blocker section is a blocker: not empty, pre-existing or minor
    (unless the section calls it blocking); under problems-met or mixed headings, it must name
    a failure or a blocking severity (the rest describe fixes and outcomes), unless it is a
    row of a problems-met table with a column of fixes (``fixed``)."""
    if (
        not text
        or says_none(text, vocab)
        or only_status(text, vocab)
        or has(vocab.role("blockers", "not_blocker"), text)
    ):
        return False
    _, blocking = severity_of(text, vocab)
    named = strict or names_failure(text, vocab) or blocking or (fixed and role == RESOLVED)
    if role in (RESOLVED, ISSUES) and not named:
        return False
    return not (blocking is False and not strict)


def _items_under(doc: Document, section: Section) -> Iterator[ListItem]:
    """Top-level list items directly under ``section`` (not under its sub-headings)."""
    for block in doc.blocks_in(section.index):
        if block.item is not None:
            item = block.item
            if item.parent is None and item.blocks and item.blocks[0] is block:
                yield item


def _titled_entries(doc: Document, section: Section) -> Iterator[tuple[Block, list[str]]]:
    """Entries written as a bold title line followed by a list of details
    ("**1. [Bug] migrate failed silently**" over "- Issue: ...", "- Fix: ...")."""
    title: Block | None = None
    details: list[str] = []
    for block in doc.blocks_in(section.index):
        if block.kind == "paragraph" and block.item is None:
            if title is not None:
                yield title, details
            title, details = (block, []) if _bold_title(block) else (None, [])
        elif (
            block.kind == "paragraph"
            and title is not None
            and block.item is not None
            and block.item.parent is None
            and block.item.blocks[0] is block
        ):
            details.append(block.text)
    if title is not None:
        yield title, details


PASS_MARKS = ("✅", "✔", "☑", "✓")


def _settled(detail: str, vocab: Vocabulary) -> bool:
    """A detail that records the fix as done: a fix or status field whose value opens with a
    pass mark or word ("- **Fix:** ✅ Just fixed (commit 27)", "- Status: Resolved")."""
    field = FIELD.match(detail)
    if field is None:
        return False
    label = field.group(1).strip("*_ ")
    fix_label = vocab.role("blockers", "fix_column").exact(label)
    if not (fix_label or vocab.role("meta", "status").exact(label)):
        return False
    value = field.group(2).lstrip("*_ ")
    opening = value[:24]
    return opening.startswith(PASS_MARKS) or resolved_in(opening, vocab, False)


def _bold_title(block: Block) -> bool:
    text = block.text.strip()
    bold = sum(len(part) for part in block.inline.strong)
    return bool(text) and "\n" not in text and bold >= BOLD_SHARE * len(text)


def _resolved_notes(doc: Document, section: Section) -> Iterator[Candidate]:
    """Free paragraphs after an entry's first details that each record one blocker as
    resolved: their short names."""
    for position, block in enumerate(doc.blocks_in(section.index)):
        name = note_name(block, doc.vocab) if position else None
        if name is not None:
            yield Candidate(name, block.line, True, None)


def from_section(
    doc: Document, section: Section, role: str, strict: bool, *, headings: bool = True
) -> Iterator[Candidate]:
    """Blockers under a container heading: its sub-headings, else its bold-titled entries,
    else its top-level items, else its table rows, else its paragraph lines."""
    vocab = doc.vocab
    default = role == RESOLVED
    opening = next((b for b in doc.blocks_in(section.index) if b.kind != "heading"), None)
    if opening is not None and opening.kind == "paragraph" and says_none(opening.text, vocab):
        return  # "No blockers encountered." first: what follows is said about something else
    subsections = doc.subsections(section.index) if headings else []
    for sub in subsections:
        sub_role = role_of(doc, sub)
        grouping = severity_group(sub.title, vocab)
        if sub_role == NOT or grouping is False:
            continue
        if grouping is True or (sub_role is not None and is_container(sub.title, vocab)):
            yield from from_section(doc, sub, sub_role or role, strict)
            continue
        text = heading_text(doc, sub)
        if keep(text, role, strict, vocab):
            severity, _ = severity_of(sub.title, vocab)
            yield Candidate(text, sub.line, resolved_in(sub.title, vocab, default), severity)
        yield from _resolved_notes(doc, sub)
    titled = [(t, d) for t, d in _titled_entries(doc, section) if d]
    for title, details in titled:
        text = with_details(title.text, details, vocab)
        if keep(text, role, strict, vocab):
            severity, _ = severity_of(text, vocab)
            resolved = resolved_in(title.text, vocab, default) or any(
                _settled(detail, vocab) for detail in details
            )
            yield Candidate(text, title.line, resolved, severity)
    if titled:
        return
    items = list(_items_under(doc, section))
    not_blocker = vocab.role("blockers", "not_blocker")
    for item in items:
        text = item_text(item, vocab)
        if any(has(not_blocker, child.text) for child in item.children):
            continue  # "- Impact: does not affect the core flow" under the item
        if keep(text, role, strict, vocab):
            severity, _ = severity_of(text, vocab)
            resolved = resolved_in(item.text, vocab, default)
            yield Candidate(text, item.line, resolved, severity, group=f"items {section.index}")
    if items or subsections:
        return
    for block in doc.blocks_in(section.index):
        if block.kind == "table" and block.table is not None:
            fix_column = vocab.role("blockers", "fix_column")
            fixed = any(fix_column.found(header) for header in block.table.header_texts)
            for row in block.table.rows:
                text = cap(" — ".join(t for t in row.texts if t))
                if len(ALPHA_WORD.findall(text)) >= MIN_ROW_WORDS and keep(
                    text, role, strict, vocab, fixed=fixed
                ):
                    severity, _ = severity_of(text, vocab)
                    resolved = resolved_in(text, vocab, default)
                    yield Candidate(
                        text, row.line, resolved, severity, group=f"table {block.index}"
                    )
        elif block.kind == "paragraph" and block.item is None:
            for offset, line in enumerate(block.text.split("\n")):
                text = cap(clean(line))
                field = FIELD.match(line)
                value = field.group(2) if field is not None else text
                if len(ALPHA_WORD.findall(value)) >= MIN_ROW_WORDS and keep(
                    text, role, strict, vocab
                ):
                    severity, _ = severity_of(text, vocab)
                    yield Candidate(
                        text, block.line + offset, resolved_in(text, vocab, default), severity
                    )
