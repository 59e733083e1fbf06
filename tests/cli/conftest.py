"""Command-line fixtures: fresh databases, the real ``reports-service`` executable, live servers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.migrate import upgrade
from reports_service.cli import main
from reports_service.devserver import server_process
from tests.databases import Databases

#: the console script pip installed next to this interpreter
EXECUTABLE = Path(sys.executable).with_name("reports-service")


@pytest.fixture
def fresh_url(backend: str, databases: Databases, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty database that in-process commands find through REPORTS_DATABASE_URL."""
    url = databases.create(backend)
    monkeypatch.setenv("REPORTS_DATABASE_URL", url)
    return url


def invoke(*args: str) -> tuple[int, str, str]:
    """A command run in this process (exit code, stdout, stderr); unexpected errors raise."""
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def command_env(database_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a command process: ours, the executable's folder first on PATH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("REPORTS_") or key.startswith("REPORTS_TEST_")
    }
    env["PATH"] = f"{EXECUTABLE.parent}{os.pathsep}{env.get('PATH', '')}"
    if database_url is not None:
        env["REPORTS_DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run_command(
    *args: str,
    env: dict[str, str],
    cwd: Path | None = None,
    stdin: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``reports-service ARGS`` as a process of its own, the way a person or a hook runs it."""
    return subprocess.run(
        [str(EXECUTABLE), *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass(frozen=True, slots=True)
class LiveServer:
    url: str  #: the service's base URL
    database_url: str
    log: Path


@pytest.fixture(scope="module")
def live_server(
    backend: str, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A real server process on a database of its own, for this module's tests on ``backend``.

    Tests share it; each uses projects of its own.
    """
    database_url = databases.create(backend)
    upgrade(database_url)
    log = tmp_path_factory.mktemp("server") / "server.log"
    with server_process(database_url, log, REPORTS_LOG_FORMAT="json") as url:
        yield LiveServer(url, database_url, log)
