"""A run spread over consecutive lines, one count per line: ``Total Tests: 51`` / ``Passing: 38``
/ ``Failing: 13`` in a fence, a paragraph or sibling list items, or ``✅ 144 tests passed`` /
``❌ 18 tests failed`` / ``⏭️ 6 tests skipped`` printed one per line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsers.document import Block, Document
from parsers.extractors.tests.counts import COUNT_WORD, DIGIT, NUMBER, Counts, _int, count_role
from parsers.extractors.tests.lines import LEADING_MARKS, earlier_session
from parsers.extractors.tests.runs import Runs
from parsers.fields import split_field
from parsers.models import TestRun
from parsers.quantities import ARROW
from parsers.tables import section_has
from parsers.vocabulary import Vocabulary

# the value of a labelled count: a number that is not a ratio or a decimal ("38 (74.5%)", "3개")
LABELLED_NUMBER = re.compile(r"^[*_\s]*" + NUMBER + r"(?![\d.,/%]|\s?/)")


def _line_count(text: str, vocab: Vocabulary) -> tuple[str, int] | None:
    """The one count a line states, as (role, value), or None."""
    text = LEADING_MARKS.sub("", text.strip()).replace("**", "")
    parsed = split_field(text)
    if parsed is not None:
        role = count_role(parsed[0], vocab)
        value = ARROW.split(parsed[1])[-1]  # "14 → 3": the count now is the one after the arrow
        number = LABELLED_NUMBER.match(value) if role is not None else None
        if role is None or number is None or vocab.role("tests", "not_runs").found(parsed[0]):
            return None
        return role, _int(number.group(1))
    match = COUNT_WORD.match(text)
    if match is None:
        return None
    role = count_role(match.group(2), vocab, after_number=True)
    if role in (None, "total"):
        return None  # "12 tests" alone says nothing of a result
    return role, _int(match.group(1))


def _lines(doc: Document) -> Iterator[tuple[object, int, str, Block]]:
    """(group key, source line, text) of every line a count may stand on; lines of one block,
    or one-line items of one list, share a key."""
    for block in doc.blocks:
        if block.kind not in ("paragraph", "fence") or earlier_session(doc, block):
            continue
        if block.kind == "paragraph" and section_has(doc, block, "howto", 2):
            continue
        item = block.item
        if block.kind == "paragraph" and item is not None and item.blocks[0] is block:
            key: object = ("list", id(item.parent), item.depth)
            if "\n" not in block.text:
                yield key, block.line, block.text, block
                continue
        first = block.line + (1 if block.kind == "fence" else 0)
        body = block.content if block.kind == "fence" else block.text
        for offset, text in enumerate(body.split("\n")[:2000]):
            yield id(block), first + offset, text, block


def _run(counts: Counts, all_passed: bool) -> TestRun:
    total = counts.total
    if total is not None and (counts.passed or 0) + (counts.failed or 0) > total:
        total = None  # "Total: 8 unit tests + 2 integration tests" is a sum cut short
    if all_passed and counts.failed is None and counts.passed is not None:
        counts.failed = 0
    if total is None and counts.passed is not None and counts.failed is not None:
        total = sum(v or 0 for v in (counts.passed, counts.failed, counts.skipped, counts.errors))
    passed, failed = counts.passed, counts.failed
    if total is not None and passed is None and failed is not None:
        passed = total - failed - (counts.skipped or 0) - (counts.errors or 0)
    if total is not None and failed is None and passed is not None and counts.skipped is None:
        failed = total - passed if total >= passed else None
    return TestRun(
        total=total, passed=passed, failed=failed, skipped=counts.skipped, errors=counts.errors
    )


def from_count_blocks(doc: Document, runs: Runs) -> set[int]:
    """Merge consecutive lines holding one count each, of distinct roles, into one run;
    returns the lines read, so the line reader does not count them again."""
    vocab = doc.vocab
    consumed: set[int] = set()
    group: list[tuple[int, str, int]] = []
    texts: list[str] = []
    last: tuple[object, int] | None = None
    first_block: Block | None = None

    def flush() -> None:
        roles = [role for _, role, _ in group]
        # "Failed: 0 / Skipped: 0" alone counts tests only under a tests heading (a summary's
        # "Items processed: 2 / Failed: 0" counts other things)
        counted = bool({"passed", "total"} & set(roles)) or (
            first_block is not None and section_has(doc, first_block, "tests", 2)
        )
        if len(set(roles)) == len(roles) >= 2 and ({"passed", "failed"} & set(roles)) and counted:
            counts = Counts()
            for _, role, value in group:
                counts.set(role, value)
            text = " ".join(line_text for line_text in texts)
            runs.add(_run(counts, vocab.role("tests", "all_passed").found(text)), None, group[0][0])
            consumed.update(line for line, _, _ in group)
        group.clear()
        texts.clear()

    for key, line, text, block in _lines(doc):
        if last is None or last != (key, line - 1):
            flush()
        last = (key, line)
        found = _line_count(text, vocab) if DIGIT.search(text) else None
        if found is None:
            flush()
            continue
        if any(role == found[0] for _, role, _ in group):
            flush()  # a role again: the next run's lines
        if not group:
            first_block = block
        group.append((line, found[0], found[1]))
        texts.append(text)
    flush()
    return consumed
