"""Coverage tables (per file/component, several metric columns) and gate rows naming coverage."""

from __future__ import annotations

from parsers.document import Block, Document
from parsers.extractors.coverage.collect import Collector
from parsers.extractors.coverage.scopes import measured, metric_of, scope_of, target_in
from parsers.quantities import percentages
from parsers.tables import column_roles, is_path, name_column, table_kinds
from parsers.vocabulary import Vocabulary


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
            folder = _heading_folder(doc, block)
            for row in table.rows:
                if name_at >= len(row.texts):
                    continue
                scope = scope_of(row.texts[name_at], vocab)
                if folder and "/" not in scope and is_path(scope):
                    scope = folder + scope  # "### Library (`lib/mesh/`)" over "| `crypto.py` |"
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
                    if vocab.role("coverage", "word").found(row.texts[name_at]):
                        out.named_headlines.add((metric or "", round(value.value, 2)))
        elif "tests" not in kinds:
            # gate tables and metric tables ("| Controller Coverage | 1.7% | 31.2% |")
            _coverage_from_gate_rows(doc, block, out)


def _heading_folder(doc: Document, block: Block) -> str:
    """The one directory that the table's heading names in code ("### BLE Mesh Library
    (`lib/tuya_ble_mesh/`)"): the files in its rows live there."""
    blocks = doc.blocks_in(block.section) if block.section is not None else []
    if not blocks or blocks[0].kind != "heading":
        return ""
    folders = {
        code.strip().lstrip("./")
        for code in blocks[0].inline.codes
        if code.strip().endswith("/") and not any(ch.isspace() for ch in code.strip())
    }
    return folders.pop() if len(folders) == 1 and "" not in folders else ""


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
        if is_path(name):
            continue  # "test_coverage_boost.py" names a file, not a coverage figure
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
        target = target if target is not None else target_in(row.texts[value_at], vocab)
        out.add(scope_of(name, vocab), value, row.line, target, metric_of(name, vocab))
        out.named_headlines.add((metric_of(name, vocab) or "", round(value.value, 2)))
