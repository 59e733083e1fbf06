"""Lint: findings about the report itself, each with its line and a fix an agent can act on.

The extractors read what a report says; the rules here say where it could be read better: a
gates table without a status column, a coverage figure without a scope, test counts that do not
add up, a blocker without a resolution state, a missing header field, front matter outside the
schema. Like the extractors, each rule is one small function over the document (and the parsed
report), run in the order of :data:`RULES`.

Severity: ``error`` when the report contradicts itself or its front matter breaks the schema
(``reports-service lint`` exits non-zero), ``warning`` when the guide's format is not followed
and something was guessed or left out, ``info`` for a suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from parsers.context import in_baseline, in_forecast
from parsers.document import Block, Document
from parsers.extractors.gates import clean_name
from parsers.front_matter import FrontMatter
from parsers.models import Finding, ParsedReport, Severity, TestRun
from parsers.tables import (
    column_roles,
    is_path,
    name_column,
    section_has,
    status_of,
    table_kinds,
    warning_in,
)

STATUS_MARKS = "✅ PASS, ❌ FAIL, ⏳ PENDING or ⏭️ SKIP"
GUIDE = "docs/REPORT_FORMAT.md"


@dataclass(frozen=True, slots=True)
class Context:
    doc: Document
    report: ParsedReport
    front: FrontMatter | None


def finding(code: str, severity: Severity, line: int | None, message: str, fix: str) -> Finding:
    return Finding(code=code, severity=severity, line=line, message=message, fix=fix)


def front_matter(ctx: Context) -> Iterator[Finding]:
    error = ctx.doc.front_matter_error
    if error is not None:
        yield finding(
            "front-matter-invalid",
            "error",
            error[0],
            error[1],
            "Fix the YAML between the `---` lines; quote values that start with `>`, `<`, `*`, "
            '`%` or `@` (write `target: ">= 80%"`).',
        )
    if ctx.front is None:
        return
    for problem in ctx.front.problems:
        if problem.kind == "error":
            yield finding(
                "front-matter-invalid",
                "error",
                problem.line,
                problem.message,
                f"Make `{problem.key or 'the front matter'}` follow the schema in {GUIDE}; "
                "an entry that cannot be read is left out of the parsed report.",
            )
        elif problem.kind == "unknown":
            yield finding(
                "front-matter-unknown-key",
                "warning",
                problem.line,
                problem.message,
                "Rename the key to the one the schema names; unknown keys are ignored.",
            )
        else:
            yield finding(
                "front-matter-foreign",
                "info",
                problem.line,
                problem.message,
                "Nothing to do if another tool owns this key; to state items for this service, "
                f"use the entry fields listed in {GUIDE}.",
            )


HEADER_FIELDS: tuple[tuple[str, str, Severity, str], ...] = (
    ("date", "date", "warning", "**Date:** 2026-03-14"),
    ("author", "agent", "warning", "**Agent:** <your name or tool>"),
    ("sequence", "sequence", "info", "**Sequence:** 000012"),
)


def header_fields(ctx: Context) -> Iterator[Finding]:
    meta = ctx.report.meta
    line = meta.lines.get("title", 1)
    for attribute, name, severity, example in HEADER_FIELDS:
        if getattr(meta, attribute) is None:
            yield finding(
                f"header-missing-{name}",
                severity,
                line,
                f"the header states no {name}",
                f"Add the line `{example}` under the title (or `{name}:` in the front matter).",
            )


def _tables(doc: Document) -> Iterator[Block]:
    for block in doc.blocks:
        if block.kind == "table" and block.table is not None and block.table.rows:
            yield block


def _looks_like_gates(doc: Document, block: Block) -> bool:
    table = block.table
    if table is None:
        return False
    vocab = doc.vocab
    kinds = table_kinds(doc, block)
    if kinds & {"coverage", "tests"}:
        return False
    columns = column_roles(table.header_texts, vocab)
    if columns.has("severity") or any(
        vocab.role("columns", "finding").exact(h) for h in table.header_texts
    ):
        return False
    name_header = table.header_texts[name_column(table, columns)]
    return (
        "gates" in kinds
        or section_has(doc, block, "gates", 2)
        or vocab.role("gates", "word").found(name_header)
    )


def gate_tables_without_status(ctx: Context) -> Iterator[Finding]:
    for block in _tables(ctx.doc):
        table = block.table
        if table is None or column_roles(table.header_texts, ctx.doc.vocab).has("status"):
            continue
        if not _looks_like_gates(ctx.doc, block):
            continue
        headers = " | ".join(table.header_texts)
        yield finding(
            "gate-table-without-status",
            "warning",
            block.line,
            f"this table looks like gates ({headers}) but has no status column",
            f"Add a `Status` column and start each cell with {STATUS_MARKS}; "
            "columns: `Gate | Target | Current | Status`.",
        )


def gates_without_target(ctx: Context) -> Iterator[Finding]:
    """A gate with a status mark but no target: in a table without a Target column once per
    table, else per gate (checklists are yes/no criteria and need none)."""
    tables = [block for block in _tables(ctx.doc) if "gates" in table_kinds(ctx.doc, block)]
    reported: set[int] = set()
    for gate in ctx.report.gates:
        if (
            gate.claimed_status is None
            or gate.target
            or gate.source not in ("table", "front_matter")
        ):
            continue
        block = next((b for b in tables if gate.line and b.line <= gate.line <= b.end_line), None)
        table = block.table if block is not None else None
        if (
            block is not None
            and table is not None
            and not column_roles(table.header_texts, ctx.doc.vocab).has("target")
        ):
            if block.line not in reported:
                reported.add(block.line)
                yield finding(
                    "gate-without-target",
                    "warning",
                    block.line,
                    "the gates in this table have a status but no target",
                    "Add a `Target` column with what each gate is measured against "
                    "(`>= 80%`, `0 errors`, `<= 200 ms`, `exit 0`) and a `Current` column "
                    "with the measured value.",
                )
            continue
        yield finding(
            "gate-without-target",
            "warning",
            gate.line,
            f"gate `{gate.name}` has a status but no target",
            "State what the gate is measured against (`>= 80%`, `0 errors`, `exit 0`) in its "
            "Target cell (front matter: `target:`).",
        )


def gate_status_unrecognised(ctx: Context) -> Iterator[Finding]:
    vocab = ctx.doc.vocab
    for block in _tables(ctx.doc):
        table = block.table
        if table is None or "gates" not in table_kinds(ctx.doc, block):
            continue
        status_at = column_roles(table.header_texts, vocab).get("status")
        if status_at is None:
            continue
        for row in table.rows:
            text = row.texts[status_at] if status_at < len(row.texts) else ""
            if not clean_name(text) or status_of(text, vocab) or warning_in(text, vocab):
                continue
            yield finding(
                "gate-status-unrecognised",
                "warning",
                row.line,
                f"status `{text}` is not a status the parser knows",
                f"Start the status cell with {STATUS_MARKS}"
                " (a project can add its own status words to its vocabulary).",
            )


def coverage_without_scope(ctx: Context) -> Iterator[Finding]:
    """A coverage percentage with no scope: read as overall, or not read at all."""
    vocab = ctx.doc.vocab
    overall = vocab.role("coverage", "overall")
    fix = (
        "Name the scope: `Overall coverage: 84.2%`, or a row `| payments/retry.py | 91.5% |` "
        "in a `Scope | Coverage | Target` table."
    )
    read_lines = {figure.line for figure in ctx.report.coverage}
    for figure in ctx.report.coverage:
        if figure.source != "body" or not figure.scope.startswith("overall") or not figure.line:
            continue
        text = ctx.doc.lines[figure.line - 1] if figure.line <= len(ctx.doc.lines) else ""
        if not overall.found(text):
            yield finding(
                "coverage-without-scope",
                "warning",
                figure.line,
                f"coverage {figure.value:g}% does not say what it covers; it was read as overall",
                fix,
            )
    for block in ctx.doc.blocks:
        if block.kind != "paragraph" or in_baseline(ctx.doc, block) or in_forecast(ctx.doc, block):
            continue
        for offset, text in enumerate(block.text.split("\n")):
            line = block.line + offset
            if line in read_lines or "%" not in text or not _unscoped_coverage(text, ctx):
                continue
            if any(code in text for code in block.inline.codes):
                continue  # "`TouchInputHandler.Update()` has 0% coverage": the span is the scope
            yield finding(
                "coverage-without-scope",
                "info",
                line,
                "a coverage percentage here was not read: it names no scope",
                fix,
            )


PERCENT = re.compile(r"\d+(?:\.\d+)?\s?%")
NOT_MEASURED = (
    ("coverage", "not_coverage"),
    ("coverage", "overall"),
    ("columns", "baseline"),
    ("columns", "target"),
    ("sections", "baseline"),
    ("sections", "forecast"),
)


def _unscoped_coverage(text: str, ctx: Context) -> bool:
    """A coverage word within a few words of a percentage, with nothing naming what it covers
    and nothing marking it as a baseline, target or forecast."""
    vocab = ctx.doc.vocab
    match = PERCENT.search(text)
    if match is None or not vocab.role("coverage", "word").found(
        text[max(0, match.start() - 40) : match.end() + 20]
    ):
        return False
    if any(is_path(word.strip("`*,;:()")) for word in text.split()):
        return False
    return not any(vocab.role(group, role).found(text) for group, role in NOT_MEASURED)


def _counts(run: TestRun) -> str:
    parts = [
        f"{name} {value}"
        for name in ("passed", "failed", "skipped", "errors")
        if (value := getattr(run, name)) is not None
    ]
    return " + ".join(parts)


NUMBER = re.compile(r"\d{1,3}(?:[,\u202f\u00a0]\d{3})+(?!\d)|\d+")


def _stated(doc: Document, run: TestRun) -> bool:
    """Every count of a body run is written on its line: a sum that does not add up is the
    report's, not a count the parser inferred (a runner line leaves zero counts out)."""
    if run.source == "front_matter":
        return True
    text = doc.lines[run.line - 1] if run.line and run.line <= len(doc.lines) else ""
    numbers = {int(re.sub(r"\D", "", n)) for n in NUMBER.findall(text)}
    counts = (run.total, run.passed, run.failed, run.skipped, run.errors)
    return all(value in numbers for value in counts if value is not None)


