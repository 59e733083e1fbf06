"""Each extractor against its fixture file: markdown in, expected JSON out (fields compared
as a subset, so a fixture names only what it is about)."""

from __future__ import annotations

import json

import pytest

from parsers import parse_report
from tests.parsers.fixture_files import FIXTURES, Case, read_cases, subset

CASES = [case for path in sorted(FIXTURES.glob("*.md")) for case in read_cases(path)]


def test_fixture_files_hold_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fixture(case: Case) -> None:
    category = case.file.removesuffix(".md")
    report = parse_report(case.markdown).to_schema_dict()
    actual = report[category]
    assert subset(case.expected, actual), (
        f"expected {json.dumps(case.expected, ensure_ascii=False)}\n"
        f"actual   {json.dumps(actual, ensure_ascii=False)}"
    )
