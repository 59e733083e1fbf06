"""What every gate reader shares: names without marks, claimed status, and making a gate
that keeps the report's own mark apart from the comparison of its numbers."""

from __future__ import annotations

import re

from parsers.document import Document
from parsers.models import Gate, GateSource, Status
from parsers.quantities import comparable, compare, first_quantity
from parsers.tables import (
    lower_is_better_words,
    status_of,
    warning_in,
)

LEADING_MARK = re.compile(r"^\s*([✅✔☑✓🟢❌✗✘✖🔴⛔⏳⏸🔄🚧🕐⏭➖⚠🟡📋][\ufe0f]?)\s*")


TRAILING_MARK = re.compile(r"\s*([✅✔☑✓🟢❌✗✘✖🔴⛔⏳⏸🔄🚧🕐⏭⚠🟡📋][\ufe0f]?)\s*$")


NAME_NOISE = re.compile(r"^[\s*_`|>#:\-–—•·]+|[\s*_`|:\-–—•·]+$")


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


def item_mark(text: str) -> str | None:
    match = LEADING_MARK.match(text) or TRAILING_MARK.search(text)
    return match.group(1) if match else None