def count_sums(ctx: Context) -> Iterator[Finding]:
    for run in ctx.report.tests:
        if run.total is None or (run.passed is None and run.failed is None):
            continue
        if not _stated(ctx.doc, run):
            continue
        parts = sum(v or 0 for v in (run.passed, run.failed, run.skipped, run.errors))
        if parts != run.total:
            yield finding(
                "test-counts-dont-add-up",
                "error",
                run.line,
                f"{run.suite or 'total row'}: Total is {run.total}, but {_counts(run)} = {parts}",
                "Make Total equal Passed + Failed + Skipped (+ Errors), copied from the test "
                "runner's summary line.",
            )
    yield from _table_totals(ctx)


def _table_totals(ctx: Context) -> Iterator[Finding]:
    """A TOTAL row that differs from the sum of the suite rows above it."""
    for block in _tables(ctx.doc):
        runs = [r for r in ctx.report.tests if r.line and block.line <= r.line <= block.end_line]
        totals = [r for r in runs if r.suite is None]
        suites = [r for r in runs if r.suite is not None]
        if len(totals) != 1 or len(suites) < 2:
            continue
        differences = []
        for name in ("total", "passed", "failed"):
            values = [getattr(r, name) for r in suites]
            stated = getattr(totals[0], name)
            if stated is not None and all(v is not None for v in values) and sum(values) != stated:
                differences.append(f"{name} {stated} (the suites add up to {sum(values)})")
        if differences:
            yield finding(
                "test-total-differs-from-suites",
                "error",
                totals[0].line,
                "the total row says " + ", ".join(differences),
                "Make the total row the sum of the suite rows above it, or drop it.",
            )


