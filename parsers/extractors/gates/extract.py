"""The gates extractor: every reader's gates, in line order, each named gate once."""

from __future__ import annotations

from parsers.document import Document
from parsers.extractors.gates.fields import gates_from_fields, gates_from_target_fields
from parsers.extractors.gates.lists import (
    gates_from_headings,
    gates_from_items,
    gates_from_marked_lines,
)
from parsers.extractors.gates.prose import (
    gates_from_bracketed_targets,
    gates_from_prose,
    gates_from_thresholds,
)
from parsers.extractors.gates.tables import gates_from_table
from parsers.models import Gate
from parsers.tables import (
    table_kinds,
)


def _dedupe(gates: list[Gate]) -> list[Gate]:
    """Each named gate once; one line read twice ("- [x] Coverage meets standard (82% >= 80%)"
    as a checkbox and as prose) is one gate: the full name, with the numbers read."""
    seen: set[tuple[str, str]] = set()
    unique: list[Gate] = []
    by_line: dict[int | None, list[Gate]] = {}
    for gate in gates:
        key = (gate.name.lower(), gate.status)
        if key in seen:
            continue
        same_line = next(
            (
                kept
                for kept in by_line.get(gate.line, ())
                if kept.status == gate.status and _one_name(kept.name, gate.name)
            ),
            None,
        )
        if same_line is not None:
            if len(gate.name) > len(same_line.name):
                same_line.name = gate.name
            if same_line.target is None and same_line.current is None:
                _take_numbers(same_line, gate)
            seen.add(key)
            continue
        seen.add(key)
        unique.append(gate)
        by_line.setdefault(gate.line, []).append(gate)
    return unique


def _one_name(first: str, second: str) -> bool:
    """One name opens the other ("Test coverage meets standard" and "... (82% >= 80%)")."""
    a, b = first.lower(), second.lower()
    return a.startswith(b) or b.startswith(a)


def _take_numbers(gate: Gate, other: Gate) -> None:
    for field in (
        "target",
        "current",
        "operator",
        "computed_status",
        "target_value",
        "current_value",
        "unit",
    ):
        setattr(gate, field, getattr(other, field))


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
    gates.extend(gates_from_thresholds(doc))
    gates.extend(gates_from_bracketed_targets(doc))
    gates.sort(key=lambda gate: gate.line or 0)
    return _dedupe(gates)
