"""Gates: criteria with a target or a pass/fail status.

Four shapes, each a small reader over the document:

- rows of gate tables (see :func:`parsers.tables.table_kind`);
- checkbox items and status-marked items under gate headings (acceptance criteria, checklists,
  definition of done, readiness, verification);
- ``Label: PASS`` fields whose label names a gate/verdict, or that stand under a gate heading;
- comparisons in prose and tool output: ``19.11% < required 30%``, pytest-cov's
  ``Required test coverage of 30% reached. Total coverage: 31.21%``, ``--cov-fail-under=55``,
  ``66.7% final coverage (target: 80%)``.

Each gate keeps the report's own mark (``claimed_status``) apart from the comparison of its
numbers (``computed_status``); ``status`` is the claim where there is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsers.document import Block, Document, ListItem
from parsers.fields import split_field
from parsers.models import CoverageFigure, Gate, GateSource, Status
from parsers.quantities import Quantity, comparable, compare, first_quantity
from parsers.tables import (
    column_roles,
    has_mark,
    lower_is_better_words,
    name_column,
    section_has,
    status_of,
    table_kinds,
    warning_in,
)

LEADING_MARK = re.compile(r"^\s*([✅✔☑✓🟢❌✗✘✖🔴⛔⏳⏸🔄🚧🕐⏭➖⚠🟡📋][\ufe0f]?)\s*")
TRAILING_MARK = re.compile(r"\s*([✅✔☑✓🟢❌✗✘✖🔴⛔⏳⏸🔄🚧🕐⏭⚠🟡📋][\ufe0f]?)\s*$")
NAME_NOISE = re.compile(r"^[\s*_`|>#:\-–—•·]+|[\s*_`|:\-–—•·]+$")
# "19.11% < required 30%": a measured percentage compared with a required one
PROSE_COMPARISON = re.compile(
    r"(?P<current>\d{1,3}(?:\.\d+)?)\s?%\s?(?P<op>≥|≤|>=|<=|<|>)\s?"
    r"(?:the\s)?(?:required|target|threshold|minimum|min\.?|gate|goal)?\s?(?:of\s)?"
    r"(?P<target>\d{1,3}(?:\.\d+)?)\s?%"
)
# pytest-cov: "Required test coverage of 30.0% reached. Total coverage: 31.21%"
PYTEST_COV = re.compile(
    r"Required test coverage of (?P<target>\d+(?:\.\d+)?)%\s(?P<neg>not\s)?reached\.?"
    r"\s?Total coverage:\s?(?P<current>\d+(?:\.\d+)?)%",
    re.IGNORECASE,
)
FAIL_UNDER = re.compile(r"--cov-fail-under[= ](?P<target>\d+(?:\.\d+)?)")
# "66.7% final coverage (target: 80%)"
PAREN_TARGET = re.compile(
    r"(?P<current>\d{1,3}(?:\.\d+)?)\s?%\s(?P<name>[^\d()%\n]{3,40}?)\s?"
    r"\((?:target|goal|required|threshold)\s?[:：]?\s?(?P<op>≥|>=|>)?\s?(?P<target>\d{1,3}(?:\.\d+)?)\s?%\)",
    re.IGNORECASE,
)


def clean_name(text: str) -> str:
    text = LEADING_MARK.sub("", text)
    text = TRAILING_MARK.sub("", text)
    text = NAME_NOISE.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def claimed(text: str, doc: Document) -> tuple[Status | None, bool]:
    """The status a text claims, and whether it carries a warning mark (⚠️ decides by numbers)."""
    return status_of(text, doc.vocab), warning_in(text, doc.vocab)


def make_gate(
    doc: Document,
    name: str,
    line: int,
    source: GateSource,
    target: str | None = None,
    current: str | None = None,
    claim: Status | None = None,
    warning: bool = False,
) -> Gate | None:
    name = clean_name(name)
    if not name or (claim is None and not warning and not target):
        return None  # a criterion states a status or a target; a bare value is a metric
    gate = Gate(
        name=name,
        line=line,
        status="unknown",
        source=source,
        target=target or None,
        current=current or None,
    )
    target_q = first_quantity(target) if target else None
    current_q = first_quantity(current) if current else None
    if target_q is not None and current_q is not None and comparable(current_q, target_q):
        operator, computed = compare(current_q, target_q, name, lower_is_better_words(doc.vocab))
        gate.operator = operator
        gate.computed_status = computed
        gate.target_value = target_q.value
        gate.current_value = current_q.value
        gate.unit = target_q.unit or current_q.unit or "count"
    if warning and claim in (None, "pass"):
        claim = "fail" if gate.computed_status == "fail" else "pending"
    gate.claimed_status = claim
    if claim is not None:
        gate.status = claim
    elif gate.computed_status is not None:
        gate.status = gate.computed_status
    elif not current and not target:
        gate.status = "pending"
    return gate


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


def _item_mark(text: str) -> str | None:
    match = LEADING_MARK.match(text) or TRAILING_MARK.search(text)
    return match.group(1) if match else None


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
        if item.checkbox is not None:
            # a checklist may sit a level below its criteria heading ("## Verified / ### DB")
            listed = section_has(doc, block, "gates", 2) and not section_has(doc, block, "howto", 2)
            if not (in_gates or listed) and not _checklist_parent(doc, item):
                continue
            yield from _gate_from_text(
                doc, item.text, block.line, "checkbox", "pass" if item.checkbox else "pending"
            )
            continue
        mark = _item_mark(item.text)
        if mark is None or not in_gates:
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


def gates_from_headings(doc: Document) -> Iterator[Gate]:
    """Status-marked headings under a gates heading (``## Checklist`` / ``### ✅ 1. Reports``)."""
    for section in doc.sections:
        if section.parent is None or section.parent == doc.title_section:
            continue
        parent = doc.sections[section.parent]
        if not doc.vocab.role("sections", "gates").found(parent.title):
            continue
        mark = _item_mark(section.title)
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


def _checklist_parent(doc: Document, item: ListItem) -> bool:
    """A checkbox list introduced by a paragraph naming criteria ("Acceptance criteria:")."""
    parent = item.parent
    if parent is not None:
        return doc.vocab.role("sections", "gates").found(parent.text)
    return False


CURRENT_OF_TARGET = re.compile(r"^[*_\s]*([^/]{1,30}?)[*_\s]*/\s?([<>≥≤]?=?\s?[\d.,]+\s?%?\+?)")


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
        if pair is not None and first_quantity(pair.group(1)) is not None:
            name, current, target = parsed[0], pair.group(1).strip(), pair.group(2).strip()
    gate = make_gate(doc, name, line, source, target, current, claim=status)
    if gate is not None:
        yield gate


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
    for block, raw, line in _field_lines(doc):
        parsed = split_field(LEADING_MARK.sub("", raw))
        if parsed is None:
            continue
        label, value = parsed
        if not value or any(p.exact(label) for p in meta_labels):
            continue
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
        if block.kind == "heading" and len(value.split()) > 4:
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


def gates_from_target_fields(doc: Document) -> Iterator[Gate]:
    """``**Target Coverage**: >70%`` beside ``**Current Coverage**: 44.5%`` (header fields)."""
    vocab = doc.vocab
    targets = vocab.role("columns", "target")
    currents = vocab.role("columns", "current")
    fields: list[tuple[str, str, int]] = []
    for block in doc.blocks:
        if block.kind != "paragraph":
            continue
        for offset, raw in enumerate(block.text.split("\n")):
            parsed = split_field(raw)
            if parsed is not None and parsed[1]:
                fields.append((parsed[0], parsed[1], block.line + offset))
    for label, value, line in fields:
        if not targets.found(label) or len(label.split()) > 4:
            continue
        target_q = first_quantity(value)
        if target_q is None or target_q.unit != "%":
            continue
        metric = targets.search(label)
        metric_words = set(label.lower().split()) - {metric.group(0)} if metric else set()
        current = None
        for other_label, other_value, _ in fields:
            if other_label == label or not currents.found(other_label):
                continue
            other_words = set(other_label.lower().split())
            if metric_words & other_words and first_quantity(other_value) is not None:
                current = other_value
                break
        if current is None:
            continue
        gate = make_gate(doc, label, line, "prose", value, current)
        if gate is not None:
            yield gate


def _overall_coverage(doc: Document) -> CoverageFigure | None:
    for figure in doc.found.get("coverage", []):
        if isinstance(figure, CoverageFigure) and figure.scope == "overall" and not figure.metric:
            return figure
    return None


def gates_from_prose(doc: Document) -> Iterator[Gate]:
    seen_thresholds: set[str] = set()
    for block in doc.blocks:
        texts: list[tuple[str, int]] = []
        if block.kind == "paragraph":
            texts = [(t, block.line + i) for i, t in enumerate(block.text.split("\n"))]
        elif block.kind == "fence":
            texts = [(t, block.line + 1 + i) for i, t in enumerate(block.content.split("\n"))]
        for text, line in texts:
            if len(text) > 2000:
                text = text[:2000]
            if "%" not in text:
                continue  # every prose comparison below states a percentage
            for match in PYTEST_COV.finditer(text) if "overage" in text else ():
                target, current = match.group("target"), match.group("current")
                gate = make_gate(
                    doc, "Required test coverage", line, "prose", f">={target}%", f"{current}%"
                )
                if gate is not None:
                    seen_thresholds.add(_number_key(target))
                    yield gate
            if block.kind == "fence":
                continue
            for match in PROSE_COMPARISON.finditer(text):
                name = _clause_before(text, match.start()) or "coverage gate"
                op = match.group("op")
                target = f"{'>=' if op in ('<', '≥', '>=') else op}{match.group('target')}%"
                gate = make_gate(doc, name, line, "prose", target, f"{match.group('current')}%")
                if gate is not None:
                    yield gate
            for match in PAREN_TARGET.finditer(text):
                name = f"{match.group('name').strip()} target"
                gate = make_gate(
                    doc,
                    name,
                    line,
                    "prose",
                    f">={match.group('target')}%",
                    f"{match.group('current')}%",
                )
                if gate is not None:
                    yield gate
    for block in doc.blocks:
        text = block.text if block.kind == "paragraph" else block.content
        if "fail-under" not in text:
            continue
        for match in FAIL_UNDER.finditer(text[:4000]):
            key = _number_key(match.group("target"))
            if key in seen_thresholds:
                continue
            seen_thresholds.add(key)
            overall = _overall_coverage(doc)
            current = f"{overall.value:g}%" if overall else None
            gate = make_gate(
                doc,
                f"coverage threshold ({match.group(0)})",
                block.line,
                "prose",
                f">={match.group('target')}%",
                current,
            )
            if gate is not None:
                yield gate


def _number_key(text: str) -> str:
    return f"{float(text):g}"


def _clause_before(text: str, end: int) -> str:
    """The words before a comparison, back to the start of its clause (at most ten words)."""
    head = text[:end]
    head = re.split(r"[.;!?。]\s|\n", head)[-1]
    head = head.rstrip(" (:-–—")
    words = head.split()
    return " ".join(words[-10:])


def _dedupe(gates: list[Gate]) -> list[Gate]:
    seen: set[tuple[str, str]] = set()
    unique: list[Gate] = []
    for gate in gates:
        key = (gate.name.lower(), gate.status)
        if key in seen:
            continue
        seen.add(key)
        unique.append(gate)
    return unique


def extract_gates(doc: Document) -> list[Gate]:
    gates: list[Gate] = []
    for block in doc.blocks:
        if block.kind == "table" and "gates" in table_kinds(doc, block):
            gates.extend(gates_from_table(doc, block))
    gates.extend(gates_from_items(doc))
    gates.extend(gates_from_headings(doc))
    gates.extend(gates_from_marked_lines(doc))
    gates.extend(gates_from_fields(doc))
    gates.extend(gates_from_target_fields(doc))
    gates.extend(gates_from_prose(doc))
    gates.sort(key=lambda gate: gate.line or 0)
    return _dedupe(gates)


__all__ = ["Quantity", "extract_gates"]
