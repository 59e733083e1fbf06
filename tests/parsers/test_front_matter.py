"""YAML front matter: taken exactly, the body fills the rest, problems named by key and line."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse_report
from parsers.front_matter import KEYS, LIST_FIELDS, report_format_schema

FULL = """\
---
title: "Completion Report: Retry Queue"
agent: Test Agent
date: 2026-03-14
sequence: 000012
in_response_to: 000011
scope: Module 4.2
kind: completion
gates:
  - {name: Overall coverage, target: ">= 80%", current: 84.2%, status: pass}
  - name: p95 latency
    target: "<= 200 ms"
    current: 240 ms
tests:
  - {suite: tests/unit, total: 10, passed: 9, failed: 1, skipped: 0}
  - {total: 10, passed: 9, failed: 1, skipped: 0}
coverage:
  - {scope: overall, value: 84.2, target: 80}
  - {scope: src/retry.py, value: 70, metric: branches}
blockers:
  - {text: staging is down, resolved: false, severity: high}
  - {text: flaky retry test, resolved: true}
files_changed:
  - {path: src/retry.py, change: added}
  - src/queue.py
commands:
  - pytest -q
---

# A body title the front matter overrides
"""


def items(report: Any, category: str, *keys: str) -> list[dict[str, Any]]:
    data = report.to_schema_dict()[category]
    if category == "commands":
        return [
            {"text": text, "line": line}
            for text, line in zip(data, report.to_schema_dict()["command_lines"], strict=True)
        ]
    return [{key: item[key] for key in keys} for item in data]


def test_every_category_is_taken_exactly_with_its_yaml_line() -> None:
    report = parse_report(FULL)
    assert report.issues == []
    meta = report.meta
    assert (meta.title, meta.author, meta.date, meta.kind) == (
        "Completion Report: Retry Queue",
        "Test Agent",
        "2026-03-14",
        "completion",
    )
    # YAML would read 000012 as the octal number 10: the value is kept as written
    assert (meta.sequence, meta.in_response_to, meta.scope) == ("000012", "000011", "Module 4.2")
    assert meta.lines["sequence"] == 5
    assert items(report, "gates", "name", "target", "current", "status", "line", "source") == [
        {
            "name": "Overall coverage",
            "target": ">= 80%",
            "current": "84.2%",
            "status": "pass",
            "line": 10,
            "source": "front_matter",
        },
        {
            "name": "p95 latency",
            "target": "<= 200 ms",
            "current": "240 ms",
            "status": "fail",  # no claim: computed from the numbers
            "line": 11,
            "source": "front_matter",
        },
    ]
    assert items(report, "tests", "suite", "total", "passed", "failed", "skipped", "line") == [
        {"suite": "tests/unit", "total": 10, "passed": 9, "failed": 1, "skipped": 0, "line": 15},
        {"suite": None, "total": 10, "passed": 9, "failed": 1, "skipped": 0, "line": 16},
    ]
    assert items(report, "coverage", "scope", "value", "target", "metric", "line") == [
        {"scope": "overall", "value": 84.2, "target": 80.0, "metric": None, "line": 18},
        {
            "scope": "src/retry.py (branches)",
            "value": 70.0,
            "target": None,
            "metric": "branches",
            "line": 19,
        },
    ]
    assert items(report, "blockers", "text", "resolved", "severity", "line") == [
        {"text": "staging is down", "resolved": False, "severity": "high", "line": 21},
        {"text": "flaky retry test", "resolved": True, "severity": None, "line": 22},
    ]
    assert items(report, "files_changed", "path", "change", "line") == [
        {"path": "src/retry.py", "change": "added", "line": 24},
        {"path": "src/queue.py", "change": None, "line": 25},
    ]
    assert items(report, "commands") == [{"text": "pytest -q", "line": 27}]
    assert all(item.source == "front_matter" for item in (*report.tests, *report.blockers))


def test_the_body_fills_what_the_front_matter_does_not_state_without_duplicates() -> None:
    text = """\
---
gates:
  - {name: Overall coverage, target: ">= 80%", current: 84%, status: pass}
---
# Status Report

## Gates

| Gate | Target | Current | Status |
|------|--------|---------|--------|
| Overall coverage | ≥80% | 84% | ✅ PASS |
| Lint errors | 0 | 0 | ✅ PASS |