def blockers_without_state(ctx: Context) -> Iterator[Finding]:
    vocab = ctx.doc.vocab
    fix = (
        "Start the blocker with `**Open:**` or `**Resolved:**` (front matter: `resolved: false` "
        "or `resolved: true`)."
    )
    if ctx.front is not None:
        for line in ctx.front.stateless_blockers:
            yield finding(
                "blocker-without-state", "warning", line, "blocker without `resolved:`", fix
            )
    states = (
        vocab.role("blockers", "state_open"),
        vocab.role("blockers", "state_resolved"),
        vocab.role("sections", "resolved"),
    )
    nothing = vocab.role("blockers", "not_blocker")
    for item in ctx.doc.items:
        block = item.blocks[0] if item.blocks else None
        if item.parent is not None or block is None or block.kind != "paragraph":
            continue
        if not section_has(ctx.doc, block, "blockers", 2):
            continue
        if section_has(ctx.doc, block, "not_blockers", 1) or section_has(
            ctx.doc, block, "howto", 1
        ):
            continue
        nearest = ctx.doc.heading_path(block)[-1:]
        head = " ".join(item.text.split()[:4])
        if item.checkbox is not None or any(p.found(head) for p in states):
            continue
        if nearest and any(p.found(nearest[0]) for p in states):
            continue  # "### Resolved" under "## Blockers"
        if nothing.found(head):
            continue  # "None", "No blockers"
        yield finding(
            "blocker-without-state",
            "warning",
            block.line,
            f"blocker `{_short(item.text)}` does not say whether it is open or resolved",
            fix,
        )


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


