"""``reports-service serve --workers 2``: two processes serve one port and one database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from reports_service.devserver import free_port
from tests.cli.conftest import EXECUTABLE, command_env, run_command
from tests.databases import Databases
from tests.samples import report_markdown

pytestmark = pytest.mark.slow
STARTED = "Application startup complete."


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_two_workers_serve_a_fresh_database(
    backend: str, databases: Databases, tmp_path: Path
) -> None:
    database_url = databases.create(backend)  # empty: serve migrates it first
    port = free_port()
    env = command_env(database_url, REPORTS_LOG_FORMAT="json")
    process = subprocess.Popen(
        [str(EXECUTABLE), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    workers: set[int] = set()
    drain = threading.Thread(target=lambda: lines.extend(process.stderr or ()), daemon=True)
    try:
        for line in process.stderr:  # the workers say when they are ready: no sleeping
            lines.append(line)
            if sum(STARTED in seen for seen in lines) == 2:
                break
        else:
            pytest.fail("the server stopped before two workers started:\n" + "".join(lines))
        drain.start()
        records = [json.loads(line) for line in lines if line.startswith("{")]
        workers = {r["pid"] for r in records if r["event"] == STARTED}
        assert len(workers) == 2
        assert process.pid not in workers
        assert any("Started parent process" in r["event"] for r in records)

        base = f"http://127.0.0.1:{port}"
        assert all(httpx.get(f"{base}/ready").status_code == 200 for _ in range(10))
        token = run_command("token", "create", "workers", env=command_env(database_url))
        assert token.returncode == 0, token.stderr
        client = command_env(
            REPORTS_URL=base, REPORTS_PROJECT="workers", REPORTS_TOKEN=token.stdout.strip()
        )
        for number in range(4):
            posted = run_command("post", "-", env=client, stdin=report_markdown(number, "w"))
            assert posted.returncode == 0, posted.stderr
        listing = httpx.get(f"{base}/api/projects/workers/reports").json()
        assert listing["total"] == 4
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
        if drain.is_alive():
            drain.join(timeout=30)
        process.stderr.close()
    assert code == 0
    assert all(gone(pid) for pid in workers)
    shutdown = [line for line in lines if "Application shutdown complete" in line]
    assert len(shutdown) == 2
