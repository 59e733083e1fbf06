"""The gates extractor: every reader's gates, in line order, each named gate once."""

from __future__ import annotations

from parsers.document import Document
from parsers.extractors.gates.fields import gates_from_fields, gates_from_target_fields
from parsers.extractors.gates.lists import (
    gates_from_headings,
    gates_from_items,
    gates_from_marked_lines,
)
from parsers.extractors.gates.prose import gates_from_prose, gates_from_thresholds
from parsers.extractors.gates.tables import gates_from_table
from parsers.models import Gate
from parsers.tables import (
    table_kinds,
)


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
    gates.extend(gates_from_thresholds(doc))
    gates.sort(key=lambda gate: gate.line or 0)
    return _dedupe(gates)
