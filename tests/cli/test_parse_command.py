"""``reports-service parse``: JSON Lines out, unreadable files reported after the others."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from reports_service.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_json_lines_one_object_per_file_in_order(tmp_path: Path) -> None:
    first = tmp_path / "a.md"
    second = tmp_path / "b.md"
    first.write_text("# First report\n\n**Date:** 2026-01-02\n", encoding="utf-8")
    second.write_text("# Second report\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", "--json", str(first), str(second)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().split("\n")
    assert [json.loads(line)["meta"]["title"] for line in lines] == [
        "First report",
        "Second report",
    ]
    first_report = json.loads(lines[0])
    assert first_report["meta"]["date"] == "2026-01-02"
    assert set(first_report) >= {
        "meta",
        "gates",
        "coverage",
        "tests",
        "files_changed",
        "blockers",
        "commands",
        "sections",
        "issues",
    }


def test_unreadable_file_is_reported_after_the_others(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Good\n", encoding="utf-8")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00not utf-8")
    missing = tmp_path / "missing.md"
    result = CliRunner().invoke(main, ["parse", "--json", str(missing), str(binary), str(good)])
    assert result.exit_code == 1
    assert json.loads(result.stdout.strip())["meta"]["title"] == "Good"
    assert "missing.md: cannot read file" in result.stderr
    assert "binary.md: not UTF-8 text" in result.stderr


def test_human_output_names_what_was_found() -> None:
    result = CliRunner().invoke(main, ["parse", str(EXAMPLES / "00b_section-a-status-report.md")])
    assert result.exit_code == 0
    assert "gate  fail    Overall Coverage target ≥67% current 55%" in result.output


def test_parse_path_imports_only_the_parser() -> None:
    """`parse` must start fast: the web framework and the database layer stay unloaded."""
    code = (
        "import sys; from reports_service.cli import main\n"
        "main.get_command(None, 'parse')\n"
        "names = ('litestar', 'sqlalchemy', 'sqlmodel', 'alembic')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
