"""``reports-service lint``: findings with lines and fixes, a summary, exit codes an agent can
branch on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from reports_service.cli import main

CLEAN = """\
# Completion Report: Retry Queue

**Agent:** Test Agent
**Date:** 2026-03-14
**Sequence:** 000007

## Gates

| Gate | Target | Current | Status |
|------|--------|---------|--------|
| Overall coverage | ≥80% | 84% | ✅ PASS |
"""
# a clean header; a gates table without status (warning) and counts that do not add up (error)
BROKEN = """\
# Status Report

**Agent:** Test Agent
**Date:** 2026-03-14
**Sequence:** 7

## Gates

| Gate | Target | Current |
|------|--------|---------|
| p95 latency | ≤200 ms | 240 ms |

## Tests

| Suite | Total | Passed | Failed |
|-------|-------|--------|--------|
| unit | 10 | 8 | 1 |
"""
WARNED = CLEAN.replace("**Sequence:** 000007\n", "")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_report_exits_zero_with_its_summary(tmp_path: Path) -> None:
    path = write(tmp_path, "clean.md", CLEAN)
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{path}: 1 gate, 0 tests, 1 coverage figure, 0 open blockers; no findings\n"
    )


def test_error_finding_exits_one_and_prints_line_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.md", BROKEN)
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        f"{path}:9: warning [gate-table-without-status] this table looks like gates "
        "(Gate | Target | Current) but has no status column"
    )
    assert lines[1].startswith("    fix: Add a `Status` column")
    assert lines[2] == (
        f"{path}:17: error [test-counts-dont-add-up] unit: Total is 10, but passed 8 + failed 1 = 9"
    )
    assert lines[-1] == (
        f"{path}: 1 gate (1 failing), 10 tests, 0 coverage figures, 0 open blockers; "
        "1 error, 1 suggestion"
    )


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = write(tmp_path, "warned.md", WARNED)
    assert CliRunner().invoke(main, ["lint", str(path)]).exit_code == 0
    assert CliRunner().invoke(main, ["lint", "--strict", str(path)]).exit_code == 1


def test_json_lines_per_file_in_order(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.md", BROKEN)
    clean = write(tmp_path, "clean.md", CLEAN)
    result = CliRunner().invoke(main, ["lint", "--json", str(broken), str(clean)])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["file"], r["errors"]) for r in records] == [(str(broken), 1), (str(clean), 0)]
    assert [f["code"] for f in records[0]["findings"]] == [
        "gate-table-without-status",
        "test-counts-dont-add-up",
    ]
    assert set(records[0]["findings"][0]) == {"code", "severity", "line", "message", "fix"}
    assert records[1]["findings"] == []


def test_unreadable_file_exits_two_after_linting_the_others(tmp_path: Path) -> None:
    clean = write(tmp_path, "clean.md", CLEAN)
    result = CliRunner().invoke(main, ["lint", str(tmp_path / "missing.md"), str(clean)])
    assert result.exit_code == 2
    assert "missing.md: cannot read file" in result.stderr
    assert "no findings" in result.stdout


def test_lint_imports_only_the_parser() -> None:
    code = (
        "import sys; from reports_service.cli import main\n"
        "main.get_command(None, 'lint')\n"
        "names = ('litestar', 'sqlalchemy', 'sqlmodel', 'alembic')\n"
        "print(','.join(m for m in names if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
