"""``reports-service export``: a project's reports, gates and blockers as JSON or CSV."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest

import parsers.models as pm
from db.engine import create_engine, run_sync, session_factory
from db.export import columns
from db.migrate import upgrade
from db.models import Report
from db.store import add_report
from db.tokens import get_or_create_project
from tests.cli.conftest import invoke
from tests.samples import parsed_with_items

TRICKY = 'a "quoted", comma\nand a second line — ünïcode'


def store(
    database_url: str, project: str, parsed: pm.ParsedReport, raw: bytes, **fields: str
) -> int:
    """A report with ``parsed``'s items put straight into the database."""

    async def write() -> int:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine)() as session:
                owner = await get_or_create_project(session, project)
                assert owner.id is not None
                report = Report(
                    project_id=owner.id,
                    raw=raw,
                    sha256=hashlib.sha256(raw).hexdigest(),
                    size=len(raw),
                    parser_version=parsed.parser_version,
                    **fields,  # type: ignore[arg-type]
                )
                await run_sync(session, add_report, report, parsed)
                await session.commit()
                assert report.id is not None
                return report.id
        finally:
            await engine.dispose()

    return asyncio.run(write())


@pytest.fixture
def project_data(fresh_url: str) -> tuple[int, int]:
    upgrade(fresh_url)
    first = store(fresh_url, "exp", parsed_with_items("First"), b"# First\n", agent="claude-code")
    tricky = parsed_with_items("Second")
    tricky.blockers = [pm.Blocker(line=3, text=TRICKY, severity="high")]
    second = store(fresh_url, "exp", tricky, b"# Second\n", remediation="r-1")
    store(fresh_url, "other", parsed_with_items("Elsewhere"), b"# Elsewhere\n")
    return first, second


def test_json_holds_the_three_tables_of_the_project(project_data: tuple[int, int]) -> None:
    first, second = project_data
    code, out, err = invoke("export", "--project", "exp")
    assert code == 0, err
    data = json.loads(out)
    assert data["project"] == "exp"
    assert dt.datetime.fromisoformat(data["exported_at"]).tzinfo is not None
    assert [r["id"] for r in data["reports"]] == [first, second]
    assert [r["title"] for r in data["reports"]] == ["First", "Second"]
    assert data["reports"][0]["agent"] == "claude-code"
    assert data["reports"][1]["remediation"] == "r-1"
    assert dt.datetime.fromisoformat(data["reports"][0]["received_at"]).tzinfo is not None
    assert "raw" not in data["reports"][0]
    assert set(data["reports"][0]) == set(columns("reports"))
    gates = data["gates"]
    assert [(g["report_id"], g["position"], g["name"]) for g in gates] == [
        (first, 0, "Overall Coverage"),
        (first, 1, "Lint"),
        (second, 0, "Overall Coverage"),
        (second, 1, "Lint"),
    ]
    assert gates[0]["target_value"] == 67.0
    assert gates[0]["claimed_status"] == "pass"
    assert [b["text"] for b in data["blockers"]] == [
        "S3 credentials missing in CI",
        "Old fixture data",
        TRICKY,
    ]
    assert data["blockers"][1]["resolved"] is True


@pytest.mark.parametrize("table", ["reports", "gates", "blockers"])
def test_csv_is_one_table_with_a_header(project_data: tuple[int, int], table: str) -> None:
    code, out, err = invoke("export", "--project", "exp", "--format", "csv", "--table", table)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == columns(table)
    assert len(rows) == {"reports": 2, "gates": 4, "blockers": 3}[table]
    if table == "blockers":
        assert rows[2]["text"] == TRICKY
        assert rows[1]["resolved"] == "True"
        assert rows[0]["severity"] == "high"


def test_json_can_be_one_table(project_data: tuple[int, int]) -> None:
    code, out, _ = invoke("export", "--project", "exp", "--table", "gates")
    assert code == 0
    assert set(json.loads(out)) == {"project", "exported_at", "gates"}


def test_output_file_is_written_whole(project_data: tuple[int, int], tmp_path: Path) -> None:
    target = tmp_path / "exp.json"
    code, out, err = invoke("export", "--project", "exp", "--output", str(target))
    assert code == 0, err
    assert out == ""
    assert "exported 2 reports, 4 gates, 3 blockers of project 'exp'" in err
    assert len(json.loads(target.read_text(encoding="utf-8"))["reports"]) == 2
    assert target.stat().st_mode & 0o044  # readable like any file written, not 0600
    assert [p.name for p in tmp_path.iterdir()] == ["exp.json"]


@pytest.mark.usefixtures("project_data")
def test_an_unwritable_output_fails_without_leftovers(tmp_path: Path) -> None:
    code, _, err = invoke("export", "--project", "exp", "-o", str(tmp_path / "no" / "x.json"))
    assert code == 1
    assert "cannot write" in err


def test_an_empty_project_is_valid_json(fresh_url: str) -> None:
    upgrade(fresh_url)
    asyncio.run(_make_project(fresh_url, "empty"))
    code, out, _ = invoke("export", "--project", "empty")
    assert code == 0
    data = json.loads(out)
    assert (data["reports"], data["gates"], data["blockers"]) == ([], [], [])


async def _make_project(url: str, name: str) -> None:
    engine = create_engine(url)
    async with session_factory(engine)() as session:
        await get_or_create_project(session, name)
    await engine.dispose()


@pytest.mark.usefixtures("project_data")
def test_usage_and_lookup_errors() -> None:
    code, _, err = invoke("export", "--project", "exp", "--format", "csv")
    assert code == 2
    assert "--table" in err
    code, _, err = invoke("export", "--project", "nobody")
    assert code == 1
    assert "no project 'nobody'" in err