Rule = Callable[[Context], Iterator[Finding]]
RULES: tuple[Rule, ...] = (
    front_matter,
    header_fields,
    gate_tables_without_status,
    gates_without_target,
    gate_status_unrecognised,
    coverage_without_scope,
    count_sums,
    blockers_without_state,
)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def lint(doc: Document, report: ParsedReport, front: FrontMatter | None = None) -> list[Finding]:
    """Every rule's findings, in line order (errors first on one line)."""
    ctx = Context(doc, report, front)
    findings = [found for rule in RULES for found in rule(ctx)]
    return sorted(findings, key=lambda f: (f.line or 0, SEVERITY_ORDER[f.severity]))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summarize(report: ParsedReport) -> str:
    """``5 gates (3 failing), 116 tests, 4 coverage figures, 1 open blocker; 2 suggestions``."""
    gates = report.gates
    failing = sum(1 for gate in gates if gate.status == "fail")
    parts = [_plural(len(gates), "gate") + (f" ({failing} failing)" if failing else "")]
    totals = [run.total for run in report.tests if run.suite is None and run.total is not None]
    tests = totals[0] if totals else sum(run.total or 0 for run in report.tests)
    parts.append(_plural(tests, "test"))
    parts.append(_plural(len(report.coverage), "coverage figure"))
    open_blockers = sum(1 for blocker in report.blockers if not blocker.resolved)
    parts.append(_plural(open_blockers, "open blocker"))
    errors = sum(1 for f in report.findings if f.severity == "error")
    suggestions = len(report.findings) - errors
    tail = [_plural(errors, "error")] if errors else []
    if suggestions:
        tail.append(_plural(suggestions, "suggestion"))
    return ", ".join(parts) + "; " + (", ".join(tail) if tail else "no findings")
