"""Numbers as reports write them: ``≥67%``, ``~60%``, ``<10s``, ``273/273 (100%)``, ``+25%``.

Regular expressions here run inside one cell or one line of text; each is anchored or made of
simple character classes, so that the time they take grows linearly with the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.models import Operator, Status

OPERATORS: dict[str, Operator] = {
    "≥": ">=",
    ">=": ">=",
    "=>": ">=",
    "≧": ">=",
    ">": ">",
    "≤": "<=",
    "<=": "<=",
    "=<": "<=",
    "≦": "<=",
    "<": "<",
    "=": "==",
    "==": "==",
}
UNITS = {
    "%": "%",
    "pp": "%",
    "ms": "ms",
    "msec": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "seconds": "s",
    "second": "s",
    "秒": "s",
    "min": "min",
    "mins": "min",
    "minutes": "min",
    "kb": "KB",
    "mb": "MB",
    "gb": "GB",
    "b": "B",
    "x": "x",
}
QUANTITY = re.compile(
    r"(?P<approx>[~≈約约]\s?)?"
    r"(?P<op>≥|≤|>=|<=|=>|=<|≧|≦|>|<|==|=)?\s?"
    r"(?P<sign>[+\-−])?"
    r"(?P<prefix>%)?"  # Turkish writes the percent sign first: %85.9
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<unit>%|pp|ms|msec|secs?|seconds?|s|秒|mins?|minutes|kb|mb|gb|x)(?![a-z]))?",
    re.IGNORECASE,
)
RATIO = re.compile(r"(?<![\d.])(\d{1,7})\s?/\s?(\d{1,7})(?![\d.]|/)")
RANGE = re.compile(
    r"(?<!\d)(\d+(?:\.\d+)?)\s?%?\s?(?:-|–|—|~|to|à|a|até|bis|до)\s?(\d+(?:\.\d+)?)\s?%"
)
ARROW = re.compile(r"\s(?:->|→|=>|⟶|➜|➡️?|⇒)\s?|\sto\s")


@dataclass(frozen=True, slots=True)
class Quantity:
    value: float
    unit: str | None
    operator: Operator | None
    approximate: bool = False
    signed: bool = False
    start: int = 0


def parse_number(text: str) -> float:
    return float(text.replace(",", ""))


def quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` with its operator and unit."""
    found: list[Quantity] = []
    for match in QUANTITY.finditer(text):
        start = min(
            match.start(group)
            for group in ("approx", "op", "sign", "prefix", "number")
            if match.group(group) is not None
        )
        # the character before the quantity itself (the match may open with the space before
        # it): a letter, "_" or "." makes it part of an identifier or version (v1.2, T047)
        before = text[start - 1] if start > 0 else " "
        if before.isalpha() or before in "_.":
            continue
        unit = match.group("unit") or ("%" if match.group("prefix") else None)
        operator = OPERATORS.get(match.group("op") or "")
        if operator is None and unit and text[match.end() : match.end() + 1] == "+":
            operator = ">="  # "95%+": at least 95%, a bound rather than a measurement
        value = parse_number(match.group("number"))
        if match.group("sign") in ("-", "−") and operator is None:
            value = -value
        found.append(
            Quantity(
                value=value,
                unit=UNITS.get(unit.lower()) if unit else None,
                operator=operator,
                approximate=bool(match.group("approx")),
                signed=bool(match.group("sign")),
                start=start,
            )
        )
    return found


def first_quantity(text: str) -> Quantity | None:
    found = quantities(text)
    if not found:
        return None
    ratio = RATIO.search(text)
    if ratio is not None and ratio.start() <= found[0].start:
        done, total = int(ratio.group(1)), int(ratio.group(2))
        if total:
            return Quantity(done, "count", None, start=ratio.start())
    return found[0]


def percentages(text: str) -> list[Quantity]:
    return [q for q in quantities(text) if q.unit == "%"]


def lower_is_better(name: str, unit: str | None, lower_words: re.Pattern[str] | None) -> bool:
    if unit in ("ms", "s", "min", "KB", "MB", "GB", "B"):
        return True
    return bool(lower_words and lower_words.search(name))


def compare(
    current: Quantity, target: Quantity, name: str, lower_words: re.Pattern[str] | None
) -> tuple[Operator, Status]:
    """Compare a measured value with its target: the target's operator, else the direction the
    metric improves in (coverage up, failures and latency down)."""
    operator = target.operator
    if operator is None or operator == "==":
        zero_target = target.value == 0 and current.value >= 0  # "0 failures"
        lower = lower_is_better(name, target.unit or current.unit, lower_words)
        operator = "<=" if zero_target or lower else ">="
    a, b = current.value, target.value
    ok = {
        ">=": a >= b,
        ">": a > b,
        "<=": a <= b,
        "<": a < b,
        "==": a == b,
    }[operator]
    return operator, "pass" if ok else "fail"


def comparable(current: Quantity, target: Quantity) -> bool:
    """Both numbers measure the same thing (same unit, or one states none)."""
    if current.unit == target.unit:
        return True
    return current.unit is None or target.unit is None
