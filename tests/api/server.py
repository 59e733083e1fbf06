"""A real server process for the tests that need one (concurrency, the CLI)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def server_process(database_url: str, log: Path, **env: str) -> Iterator[str]:
    """Run uvicorn on a socket bound here, so it accepts connections the moment this returns.

    The socket is listening before the child starts; requests wait in its backlog until the app
    is up, so no polling or sleeping is needed. Yields the base URL.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    child_env = {**os.environ, "REPORTS_DATABASE_URL": database_url, **env}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "reports_service.app:create_app",
                "--factory",
                "--fd",
                str(listener.fileno()),
                "--log-level",
                "warning",
            ],
            pass_fds=(listener.fileno(),),
            env=child_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
