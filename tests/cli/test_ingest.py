"""``reports-service ingest``: a tree of report files in, each content once, bad files listed."""

from __future__ import annotations

import asyncio
import os
import pty
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import reports_service.services.backfill as backfill_module
from db.engine import create_engine, session_factory
from db.models import Report
from db.tokens import get_or_create_project
from reports_service.services.backfill import BATCH_SIZE, backfill, store_batch
from reports_service.services.ingest import Submission, ingest
from reports_service.services.report_files import (
    ReportFile,
    Unreadable,
    find_report_files,
    read_report_file,
)
from tests.cli.conftest import EXECUTABLE, command_env, invoke
from tests.cli.crashing_reader import crash_on_poison
from tests.samples import EXAMPLES, report_markdown


def write_tree(root: Path, count: int = 6) -> list[Path]:
    """``count`` distinct sample reports in nested folders, plus files ingest must leave alone."""
    written = []
    for number in range(count):
        folder = root / f"2025-11-{10 + number % 3:02d}" / ("deep" if number % 2 else "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"session-{number:03d}.md"
        path.write_text(report_markdown(number, series="tree"), encoding="utf-8")
        written.append(path)
    (root / "notes.txt").write_text("# not a report file\n", encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return written


def write_bad_files(root: Path) -> dict[str, str]:
    """Files that cannot be imported, and a word of the reason each must get."""
    bad = root / "bad"
    bad.mkdir()
    (bad / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (bad / "latin1.md").write_bytes("# Rapport \xe9t\xe9\n".encode("latin-1"))
    (bad / "utf16.md").write_text("# Report\n", encoding="utf-16-le")
    (bad / "empty.md").write_text("  \n\n", encoding="utf-8")
    (bad / "huge.md").write_text("# Huge\n" + "x" * 5000, encoding="utf-8")
    return {
        "binary.md": "NUL byte",
        "latin1.md": "not UTF-8",
        "utf16.md": "NUL byte",
        "empty.md": "empty",
        "huge.md": "too big",
    }


def stored_reports(database_url: str, project: str) -> list[Report]:
    """The project's reports in the database, in the order they were stored."""

    async def read() -> list[Report]:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine)() as session:
                owner = await get_or_create_project(session, project)
                statement = select(Report).where(Report.project_id == owner.id)
                return list(await session.exec(statement.order_by(col(Report.id))))
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_a_tree_is_imported_once_in_path_order(tmp_path: Path, fresh_url: str) -> None:
    written = write_tree(tmp_path / "history")
    code, out, err = invoke("ingest", str(tmp_path / "history"), "--project", "tree", "-j", "1")
    assert code == 0, err
    assert out.strip() == "project 'tree': 6 imported, 0 duplicates, 0 failed (6 files)"
    reports = stored_reports(fresh_url, "tree")
    by_path = sorted(written)
    assert [r.raw for r in reports] == [p.read_bytes() for p in by_path]
    assert all(r.remediation is None for r in reports)

    code, out, err = invoke("ingest", str(tmp_path / "history"), "--project", "tree")
    assert code == 0, err
    assert out.strip() == "project 'tree': 0 imported, 6 duplicates, 0 failed (6 files)"
    assert len(stored_reports(fresh_url, "tree")) == 6


def test_bad_files_are_listed_and_the_rest_imported(
    tmp_path: Path, fresh_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTS_MAX_BODY_BYTES", "4000")
    write_tree(tmp_path, count=3)
    reasons = write_bad_files(tmp_path)
    missing = tmp_path / "missing-folder"
    code, out, err = invoke("ingest", str(tmp_path), str(missing), "--project", "mixed")
    assert code == 1
    assert out.strip() == "project 'mixed': 3 imported, 0 duplicates, 6 failed (9 files)"
    for name, reason in reasons.items():
        line = next(line for line in err.splitlines() if line.endswith(name) or f"{name}:" in line)
        assert line.startswith("failed: ")
        assert reason in line, line
    assert f"failed: {missing}: no such file or directory" in err
    assert len(stored_reports(fresh_url, "mixed")) == 3

    code, out, _ = invoke("ingest", str(tmp_path), "--project", "mixed")
    assert code == 1
    assert out.strip() == "project 'mixed': 0 imported, 3 duplicates, 5 failed (8 files)"


def test_remediation_and_same_content_twice_in_one_run(tmp_path: Path, fresh_url: str) -> None:
    first = tmp_path / "a.md"
    first.write_bytes(EXAMPLES[0].read_bytes())
    (tmp_path / "b.md").write_bytes(EXAMPLES[0].read_bytes())
    code, out, err = invoke(
        "ingest", str(tmp_path), "--project", "fix", "--remediation", "coverage-push", "-v"
    )
    assert code == 0, err
    assert "1 imported, 1 duplicate, 0 failed" in out
    assert "imported: " in err
    assert "duplicate: " in err
    (report,) = stored_reports(fresh_url, "fix")
    assert report.remediation == "coverage-push"
    assert report.title is not None
    assert report.title.startswith("Completion Report")


def test_many_files_across_parser_processes_keep_their_order(
    tmp_path: Path, fresh_url: str
) -> None:
    count = BATCH_SIZE * 2 + 7
    for number in range(count):
        (tmp_path / f"{number:04d}.md").write_text(report_markdown(number, "bulk"), "utf-8")
    code, out, err = invoke("ingest", str(tmp_path), "--project", "bulk", "--jobs", "2")
    assert code == 0, err
    assert "with 2 parser processes" in err
    assert f"{count} imported" in out
    reports = stored_reports(fresh_url, "bulk")
    assert [r.sequence for r in reports] == [f"{n:06d}" for n in range(count)]


def test_nothing_to_import_is_not_a_failure(tmp_path: Path, fresh_url: str) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, _, err = invoke("ingest", str(tmp_path), "--project", "none")
    assert code == 0
    assert "no report files (*.md) found" in err


def test_pattern_chooses_the_files(tmp_path: Path, fresh_url: str) -> None:
    (tmp_path / "report.markdown").write_text(report_markdown(1), encoding="utf-8")
    (tmp_path / "other.md").write_text(report_markdown(2), encoding="utf-8")
    code, out, _ = invoke("ingest", str(tmp_path), "--project", "pat", "--pattern", "*.markdown")
    assert code == 0
    assert "1 imported" in out


@pytest.mark.usefixtures("fresh_url")
def test_a_bad_project_name_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = invoke("ingest", str(tmp_path), "--project", "no/slashes")
    assert code == 2
    assert "PROJECT" in err


def test_files_are_found_once_sorted_and_missing_ones_reported(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.md").write_text("# 2", encoding="utf-8")
    (tmp_path / "b" / "1.md").write_text("# 1", encoding="utf-8")
    (tmp_path / "a.md").write_text("# a", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.md")
    found, problems = find_report_files(
        [
            tmp_path / "b",
            tmp_path / "a.md",
            tmp_path / "b" / "1.md",
            tmp_path / "gone",
            tmp_path / "pipe.md",
        ]
    )
    assert found == [tmp_path / "b" / "1.md", tmp_path / "b" / "2.md", tmp_path / "a.md"]
    assert [(Path(p.path).name, p.reason) for p in problems] == [
        ("gone", "no such file or directory"),
        ("pipe.md", "not a regular file"),
    ]


def test_reading_keeps_the_bytes_and_drops_only_the_bom_for_the_parser(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf# Title\r\n")
    result = read_report_file(str(path), 1000)
    assert isinstance(result, ReportFile)
    assert result.raw == b"\xef\xbb\xbf# Title\r\n"
    assert result.parsed.meta.title == "Title"
    assert isinstance(read_report_file(str(tmp_path / "none.md"), 1000), Unreadable)


@pytest.mark.anyio
async def test_a_file_that_kills_the_parser_process_fails_alone(
    tmp_path: Path, sessions: async_sessionmaker[AsyncSession]
) -> None:
    paths = []
    for number in range(10):
        name = "poison.md" if number == 4 else f"{number:02d}.md"
        (tmp_path / name).write_text(report_markdown(number, "crash"), encoding="utf-8")
        paths.append(str(tmp_path / name))
    summary = await backfill(
        sessions, "crash", paths, max_bytes=100_000, jobs=2, reader=crash_on_poison
    )
    (failed,) = summary.of("failed")
    assert failed.path.endswith("poison.md")
    assert "died" in (failed.reason or "")
    assert len(summary.of("imported")) == 9
    assert sorted(o.path for o in summary.outcomes) == sorted(paths)


@pytest.mark.anyio
async def test_a_racing_writer_turns_the_batch_into_single_stores(
    tmp_path: Path, sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer stores one of the batch's reports between our check and our insert."""
    files = []
    for number in range(3):
        path = tmp_path / f"{number}.md"
        path.write_text(report_markdown(number, "race"), encoding="utf-8")
        result = read_report_file(str(path), 100_000)
        assert isinstance(result, ReportFile)
        files.append(result)
    async with sessions() as session:
        project = await get_or_create_project(session, "race")
    real_run_sync = backfill_module.run_sync
    raced: list[int | None] = []

    async def store_after_a_rival(session: AsyncSession, *args: Any) -> Any:
        if not raced:
            async with sessions() as rival:
                rival_project = await get_or_create_project(rival, "race")
                outcome = await ingest(
                    rival, rival_project, Submission(raw=files[1].raw, text=files[1].text)
                )
                raced.append(outcome.report.id)
        return await real_run_sync(session, *args)

    monkeypatch.setattr(backfill_module, "run_sync", store_after_a_rival)
    outcomes = await store_batch(sessions, project, files, remediation="r")
    assert [o.status for o in outcomes] == ["imported", "duplicate", "imported"]
    assert outcomes[1].report_id == raced[0]
    async with sessions() as session:
        stored = list(await session.exec(select(Report).where(Report.project_id == project.id)))
    assert len(stored) == 3


def test_a_terminal_gets_a_progress_bar(tmp_path: Path, fresh_url: str) -> None:
    write_tree(tmp_path / "tree", count=3)
    controller, terminal = pty.openpty()
    env = command_env(fresh_url, TERM="xterm-256color", COLUMNS="100")
    process = subprocess.Popen(
        [str(EXECUTABLE), "ingest", str(tmp_path / "tree"), "--project", "tty"],
        env=env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    screen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        screen += chunk
    os.close(controller)
    assert process.wait(timeout=120) == 0
    text = screen.decode("utf-8", "replace")
    assert "ingest" in text
    assert "3/3" in text
    assert "━" in text
    assert "importing 3 files" not in text
    assert "3 imported" in text


def test_without_a_terminal_there_is_no_bar(tmp_path: Path, fresh_url: str) -> None:
    write_tree(tmp_path / "tree", count=2)
    result = subprocess.run(
        [str(EXECUTABLE), "ingest", str(tmp_path / "tree"), "--project", "pipe"],
        env=command_env(fresh_url),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "━" not in result.stderr + result.stdout
    assert result.stderr.startswith("importing 2 files into project 'pipe'")
