"""Every command as a process of its own, against a real server, on SQLite and on PostgreSQL.

The server serves the database the commands write to: what a command does is checked through
the API, the way a person would see it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import httpx
import pytest

from parsers import parse_report
from reports_service.devserver import server_process
from tests.cli.conftest import LiveServer, command_env, run_command
from tests.samples import EXAMPLES, report_markdown

pytestmark = pytest.mark.slow
STATUS_REPORT = next(path for path in EXAMPLES if "status-report" in path.name)


def create_token(server: LiveServer, project: str) -> str:
    created = run_command("token", "create", project, env=command_env(server.database_url))
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


def client_env(server: LiveServer, project: str, token: str) -> dict[str, str]:
    """An agent's machine: the client variables only, no database."""
    return command_env(REPORTS_URL=server.url, REPORTS_PROJECT=project, REPORTS_TOKEN=token)


def reports_of(server: LiveServer, project: str) -> dict[str, object]:
    response = httpx.get(f"{server.url}/api/projects/{project}/reports", params={"limit": 500})
    assert response.status_code == 200, response.text
    listing: dict[str, object] = response.json()
    return listing


def test_db_upgrade_on_the_served_database(live_server: LiveServer) -> None:
    result = run_command("db", "upgrade", env=command_env(live_server.database_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("database at head: ")
    assert httpx.get(f"{live_server.url}/ready").status_code == 200


def test_post_a_report_then_again_then_with_a_revoked_token(live_server: LiveServer) -> None:
    token = create_token(live_server, "e2e-post")
    env = client_env(live_server, "e2e-post", token)
    first = run_command(
        "post", str(STATUS_REPORT), "--agent", "claude-code", "--session", "s-9",
        "--commit", "abc123", "--remediation", "coverage", env=env,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    url, summary = first.stdout.strip().splitlines()
    report_id = int(url.rsplit("/", 1)[1])
    assert url == f"{live_server.url}/api/projects/e2e-post/reports/{report_id}"
    parsed = parse_report(STATUS_REPORT.read_text(encoding="utf-8"))
    open_blockers = sum(1 for blocker in parsed.blockers if not blocker.resolved)
    blockers = (
        f"{open_blockers} open blocker{'s' if open_blockers != 1 else ''}"
        if open_blockers
        else "no open blockers"
    )  # the parser decides the blockers; the client reports what it was told
    assert summary == (
        f"stored report {report_id} (new): 5 gates, 3 failing; 116 tests, 42 failed; {blockers}"
    )
    stored = httpx.get(url).json()
    assert (stored["agent"], stored["session"], stored["commit"], stored["remediation"]) == (
        "claude-code", "s-9", "abc123", "coverage",
    )  # fmt: skip
    raw = httpx.get(f"{url}/raw").content
    assert raw == STATUS_REPORT.read_bytes()

    again = run_command("post", str(STATUS_REPORT), env=env)
    assert again.returncode == 0
    assert f"stored report {report_id} (already stored)" in again.stdout

    listed = run_command("token", "list", "e2e-post", env=command_env(live_server.database_url))
    key_id = token.split("_")[1]
    assert key_id in listed.stdout
    revoked = run_command("token", "revoke", key_id, env=command_env(live_server.database_url))
    assert revoked.returncode == 0, revoked.stderr
    refused = run_command("post", str(EXAMPLES[0]), env=env)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "refused the report (401 Unauthorized)" in refused.stderr
    assert "the token is unknown or revoked" in refused.stderr
    assert "attempt" not in refused.stderr  # a 4xx is not retried


def test_post_json_stdin_and_the_wrong_project(live_server: LiveServer) -> None:
    token = create_token(live_server, "e2e-json")
    env = client_env(live_server, "e2e-json", token)
    markdown = report_markdown(1, "stdin")
    result = run_command("post", "-", "--json", env=env, stdin=markdown)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["duplicate"] is False
    assert body["parsed"]["meta"]["sequence"] == "000001"

    elsewhere = run_command("post", "-", "--project", "e2e-post", env=env, stdin=markdown)
    assert elsewhere.returncode == 1
    assert "belongs to project 'e2e-json'" in elsewhere.stderr


def test_post_refuses_what_it_cannot_send(live_server: LiveServer, tmp_path: Path) -> None:
    env = client_env(live_server, "e2e-json", "rst_000000000000_aaaaaaaaaaaaaaaaaaaaaaaa")
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes("# Rapport d'\xe9t\xe9\n".encode("latin-1"))
    result = run_command("post", str(latin1), env=env)
    assert result.returncode == 1
    assert "not UTF-8 text" in result.stderr
    missing = run_command("post", str(tmp_path / "none.md"), env=env)
    assert missing.returncode == 1
    assert "cannot read file" in missing.stderr
    without_token = dict(env)
    del without_token["REPORTS_TOKEN"]
    usage = run_command("post", str(EXAMPLES[0]), env=without_token)
    assert usage.returncode == 2
    assert "--token (REPORTS_TOKEN)" in usage.stderr
    bad_url = run_command("post", str(EXAMPLES[0]), "--url", "localhost:8000", env=env)
    assert bad_url.returncode == 2
    assert "not an http(s) address" in bad_url.stderr


def test_post_to_a_stopped_server_fails_clearly(live_server: LiveServer, tmp_path: Path) -> None:
    token = create_token(live_server, "e2e-stopped")
    with server_process(live_server.database_url, tmp_path / "stopped.log") as url:
        pass  # started, then stopped: its port no longer answers
    env = command_env(REPORTS_URL=url, REPORTS_PROJECT="e2e-stopped", REPORTS_TOKEN=token)
    result = run_command(
        "post", str(EXAMPLES[0]), "--retries", "2", "--retry-delay", "0.05", env=env
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert re.search(r"attempt 1 failed \(.+\); retrying in \d", result.stderr)
    assert "attempt 2 failed" in result.stderr
    assert f"Error: cannot reach {url}: " in result.stderr
    assert "(3 attempts)" in result.stderr
    assert "is the service running" in result.stderr
    assert "Traceback" not in result.stderr


def test_ingest_a_tree_twice_then_post_one_of_its_files(
    live_server: LiveServer, tmp_path: Path
) -> None:
    tree = tmp_path / "history"
    for number in range(12):
        folder = tree / f"week-{number // 5}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number:02d}-status.md").write_text(
            report_markdown(number, "ingest"), encoding="utf-8"
        )
    (tree / "README.txt").write_text("not a report", encoding="utf-8")
    env = command_env(live_server.database_url)
    args = ("ingest", str(tree), "--project", "e2e-ingest", "--remediation", "backfill")
    first = run_command(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "project 'e2e-ingest': 12 imported, 0 duplicates, 0 failed (12 files)"
    )
    listing = reports_of(live_server, "e2e-ingest")
    assert listing["total"] == 12
    items = listing["items"]
    assert isinstance(items, list)
    assert {item["remediation"] for item in items} == {"backfill"}

    second = run_command(*args, env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == (
        "project 'e2e-ingest': 0 imported, 12 duplicates, 0 failed (12 files)"
    )
    assert reports_of(live_server, "e2e-ingest")["total"] == 12

    token = create_token(live_server, "e2e-ingest")
    posted = run_command(
        "post", str(tree / "week-0" / "03-status.md"),
        env=client_env(live_server, "e2e-ingest", token),
    )  # fmt: skip
    assert posted.returncode == 0, posted.stderr
    assert "(already stored)" in posted.stdout  # the same bytes, whichever way they came


def test_export_agrees_with_the_api(live_server: LiveServer, tmp_path: Path) -> None:
    env = command_env(live_server.database_url)
    loaded = run_command("load-examples", *map(str, EXAMPLES), "--project", "e2e-export", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.count("stored:") == len(EXAMPLES)
    exported = run_command("export", "--project", "e2e-export", env=env)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    listing = reports_of(live_server, "e2e-export")
    items = listing["items"]
    assert isinstance(items, list)
    assert sorted(r["id"] for r in data["reports"]) == sorted(item["id"] for item in items)
    detail = httpx.get(f"{live_server.url}/api/projects/e2e-export/reports/{items[0]['id']}")
    gates = [g for g in data["gates"] if g["report_id"] == items[0]["id"]]
    assert [g["name"] for g in gates] == [g["name"] for g in detail.json()["parsed"]["gates"]]

    target = tmp_path / "gates.csv"
    as_csv = run_command(
        "export", "--project", "e2e-export", "--format", "csv", "--table", "gates",
        "--output", str(target), env=env,
    )  # fmt: skip
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row["name"] for row in rows] == [g["name"] for g in data["gates"]]


def test_reparse_and_parse(live_server: LiveServer) -> None:
    env = command_env(live_server.database_url)
    loaded = run_command("load-examples", "--project", "e2e-reparse", *map(str, EXAMPLES), env=env)
    assert loaded.returncode == 0, loaded.stderr
    reparsed = run_command("reparse", "--project", "e2e-reparse", env=env)
    assert reparsed.returncode == 0, reparsed.stderr
    assert f"re-parsed {len(EXAMPLES)} report(s)" in reparsed.stdout
    assert reports_of(live_server, "e2e-reparse")["total"] == len(EXAMPLES)
    parsed = run_command("parse", "--json", str(STATUS_REPORT), env=command_env())
    assert parsed.returncode == 0
    assert len(json.loads(parsed.stdout)["gates"]) == 5
