"""Comparisons in prose and tool output: ``19.11% < required 30%``, pytest-cov's
``Required test coverage of 30% reached``, ``--cov-fail-under=55``, ``66.7% (target: 80%)``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from parsers.document import Document
from parsers.extractors.coverage.scopes import metric_of
from parsers.extractors.gates.common import make_gate
from parsers.fields import split_field
from parsers.models import CoverageFigure, Gate
from parsers.tables import section_has
from parsers.vocabulary import Phrases

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


# "30.8% (20/65, target <= 10.0%)": a measured value, then in brackets the bar it is held to
LEADING_VALUE = re.compile(
    r"^[*_`\s]*(?P<current>[<>≈~]?\s?\d[\d,]*(?:\.\d+)?\s?(?:%|ms|s|x)?)[*_`\s]*[(（]"
)
BRACKETED = re.compile(r"[(（](?P<inner>[^()（）\n]{1,80})[)）]")
BOUND = re.compile(
    r"(?P<op>≥|≤|>=|<=|<|>|=)?\s?(?P<number>\d[\d,]*(?:\.\d+)?)\s?(?P<unit>%|ms|s|x)?"
)


def gates_from_bracketed_targets(doc: Document) -> Iterator[Gate]:
    """``- fallback rate: 30.8% (20/65, target <= 10.0%)`` and ``sample size: 65 (min required:
    30)``: a field whose value is a measurement, with its target in brackets after it. The
    target words are the target column's (every language); a bound word (``min``, ``max``)
    gives the direction, an explicit operator wins over both."""
    vocab = doc.vocab
    targets = vocab.role("columns", "target")
    ceilings = vocab.role("gates", "upper_bound")
    floors = vocab.role("gates", "lower_bound")
    for block in doc.blocks:
        if block.kind != "paragraph" or ("(" not in block.text and "（" not in block.text):
            continue
        for offset, raw in enumerate(block.text.split("\n")):
            parsed = split_field(raw)
            if parsed is None:
                continue
            label, value = parsed
            leading = LEADING_VALUE.match(value)
            if leading is None:
                continue
            bracket = BRACKETED.search(value, leading.end() - 1)
            if bracket is None or bracket.start() != leading.end() - 1:
                continue
            inner = bracket.group("inner")
            spans = [p.first_match(inner) for p in (targets, floors, ceilings)]
            span = min((found for found in spans if found is not None), default=None)
            if span is None:
                continue  # "(20/65)": a fraction, no bar
            bound = BOUND.search(inner, span[1])
            if bound is None or not _short_gap(inner[span[1] : bound.start()]):
                continue
            current = leading.group("current").strip()
            unit = bound.group("unit") or ("%" if current.endswith("%") else "")
            before = inner[: bound.start()]
            operator = bound.group("op") or _bound_operator(before, floors, ceilings)
            if operator == "=":
                operator = ""
            target = f"{operator}{bound.group('number')}{unit}"
            gate = make_gate(doc, label, block.line + offset, "prose", target, current)
            if gate is not None:
                yield gate


def _bound_operator(words: str, floors: Phrases, ceilings: Phrases) -> str:
    """ ">=" after "min", "<=" after "max"; nothing else: the metric's direction decides."""
    if floors.found(words):
        return ">="
    return "<=" if ceilings.found(words) else ""


def _short_gap(gap: str) -> bool:
    """At most two more words between a target word and its number ("min required: 30")."""
    return len(gap.split()) <= 2 and not any(ch.isdigit() for ch in gap)


def _number_key(text: str) -> str:
    return f"{float(text):g}"


def _clause_before(text: str, end: int) -> str:
    """The words before a comparison, back to the start of its clause (at most ten words)."""
    head = text[:end]
    head = re.split(r"[.;!?。]\s|\n", head)[-1]
    head = head.rstrip(" (:-–—")
    words = head.split()
    return " ".join(words[-10:])


def gates_from_thresholds(doc: Document) -> Iterator[Gate]:
    """``## Coverage Thresholds`` / ``- Branches: 80%``: each listed threshold is a gate whose
    current value is the report's measured overall figure for that metric."""
    measured = {
        figure.metric or "statements": figure
        for figure in doc.found.get("coverage", [])
        if isinstance(figure, CoverageFigure) and figure.scope.startswith("overall")
    }
    vocab = doc.vocab
    for block in doc.blocks:
        if block.kind != "paragraph" or block.item is None:
            continue
        if not section_has(doc, block, "targets", 1):
            continue
        parsed = split_field(block.text.split("\n", 1)[0])
        if parsed is None or not parsed[1].strip().endswith("%"):
            continue
        label, value = parsed
        metric = metric_of(label, vocab) or (
            "statements" if vocab.role("coverage", "statements").found(label) else None
        )
        if metric is None and not vocab.role("coverage", "word").found(label):
            continue
        figure = measured.get(metric or "statements")
        current = f"{figure.value:g}%" if figure is not None else None
        gate = make_gate(doc, label, block.line, "prose", f">={value.strip()}", current)
        if gate is not None:
            yield gate
