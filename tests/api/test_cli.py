"""The service's commands: serve, db, token, load-examples, reparse (each on both databases)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reports_service.cli import main
from reports_service.devserver import free_port
from tests.databases import Databases
from tests.samples import EXAMPLES


@pytest.fixture
def fresh_url(backend: str, databases: Databases, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty database that the commands find through REPORTS_DATABASE_URL."""
    url = databases.create(backend)
    monkeypatch.setenv("REPORTS_DATABASE_URL", url)
    return url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.usefixtures("fresh_url")
def test_tokens_are_created_listed_and_revoked() -> None:
    code, out, err = run("token", "create", "alpha", "--label", "ci")
    assert code == 0, err
    token = out.strip()
    key_id = re.fullmatch(r"rst_([0-9a-f]{12})_\S+", token).group(1)  # type: ignore[union-attr]
    assert "shown only now" in err

    code, out, _ = run("token", "list")
    assert code == 0
    assert key_id in out
    assert "alpha" in out
    assert "active" in out
    assert "ci" in out
    assert token not in out

    assert run("token", "revoke", key_id)[0] == 0
    assert "revoked" in run("token", "list", "alpha")[1]
    code, _, err = run("token", "revoke", "ffffffffffff")
    assert code == 1
    assert "token list" in err


@pytest.mark.usefixtures("fresh_url")
def test_token_create_refuses_a_bad_project_name() -> None:
    code, _, err = run("token", "create", "no spaces/please")
    assert code == 2
    assert "PROJECT" in err


@pytest.mark.usefixtures("fresh_url")
def test_load_examples_stores_each_once_and_reparse_runs() -> None:
    paths = [str(p) for p in EXAMPLES]
    code, out, err = run("load-examples", *paths)
    assert code == 0, err
    assert out.count("stored:") == len(EXAMPLES)
    assert "already stored" not in out
    code, out, _ = run("load-examples", *paths)
    assert out.count("already stored:") == len(EXAMPLES)
    code, out, _ = run("reparse")
    assert code == 0
    assert f"re-parsed {len(EXAMPLES)} report(s)" in out


@pytest.mark.usefixtures("fresh_url")
def test_load_examples_goes_on_past_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe not utf-8")
    code, out, err = run("load-examples", str(bad), str(EXAMPLES[0]), str(tmp_path / "missing.md"))
    assert code == 1
    assert "stored:" in out
    assert "UTF-8" in err
    assert "missing.md" in err


@pytest.mark.usefixtures("fresh_url")
def test_db_upgrade_and_downgrade() -> None:
    code, out, _ = run("db", "upgrade")
    assert code == 0
    assert "head" in out
    assert run("db", "downgrade", "base")[0] == 0
    assert run("db", "upgrade")[0] == 0


def test_parse_loads_neither_the_web_framework_nor_the_database() -> None:
    code = (
        "import sys\n"
        "from reports_service.cli import main\n"
        f"try:\n    main(['parse', {str(EXAMPLES[0])!r}])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('litestar', 'sqlmodel', 'sqlalchemy', 'db', 'uvicorn')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_serve_creates_the_sqlite_database_and_answers_health(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "reports.sqlite3"
    port = free_port()
    env = {**os.environ, "REPORTS_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "reports_service.cli", "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # uvicorn says when it is ready; no sleeping
            seen.append(line)
            if "Application startup complete" in line:
                break
        assert database.exists(), "".join(seen)
        assert httpx.get(f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}
    finally:
        process.terminate()
        process.communicate(timeout=30)