## Tests

| Suite | Total | Passed | Failed |
|-------|-------|--------|--------|
| tests/unit | 10 | 10 | 0 |
"""
    report = parse_report(text)
    assert [(g.name, g.source, g.line) for g in report.gates] == [
        ("Overall coverage", "front_matter", 3),
        ("Lint errors", "table", 12),
    ]
    assert [(run.suite, run.total, run.source) for run in report.tests] == [
        ("tests/unit", 10, "body")
    ]


def test_remediation_sets_scope_and_kind_unless_stated() -> None:
    report = parse_report("---\nremediation: Section A coverage gaps\n---\n# Status\n")
    assert (report.meta.scope, report.meta.kind) == ("Section A coverage gaps", "remediation")
    assert report.meta.lines["scope"] == 2
    stated = parse_report("---\nremediation: Section A\nscope: Module 6.5\nkind: status\n---\n")
    assert (stated.meta.scope, stated.meta.kind) == ("Module 6.5", "status")


def test_a_timestamp_date_keeps_its_day() -> None:
    report = parse_report("---\ndate: 2026-03-14T10:23:00Z\n---\n# Status\n")
    assert report.meta.date == "2026-03-14"


def test_an_invalid_entry_is_reported_and_its_valid_siblings_are_kept() -> None:
    text = """\
---
gates:
  - {name: Build, target: exit 0, current: exit 0, status: pass}
  - {name: Lint, status: maybe}
  - {target: 5}
tests:
  - {suite: unit, total: many}
---
"""
    report = parse_report(text)
    assert [g.name for g in report.gates] == ["Build"]
    assert [(issue.line, issue.message) for issue in report.issues] == [
        (
            4,
            "front matter `gates[1].status` (line 4): Input should be 'pass', 'fail', "
            "'pending' or 'unknown', got 'maybe'",
        ),
        (
            5,
            "front matter `gates[2].name` (line 5): this key is required "
            "(an entry of `gates` has: current, name, status, target)",
        ),
        (
            7,
            "front matter `tests[0].total` (line 7): Input should be a valid integer, "
            "unable to parse string as an integer, got 'many'",
        ),
    ]
    assert report.tests == []


def test_a_scalar_where_a_list_is_expected_is_named() -> None:
    report = parse_report("---\ncoverage: 84%\n---\n# Status\n")
    assert [(i.line, i.message) for i in report.issues] == [
        (2, "front matter `coverage` (line 2): expected a list, got '84%'")
    ]


def test_other_tools_front_matter_is_left_alone() -> None:
    """GSD summaries: phase/plan/key-files, and a `coverage:` list of requirements."""
    text = """\
---
phase: 01-desktop-shell
plan: "02"
completed: 2026-03-03
key-files:
  created: [src/a.ts]
coverage:
  - id: D1
    requirement: FIND-03
---
# Phase 1 Plan 02 Summary

**Overall coverage:** 81%
"""
    report = parse_report(text)
    assert report.issues == []
    assert (report.meta.sequence, report.meta.scope) == ("02", "01-desktop-shell")
    assert [(f.scope, f.value) for f in report.coverage] == [("overall", 81.0)]
    assert [(f.code, f.line) for f in report.findings if f.code.startswith("front")] == [
        ("front-matter-foreign", 7)
    ]


def test_schema_names_every_key_and_serialises() -> None:
    schema = report_format_schema()
    assert set(schema["properties"]) == set(KEYS)
    assert set(LIST_FIELDS) <= set(KEYS)
    gate = schema["$defs"]["GateEntry"]
    assert gate["required"] == ["name"]
    assert set(gate["properties"]["status"]["anyOf"][0]["enum"]) == {
        "pass",
        "fail",
        "pending",
        "unknown",
    }
    json.dumps(schema)


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from([*sorted(KEYS), "name", "value", "x"]), children, max_size=3
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(KEYS)), YAML_VALUES, max_size=5))
def test_any_front_matter_parses_without_raising(data: dict[str, Any]) -> None:
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n# Report\n"
    report = parse_report(text)
    assert all(not issue.message.startswith("front matter: could not") for issue in report.issues)
    assert all("could not be run" not in issue.message for issue in report.issues)
