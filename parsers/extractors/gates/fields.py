"""``Label: PASS`` verdict fields, ``## Self-Check: PASSED`` headings, check logs, and
``Target Coverage: >70%`` beside ``Current Coverage: 44.5%``."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator

from parsers.context import is_before_label
from parsers.document import Block, Document
from parsers.extractors.gates.common import LEADING_MARK, claimed, clean_name, make_gate
from parsers.fields import split_field
from parsers.models import Gate
from parsers.quantities import first_quantity
from parsers.tables import (
    has_mark,
    section_has,
)
from parsers.vocabulary import Phrases, Vocabulary

GATE_COUNT_SUMMARY = re.compile(r"\d+\s?/\s?\d+\s+\w+")


def _field_lines(doc: Document) -> Iterator[tuple[Block, str, int]]:
    """Candidate ``Label: value`` lines: paragraph lines, headings (not the report's title),
    and lines of output fences."""
    for block in doc.blocks:
        if block.kind == "heading" and block.section == doc.title_section == 0:
            continue
        if block.kind in ("paragraph", "heading"):
            for offset, raw in enumerate(block.text.split("\n")):
                yield block, raw, block.line + offset
        elif block.kind == "fence":
            for offset, raw in enumerate(block.content.split("\n")[:500]):
                if LEADING_MARK.match(raw):  # "✅ Type Check: PASS" in a verification log
                    yield block, raw, block.line + 1 + offset


def gates_from_fields(doc: Document) -> Iterator[Gate]:
    """``**Quality Gate Decision:** ✅ PASS``, ``## Self-Check: PASSED``, ``Type Check: PASS``
    in a check log, and ``Label: PASS`` items under gate headings."""
    vocab = doc.vocab
    verdicts = vocab.role("gates", "verdict_label")
    gate_words = vocab.role("gates", "word")
    meta_labels = [phrases for role, phrases in vocab.roles("meta").items() if role != "status"]
    descriptions = vocab.role("gates", "description_label")
    for block, raw, line in _field_lines(doc):
        parsed = split_field(LEADING_MARK.sub("", raw))
        if parsed is None:
            continue
        label, value = parsed
        if not value or any(p.exact(label) for p in meta_labels) or descriptions.exact(label):
            continue  # "Purpose: Verify the gate ..." describes a check; its verb is no verdict
        if vocab.role("meta", "status").exact(label) and not gate_words.found(label):
            continue  # "Status: ✅ Fixed" describes a section; it names no criterion
        if GATE_COUNT_SUMMARY.search(value) and gate_words.found(value):
            continue  # "3/5 gates failing" sums up gates listed elsewhere
        claim, warning = claimed(value[:40], doc)
        mark_claim, _ = claimed(raw[:3], doc) if LEADING_MARK.match(raw) else (None, False)
        claim = claim or mark_claim
        if claim is None and not warning:
            continue
        value_start = value.lstrip("*_ ")
        opening = vocab.first_role("status", value_start[:24])
        starts_with_status = has_mark(value_start[:3]) or (
            opening is not None
            and (vocab.role("status", opening).first_match(value_start) or (1, 1))[0] == 0
            and len(value_start.split()) <= 8
        )
        if not starts_with_status:
            continue
        if block.kind == "heading" and not has_mark(value_start[:3]) and _names_more(value, doc):
            continue  # "Task 1: Complete Background Job System" titles a section, not a verdict
        in_gates = section_has(doc, block, "gates") and not section_has(doc, block, "howto", 1)
        if not (
            verdicts.found(label)
            or block.kind in ("heading", "fence")
            or (in_gates and block.item is not None)
        ):
            continue
        gate = make_gate(
            doc, label, line, "prose", current=clean_name(value), claim=claim, warning=warning
        )
        if gate is not None:
            yield gate


STATE_ROLES = ("pass", "fail", "pending", "unknown", "warning", "done")
HEADING_EXTRA_WORDS = 1


def _names_more(value: str, doc: Document) -> bool:
    """A heading's value says more than a state: "Complete Background Job System" names a
    task where "PASSED (3/3)" is a verdict (a leading mark, "✅ No issues found", is one too)."""
    text = value
    for role in STATE_ROLES:
        pattern = doc.vocab.role("status", role).pattern
        if pattern is not None:
            text = pattern.sub(" ", text)
    words = re.findall(r"[^\W\d_]+", text)
    return len(words) > HEADING_EXTRA_WORDS


def gates_from_target_fields(doc: Document) -> Iterator[Gate]:
    """``**Target Coverage**: >70%`` beside ``**Current Coverage**: 44.5%`` (header fields),
    and a bare ``Target: >70%`` right after ``Final Coverage: 47.2%`` in one paragraph or
    output block: the target of the figure just stated."""
    vocab = doc.vocab
    targets = vocab.role("columns", "target")
    currents = vocab.role("columns", "current")
    coverage = vocab.role("coverage", "word")
    fields: list[tuple[str, str, int, Hashable]] = []
    for block in doc.blocks:
        # the items of one list are one group, as the lines of one paragraph are
        group: Hashable = (
            block.index if block.item is None else (id(block.item.parent), block.item.depth)
        )
        if block.kind == "paragraph":
            lines = block.text.split("\n")
            first = block.line
        elif (
            block.kind == "fence"
            and "%" in block.content  # a target here is a percentage
            and (not block.info or vocab.role("commands", "transcript_info").exact(block.info))
        ):
            lines = block.content.split("\n")[:200]
            first = block.line + 1
        else:
            continue
        for offset, raw in enumerate(lines):
            parsed = split_field(raw)
            if parsed is not None and parsed[1]:
                fields.append((parsed[0], parsed[1], first + offset, group))
    for position, (label, value, line, group) in enumerate(fields):
        if not targets.found(label) or len(label.split()) > 4:
            continue
        target_q = first_quantity(value)
        if target_q is None or target_q.unit != "%":
            continue
        metric = targets.search(label)
        metric_words = set(label.lower().split()) - {metric.group(0).lower()} if metric else set()
        name = label
        current = None
        if metric_words:
            for other_label, other_value, _, _ in fields:
                if other_label == label or not currents.found(other_label):
                    continue
                other_words = set(other_label.lower().split())
                if metric_words & other_words and first_quantity(other_value) is not None:
                    current = other_value
                    break
        elif targets.exact(clean_name(label)):
            current, name = _stated_before(fields, position, group, coverage, doc.vocab)
        if current is None:
            continue
        gate = make_gate(doc, name, line, "prose", value, current)
        if gate is not None:
            yield gate


def _stated_before(
    fields: list[tuple[str, str, int, Hashable]],
    position: int,
    group: Hashable,
    coverage: Phrases,
    vocab: Vocabulary,
) -> tuple[str | None, str]:
    """The coverage figure stated by the field just before a bare ``Target:`` (same paragraph,
    output block or list, at most two fields and lines back), and the gate's name: that
    figure's target. A starting figure ("Starting Coverage: 61.1%") is no current value."""
    line = fields[position][2]
    for label, value, other_line, other_group in reversed(fields[max(0, position - 2) : position]):
        if other_group != group or other_line < line - 2:
            break
        quantity = first_quantity(value)
        if coverage.found(label) and quantity is not None and quantity.unit == "%":
            if is_before_label(clean_name(label), vocab):
                break
            return value, f"{clean_name(label)} target"
    return None, ""
