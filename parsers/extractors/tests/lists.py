"""A run spread over a list, one count per item: ``- ✅ Passing: 7/11`` / ``- ❌ Failing: 4/11``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.document import Document
from parsers.extractors.tests.counts import Counts, count_role
from parsers.extractors.tests.lines import LEADING_MARKS, earlier_session
from parsers.extractors.tests.runs import Runs
from parsers.fields import split_field
from parsers.models import TestRun

LABELLED_RATIO = re.compile(r"^\s*(\d{1,6})\s?/\s?(\d{1,6})(?![\d/])")


@dataclass
class Group:
    total: int
    line: int
    counts: Counts = field(default_factory=Counts)
    roles: set[str] = field(default_factory=set)
    lines: set[int] = field(default_factory=set)


def from_count_lists(doc: Document, runs: Runs) -> set[int]:
    """Merge sibling items ``<count word>: a/b`` sharing a denominator into one run; returns the
    lines read, so the line reader does not count them again."""
    vocab = doc.vocab
    groups: dict[tuple[int, int], Group] = {}
    for item in doc.items:
        block = item.blocks[0] if item.blocks else None
        if block is None or block.kind != "paragraph" or earlier_session(doc, block):
            continue
        parsed = split_field(LEADING_MARKS.sub("", item.text.split("\n", 1)[0]))
        if parsed is None:
            continue
        role = count_role(parsed[0], vocab)
        ratio = LABELLED_RATIO.match(parsed[1].lstrip("*_ "))
        if role not in ("passed", "failed", "skipped") or ratio is None:
            continue
        total = int(ratio.group(2))
        key = (id(item.parent) if item.parent else hash(item.intro), total)
        group = groups.setdefault(key, Group(total=total, line=block.line))
        group.counts.set(role, int(ratio.group(1)))
        group.roles.add(role)
        group.lines.add(block.line)
    consumed: set[int] = set()
    for group in groups.values():
        if len(group.roles) < 2:
            continue  # one labelled ratio alone is read like any other line
        counts = group.counts
        runs.add(
            TestRun(
                total=group.total,
                passed=counts.passed,
                failed=counts.failed,
                skipped=counts.skipped,
            ),
            None,
            group.line,
        )
        consumed |= group.lines
    return consumed
