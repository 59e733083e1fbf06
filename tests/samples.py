"""Reports written for the tests, in the shapes agents write them."""

from __future__ import annotations

from pathlib import Path

from parsers import PARSER_VERSION
from parsers.models import (
    Blocker,
    Command,
    CoverageFigure,
    CoverageForecast,
    FileChange,
    Gate,
    Meta,
    ParsedReport,
    ParseIssue,
    Section,
    TestRun,
)

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.md"))


def report_markdown(number: int, series: str = "alpha", date: str = "2025-11-12") -> str:
    """A status report, unique per (series, number): gates, tests, files, blockers, commands."""
    coverage = 40 + number % 50
    return f"""# {series.title()} Remediation — Session {number} Status Report

**Date**: {date}
**Module**: {series} module
**Sequence:** {number:06d}

## Gates

| Gate | Target | Current | Status |
|------|--------|---------|--------|
| Overall coverage | ≥67% | {coverage}% | {"✅" if coverage >= 67 else "❌"} |
| Lint | 0 errors | 0 errors | ✅ |

## Tests

- 120 passed, {number % 3} failed, 4 skipped

## Files changed

- `src/{series}/module_{number}.py` (modified)
- `tests/test_{series}_{number}.py` (created)

## Blockers

- [ ] Flaky integration test in `tests/test_{series}_io.py` ({number})
- [x] Missing fixture data

## Commands

```bash
pytest --cov=src/{series} -q
ruff check src
```
"""


def parsed_with_items(title: str = "Hand-made report") -> ParsedReport:
    """A ParsedReport with one or more items in every category (independent of the parser)."""
    return ParsedReport(
        parser_version=PARSER_VERSION,
        meta=Meta(
            title=title, kind="status", date="2025-11-12", scope="storage", lines={"title": 1}
        ),
        gates=[
            Gate(
                line=5,
                name="Overall Coverage",
                target=">=67%",
                current="55%",
                status="fail",
                claimed_status="pass",
                computed_status="fail",
                operator=">=",
                target_value=67.0,
                current_value=55.0,
                unit="%",
            ),
            Gate(line=6, name="Lint", target="0", current="0", status="pass"),
        ],
        coverage=[
            CoverageFigure(line=9, scope="overall", value=55.0, target=67.0),
            CoverageFigure(line=10, scope="storage.py", value=72.5, metric="lines"),
        ],
        coverage_forecasts=[CoverageForecast(line=11, scope="overall", low=68.0, high=72.0)],
        tests=[TestRun(line=13, suite="unit", total=124, passed=120, failed=0, skipped=4)],
        files_changed=[FileChange(line=15, path="src/storage.py", change="modified")],
        blockers=[
            Blocker(line=17, text="S3 credentials missing in CI", severity="high"),
            Blocker(line=18, text="Old fixture data", resolved=True),
        ],
        commands=[Command(line=21, text="pytest -q")],
        sections=[
            Section(line=1, level=1, title=title),
            Section(line=3, level=2, title="Gates", parent=0),
        ],
        issues=[ParseIssue(line=30, message="table row has 3 cells, header has 4")],
    )
