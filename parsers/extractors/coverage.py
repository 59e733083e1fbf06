"""Coverage: each measured coverage percentage with its scope, target and estimate flag.

Readers, in order of trust:

- tables of coverage per file/component, and rows of gate tables naming a coverage figure;
- coverage tool output in fences (istanbul, coverage.py, ``go test -cover``, tarpaulin,
  ``go tool cover -func``) and ``name: 95%`` lines in a fence under a coverage heading;
- labelled lines (``**Coverage**: 31.2% (from 1.7%)``, ``- ab_testing.py: 95%`` under a coverage
  heading) and sentences with a coverage word beside a percentage.

Baselines ("Before", "Starting point", "from 31%", the left side of ``14% -> 41%``) and
forecasts ("expected 68-72%") are not measurements: baselines are dropped, forecasts are kept
apart as :class:`CoverageForecast`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from parsers.context import in_baseline, in_forecast, is_before_label
from parsers.document import Block, Document
from parsers.fields import split_field
from parsers.models import CoverageFigure, CoverageForecast
from parsers.quantities import ARROW, RANGE, Quantity, percentages
from parsers.tables import column_roles, is_path, name_column, section_has, table_kinds
from parsers.vocabulary import Vocabulary

REPORT_ARTIFACT = re.compile(r"\.(?:out|html?|xml|json|lcov|info|txt|csv)$", re.IGNORECASE)
SCOPE_NOISE = re.compile(
    r"^[\s*_`|>#:\-–—•·.\d)✅✔☑✓🟢❌✗✘✖🔴⛔⏳⏸🔄🚧⚠🟡📋\ufe0f]+"
    r"|[\s*_`|:\-–—•·(✅✔☑✓🟢❌✗✘✖🔴⛔⏳⏸🔄🚧⚠🟡📋\ufe0f]+$"
)
SEQUENCE_LABEL = re.compile(r"^\W*([^\W\d_]+)\s?[#№]?\s?\d+(?:[.\-–]\d+)*\W*$")
PARENS = re.compile(r"\s*[(（][^)）]*[)）]")
GO_COVER = re.compile(
    r"^(?:ok|FAIL|---)?\s*(?P<package>[\w.\-]+(?:/[\w.\-]+)+)\s.*?coverage:\s(?P<value>\d+(?:\.\d+)?)%"
)
GO_FUNC = re.compile(
    r"^(?P<file>[\w./\-]+\.go):\d+:\s+(?P<func>[\w.()*]+)\s+(?P<value>\d+(?:\.\d+)?)%$"
)
PY_COV_ROW = re.compile(
    r"^(?P<name>[\w./\\\-]+|TOTAL)\s+\d+\s+\d+(?:\s+\d+\s+\d+)?\s+(?P<value>\d+(?:\.\d+)?)%"
)
# Column headers coverage tools print (coverage.py, istanbul): the fence is a coverage report
COVERAGE_TOOL_HEADER = re.compile(r"\bStmts\s+Miss\b|%\s?Stmts|\bStmts\s*\|")
TARPAULIN_TOTAL = re.compile(r"(?P<value>\d+(?:\.\d+)?)% coverage, \d+/\d+ lines covered")
NAMED_PERCENT = re.compile(
    r"^[\s✅✔☑✓🟢❌✗✘🔴⏳⚠️\-*•]*(?P<name>[^:：%]{1,60}?)\s*[:：]\s*[~≈]?\s*(?P<value>\d+(?:\.\d+)?)\s?%"
)


# "14. base_client: 99%": an item CommonMark kept in its paragraph (a list may not interrupt
# a paragraph unless it starts at 1)
LIST_LIKE = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*+•])\s")
TEST_NAME = re.compile(r"^(?:.*/)?(?:tests?_\w+|\w+_tests?|[\w.]+\.(?:test|spec))(?:\.\w{1,4})?$")
TEST_FILE = re.compile(r"^(?:tests?_)?(?P<stem>[\w\-]+?)(?:_tests?|\.test|\.spec)?(?:\.\w{1,4})?$")


def same_scope_key(scope: str) -> str:
    """Scope spellings that name one thing: ``.../client`` and ``github.com/x/client``,
    ``executionService`` and ``executionService.ts``, ``test_auth.py`` and ``auth.py``."""
    last = scope.lower().rstrip("/").rsplit("/", 1)[-1]
    match = TEST_FILE.match(last)
    return match.group("stem") if match else last


def _better_scope(new: str, old: str) -> bool:
    """Of two spellings of one scope keep the module over its tests (``auth.py`` over
    ``test_auth.py``) and the file over its bare stem (``auth.py`` over ``auth``)."""
    if TEST_NAME.match(old) and not TEST_NAME.match(new):
        return True
    return (
        "." in new.rsplit("/", 1)[-1]
        and "." not in old.rsplit("/", 1)[-1]
        and (not TEST_NAME.match(new))
    )


@dataclass(slots=True)
class Mention:
    """Where a percentage stands: baseline, forecast, or measured now."""

    baseline: bool = False
    forecast: bool = False


def _phrases(vocab: Vocabulary, group: str, role: str) -> re.Pattern[str] | None:
    return vocab.role(group, role).pattern


def metric_of(text: str, vocab: Vocabulary) -> str | None:
    for metric in ("branches", "functions", "lines", "regions"):
        if vocab.role("coverage", metric).found(text):
            return metric
    return None


def scope_of(label: str, vocab: Vocabulary) -> str:
    """A label reduced to the thing it measures: ``**storage.py Coverage**`` -> ``storage.py``,
    ``Overall Coverage`` / ``Coverage`` / ``Final coverage`` -> ``overall``."""
    text = label.replace("`", "").replace("*", "").strip()
    path_match = next(
        (w for w in text.split() if is_path(w) and not REPORT_ARTIFACT.search(w.strip("(),:;"))),
        None,
    )
    if path_match:
        return path_match.strip("(),:;")
    for group, role in (
        ("coverage", "word"),
        ("coverage", "filler"),
        ("coverage", "branches"),
        ("coverage", "lines"),
        ("coverage", "functions"),
        ("coverage", "regions"),
        ("coverage", "statements"),
    ):
        pattern = _phrases(vocab, group, role)
        if pattern is not None:
            text = pattern.sub(" ", text)
    text = PARENS.sub("", text)
    text = SCOPE_NOISE.sub("", re.sub(r"\s+", " ", text)).strip()
    if not text or vocab.role("coverage", "overall").exact(text):
        return "overall"
    overall = vocab.role("coverage", "overall").search(text)
    if overall is not None and len(text.split()) <= 2 and overall.start() == 0:
        rest = text[overall.end() :].strip()
        return rest or "overall"
    return text


def _with_metric(scope: str, metric: str | None) -> str:
    return f"{scope} ({metric})" if metric else scope


def measured(text: str) -> Quantity | None:
    """The current percentage of a value: the right side of ``14% -> 41%``, else the first."""
    if RANGE.search(text) and not ARROW.search(text):
        return None
    found = percentages(text)
    if not found:
        return None
    arrow = ARROW.search(text)
    if arrow is not None:
        after = [q for q in found if q.start >= arrow.end()]
        if after:
            return after[0]
    return found[0]


def _target_in(text: str, vocab: Vocabulary) -> float | None:
    match = vocab.role("columns", "target").search(text)
    if match is None:
        return None
    after = percentages(text[match.end() : match.end() + 30])
    return after[0].value if after else None


def _mention(doc: Document, block: Block, text: str) -> Mention:
    vocab = doc.vocab
    label = text.split(":")[0][:60]
    return Mention(
        baseline=in_baseline(doc, block) or vocab.role("columns", "baseline").found(label),
        forecast=in_forecast(doc, block) or vocab.role("sections", "forecast").found(label),
    )


class Collector:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.figures: list[CoverageFigure] = []
        self.forecasts: list[CoverageForecast] = []
        self.seen: set[tuple[str, str, float]] = set()
        self.by_key: dict[tuple[str, str, float], CoverageFigure] = {}

    def add(
        self,
        scope: str,
        quantity: Quantity,
        line: int,
        target: float | None = None,
        metric: str | None = None,
        estimated: bool = False,
    ) -> None:
        scope = scope.strip() or "overall"
        if not 0 <= quantity.value <= 100 or len(scope) > 80:
            return
        key = (same_scope_key(scope), metric or "", round(quantity.value, 2))
        if key in self.seen:
            earlier = self.by_key[key]
            if _better_scope(scope, earlier.scope):
                earlier.scope = _with_metric(scope, metric)
            return
        self.seen.add(key)
        self.by_key[key] = CoverageFigure(
            scope=_with_metric(scope, metric),
            value=quantity.value,
            target=target,
            estimated=estimated or quantity.approximate,
            metric=metric,
            line=line,
        )
        self.figures.append(self.by_key[key])

    def forecast(self, scope: str, text: str, line: int) -> None:
        match = RANGE.search(text)
        if match is None:
            return
        self.forecasts.append(
            CoverageForecast(
                scope=scope, low=float(match.group(1)), high=float(match.group(2)), line=line
            )
        )


def from_tables(doc: Document, out: Collector) -> None:
    vocab = doc.vocab
    for block in doc.blocks:
        if block.kind != "table" or block.table is None:
            continue
        kinds = table_kinds(doc, block)
        table = block.table
        columns = column_roles(table.header_texts, vocab)
        name_at = name_column(table, columns)
        if _history_table(doc, table.header_texts):
            continue  # "Session | Coverage" rows: earlier sessions are baselines
        if "coverage" in kinds:
            metric_columns = [
                (index, metric_of(header, vocab))
                for index, header in enumerate(table.header_texts)
                if index != name_at
                and vocab.role("columns", "coverage").found(header)
                and not vocab.role("columns", "baseline").found(header)
                and not vocab.role("columns", "target").found(header)
            ]
            if not metric_columns and columns.get("current") is not None:
                metric_columns = [(columns.roles["current"], None)]
            target_at = columns.get("target")
            scope_at = _module_column(table.header_texts, name_at, vocab)
            for row in table.rows:
                if name_at >= len(row.texts):
                    continue
                scope = scope_of(row.texts[name_at], vocab)
                if scope_at is not None and scope_at < len(row.texts) and row.texts[scope_at]:
                    scope = scope_of(row.texts[scope_at].split(":")[0], vocab)
                target = None
                if target_at is not None and target_at < len(row.texts):
                    found = percentages(row.texts[target_at])
                    target = found[0].value if found else None
                for index, metric in metric_columns:
                    if index >= len(row.texts):
                        continue
                    value = measured(row.texts[index])
                    if value is None:
                        continue
                    metric = metric or metric_of(row.texts[name_at], vocab)
                    if metric == "statements":
                        metric = None  # statements are the headline figure: no suffix
                    out.add(scope, value, row.line, target, metric)
        elif "gates" in kinds:
            _coverage_from_gate_rows(doc, block, out)


def _module_column(headers: list[str], name_at: int, vocab: Vocabulary) -> int | None:
    """A "Coverage Module" column beside a test-file name column names what is covered."""
    if not vocab.role("columns", "suite").found(headers[name_at]) or not vocab.role(
        "tests", "total"
    ).found(headers[name_at]):
        return None
    for index, header in enumerate(headers):
        if (
            index != name_at
            and vocab.role("columns", "file").found(header)
            and not percentages(header)
        ):
            return index
    return None


def _history_table(doc: Document, headers: list[str]) -> bool:
    """``Session | Coverage`` / ``阶段 | 起始 | 结束``: one row per earlier period."""
    first = headers[0] if headers else ""
    return doc.vocab.role("columns", "period").exact(first) or any(
        doc.vocab.role("meta", role).exact(first) for role in ("sequence", "date")
    )


def _coverage_from_gate_rows(doc: Document, block: Block, out: Collector) -> None:
    vocab = doc.vocab
    table = block.table
    if table is None:
        return
    columns = column_roles(table.header_texts, vocab)
    name_at = name_column(table, columns)
    current_at = columns.get("current")
    target_at = columns.get("target")
    for row in table.rows:
        if name_at >= len(row.texts):
            continue
        value_at = current_at
        if value_at is None or value_at >= len(row.texts):
            value_at = next(
                (i for i, text in enumerate(row.texts) if i != name_at and percentages(text)), None
            )
        if value_at is None:
            continue
        name = row.texts[name_at]
        if not vocab.role("coverage", "word").found(name) or vocab.role(
            "coverage", "not_coverage"
        ).found(name):
            continue
        value = measured(row.texts[value_at])
        if value is None:
            continue
        target = None
        if target_at is not None and target_at < len(row.texts):
            found = percentages(row.texts[target_at])
            target = found[0].value if found else None
        target = target if target is not None else _target_in(row.texts[value_at], vocab)
        out.add(scope_of(name, vocab), value, row.line, target, metric_of(name, vocab))


def from_fences(doc: Document, out: Collector) -> None:
    vocab = doc.vocab
    for block in doc.blocks:
        if block.kind != "fence":
            continue
        lines = block.content.split("\n")[:2000]
        in_coverage = (
            section_has(doc, block, "coverage", 2)
            or vocab.role("coverage", "word").found(block.content[:400])
            or COVERAGE_TOOL_HEADER.search(block.content[:2000]) is not None
        )
        if not in_coverage:
            continue
        mention = _mention(doc, block, "")
        if mention.baseline:
            continue
        header_metrics: list[str | None] | None = None
        for offset, raw in enumerate(lines):
            line = block.line + 1 + offset
            text = raw.strip()
            if not text:
                continue
            if "|" in text and (
                header_metrics is not None or "%" in text or metric_of(text, vocab) is not None
            ):
                cells = [cell.strip() for cell in text.strip("|").split("|")]
                if header_metrics is None and not any(percentages(c) for c in cells):
                    header_metrics = [metric_of(cell, vocab) for cell in cells]
                    continue
                if header_metrics is not None and len(cells) >= 2 and cells[0]:
                    scope = (
                        "overall"
                        if vocab.role("coverage", "overall").found(cells[0])
                        else (cells[0])
                    )
                    for index, cell in enumerate(cells[1:], start=1):
                        if index >= len(header_metrics):
                            break
                        value = measured(cell) or (
                            Quantity(float(cell), "%", None) if _is_number(cell) else None
                        )
                        if value is None:
                            continue
                        metric = header_metrics[index]
                        if metric == "statements":
                            metric = None
                        if metric is None and index > 1:
                            continue
                        out.add(scope, value, line, None, metric)
                    continue
            for pattern in (GO_COVER, GO_FUNC, PY_COV_ROW, TARPAULIN_TOTAL):
                match = (
                    pattern.match(text) if pattern is not TARPAULIN_TOTAL else pattern.search(text)
                )
                if match is None:
                    continue
                groups = match.groupdict()
                name = groups.get("package") or groups.get("func") or groups.get("name") or "TOTAL"
                scope = "overall" if name.upper() == "TOTAL" else name
                out.add(scope, Quantity(float(groups["value"]), "%", None), line)
                break
            else:
                if text.startswith(("//", "#", "/*", "*")):
                    continue  # a comment in source code, not tool output
                named = NAMED_PERCENT.match(text)
                if named is not None and (
                    vocab.role("columns", "baseline").found(named.group("name"))
                    or vocab.role("sections", "baseline").found(named.group("name"))
                    or _not_a_scope(named.group("name"), vocab)
                ):
                    continue
                if named is not None and not vocab.role("coverage", "not_coverage").found(text):
                    value = measured(text[named.start("value") - 1 :])
                    if value is not None:
                        out.add(scope_of(named.group("name"), vocab), value, line)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _from_field(
    doc: Document,
    block: Block,
    parsed: tuple[str, str],
    raw: str,
    line: int,
    mention: Mention,
    out: Collector,
) -> bool:
    """A ``Label: 55%`` line; True when it was read as coverage (or as a forecast)."""
    vocab = doc.vocab
    label, value = parsed
    if not percentages(value):
        return False
    label_is_coverage = vocab.role("coverage", "word").found(label)
    listed = block.item is not None or LIST_LIKE.match(raw) is not None
    in_coverage = section_has(doc, block, "coverage", 2)
    if not (label_is_coverage or (in_coverage and listed)):
        return False
    not_coverage = vocab.role("coverage", "not_coverage")
    if not_coverage.found(label) or (
        not label_is_coverage and not_coverage.found(value.split("%")[0][-40:])
    ):
        return True
    quantity = measured(value)
    scope = scope_of(label, vocab)
    if mention.forecast or (quantity is None and RANGE.search(value)):
        out.forecast(scope, value, line)
        return True
    if mention.baseline or quantity is None:
        return True
    if is_before_label(label, vocab) or _not_a_scope(label, vocab):
        return True
    if scope == "overall" and label_is_coverage:
        scope = _component_heading(doc, block) or scope
    estimated = vocab.role("coverage", "estimate").found(label + " " + value)
    out.add(scope, quantity, line, _target_in(value, vocab), metric_of(label, vocab), estimated)
    return True


NUMBERED_TITLE = re.compile(r"^\s*\d{1,3}[.)]\s")
# CamelCase, snake_case, dotted or slashed names: identifiers of code
IDENTIFIER_WORD = re.compile(r"[a-z][A-Z]|[A-Za-z][_./][A-Za-z]|^[A-Z]{2,}[a-z]")


def _component_heading(doc: Document, block: Block) -> str | None:
    """``#### 1. ReplicationWorker (server)`` above ``- Coverage: 74%``: the figure belongs to
    the component the subsection is about, not to the whole project."""
    section = doc.section_of(block)
    if section is None or section.level < 3:
        return None
    title = section.title
    roles = doc.vocab.roles("sections")
    if any(phrases.found(title) for phrases in roles.values()):
        return None  # "### Coverage", "### Summary", "### Before": a role, not a component
    if doc.vocab.role("coverage", "word").found(title) or SEQUENCE_LABEL.match(title):
        return None
    numbered = NUMBERED_TITLE.match(title) is not None
    name = scope_of(PARENS.sub("", title), doc.vocab)
    if name == "overall" or len(name.split()) > 4:
        return None
    if not numbered and not any(IDENTIFIER_WORD.search(word) for word in name.split()):
        return None  # "The Numbers" titles prose; "ReplicationWorker", "2. Auth flow" name parts
    return name


def from_text(doc: Document, out: Collector) -> None:
    vocab = doc.vocab
    coverage_word = vocab.role("coverage", "word")
    not_coverage = vocab.role("coverage", "not_coverage")
    for block in doc.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        in_coverage = section_has(doc, block, "coverage", 2)
        if section_has(doc, block, "targets", 1):
            continue  # "## Coverage Thresholds": what is required, not what was measured
        for offset, raw in enumerate(block.text.split("\n")):
            if "%" not in raw:
                continue
            line = block.line + offset
            mention = _mention(doc, block, raw)
            parsed = split_field(raw)
            if parsed is not None and _from_field(doc, block, parsed, raw, line, mention, out):
                continue
            if mention.baseline or mention.forecast:
                continue
            listed = block.item is not None or LIST_LIKE.match(raw) is not None
            if in_coverage and listed and _listed_path(doc, block, raw, out, line):
                continue
            found = percentages(raw)[:4]
            for index, quantity in enumerate(found):
                if quantity.operator is not None:
                    continue  # "achieve ≥67% overall coverage": a threshold, not a measurement
                if _superseded(raw, quantity, found[index + 1 :], vocab):
                    continue  # "14% to 41%", "from 31%": an earlier value, not the measurement
                window = raw[max(0, quantity.start - 25) : quantity.start + 20]
                after = raw[quantity.start : quantity.start + 40]
                clause = re.split(
                    r"[.;:!?。]\s", raw[max(0, quantity.start - 80) : quantity.start]
                )[-1]
                if not coverage_word.found(after) and not coverage_word.found(clause):
                    continue
                if not_coverage.found(window) or vocab.role("sections", "baseline").found(window):
                    continue
                if vocab.role("sections", "forecast").found(window):
                    continue
                scope = _scope_in_sentence(block, raw, quantity.start, vocab)
                out.add(scope, quantity, line, _target_in(raw, vocab), metric_of(after, vocab))


def _not_a_scope(label: str, vocab: Vocabulary) -> bool:
    """Labels that name a goal or an earlier step, not a measured thing: ``Target``,
    ``Progressive goal``, ``Phase 1`` / ``Session 11`` in a history list."""
    scope = scope_of(label, vocab)
    if vocab.role("columns", "target").found(scope):
        return True
    sequence = SEQUENCE_LABEL.match(scope)
    if sequence is None:
        return False
    word = sequence.group(1)
    return vocab.role("meta", "sequence").exact(word) or vocab.role("meta", "scope").exact(word)


FROM_WORD = re.compile(r"(?:from|was|von|de|desde|从|から|에서)\s*$", re.IGNORECASE)


def _superseded(raw: str, quantity: Quantity, later: list[Quantity], vocab: Vocabulary) -> bool:
    if FROM_WORD.search(raw[max(0, quantity.start - 8) : quantity.start]):
        return True
    if later:
        between = raw[quantity.start : later[0].start]
        return ARROW.search(" " + between.split("%", 1)[-1] + " ") is not None
    return False


def _listed_path(doc: Document, block: Block, raw: str, out: Collector, line: int) -> bool:
    """``- `src/core/adapters.py` - 100%`` under a coverage heading: the path is the scope."""
    found = percentages(raw)
    if not found:
        return False
    head = raw[: found[0].start]
    paths = [code for code in block.inline.codes if is_path(code) and code in head]
    if not paths:
        paths = [w.strip("*`,;()") for w in head.split() if is_path(w.strip("*`,;()"))]
    if not paths or doc.vocab.role("coverage", "not_coverage").found(raw):
        return False
    after = raw[found[0].start : found[0].start + 16]
    overall = doc.vocab.role("coverage", "overall").found(after)  # "(generated, 55% overall)"
    out.add("overall" if overall else paths[0], found[0], line)
    return True


def _scope_in_sentence(block: Block, text: str, position: int, vocab: Vocabulary) -> str:
    if vocab.role("coverage", "overall").found(text[position : position + 16]):
        return "overall"  # "(55% overall)"
    for code in block.inline.codes:
        if is_path(code) and code in text[:position] and not REPORT_ARTIFACT.search(code):
            return code
    words = [w.strip("*`,;()") for w in text[:position].split()[-6:]]
    paths = [w for w in words if is_path(w) and not REPORT_ARTIFACT.search(w)]
    return paths[-1] if paths else "overall"


def extract_coverage(doc: Document) -> list[CoverageFigure]:
    out = Collector(doc)
    from_tables(doc, out)
    from_fences(doc, out)
    from_text(doc, out)
    doc.found["coverage_forecasts"] = out.forecasts
    return sorted(out.figures, key=lambda figure: figure.line or 0)


def extract_coverage_forecasts(doc: Document) -> list[CoverageForecast]:
    forecasts = doc.found.get("coverage_forecasts", [])
    return list(forecasts) if isinstance(forecasts, list) else []


__all__ = ["Iterator", "extract_coverage", "extract_coverage_forecasts"]
