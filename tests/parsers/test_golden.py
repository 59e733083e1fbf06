"""Whole reports against hand-checked answers: every expected item found, nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parsers import parse_report

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.md"))
KEYS: dict[str, tuple[str, ...]] = {
    "gates": ("name", "status"),
    "coverage": ("scope", "value"),
    "tests": ("suite", "total", "passed", "failed"),
}


def keyed(items: list[dict[str, Any]], keys: tuple[str, ...]) -> list[list[Any]]:
    return sorted(([item[key] for key in keys] for item in items), key=json.dumps)


@pytest.mark.parametrize("report", CASES, ids=lambda path: path.stem)
def test_golden_report(report: Path) -> None:
    expected = json.loads(report.with_suffix(".expected.json").read_text(encoding="utf-8"))
    parsed = parse_report(report.read_text(encoding="utf-8")).to_schema_dict()
    meta = parsed["meta"]
    assert isinstance(meta, dict)
    assert {key: meta[key] for key in expected["meta"]} == expected["meta"]
    for category, keys in KEYS.items():
        if category in expected:
            items = parsed[category]
            assert isinstance(items, list)
            assert keyed(items, keys) == sorted(expected[category], key=json.dumps), category
    assert parsed["issues"] == []


def test_golden_cases_exist() -> None:
    assert len(CASES) >= 2
