"""Readiness, request ids and structured logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from reports_service.app import create_app
from reports_service.devserver import free_port, server_process
from reports_service.logs import formatter
from reports_service.settings import Settings

pytestmark = pytest.mark.anyio
Client = AsyncTestClient[Litestar]
HEX_ID = r"^[0-9a-f]{32}$"


def unreachable_database() -> str:
    """A PostgreSQL URL on a loopback port where nothing listens."""
    return f"postgresql+asyncpg://nobody:secret@127.0.0.1:{free_port()}/none"


def log_lines(path: Path) -> list[dict[str, object]]:
    """The JSON lines of a server log (uvicorn's few plain lines before the app starts skipped)."""
    lines = []
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


async def test_ready_when_the_database_answers(client: Client) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_not_ready_when_the_database_does_not_answer() -> None:
    settings = Settings(database_url=unreachable_database(), _env_file=None)  # type: ignore[call-arg]
    async with AsyncTestClient(create_app(settings)) as client:
        assert (await client.get("/health")).status_code == 200
        response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status_code"] == 503
    assert "the database does not answer" in body["detail"]
    assert "REPORTS_DATABASE_URL" in body["detail"]
    assert "secret" not in body["detail"]


async def test_a_given_request_id_is_kept(client: Client) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "agent-7.run:42"})
    assert response.headers["x-request-id"] == "agent-7.run:42"


@pytest.mark.parametrize("given", [None, "", "x" * 129, "with space", "semi;colon", "ünïcode"])
async def test_a_missing_or_unusable_request_id_is_replaced(client: Client, given: str) -> None:
    headers = {} if given is None else {"X-Request-ID": given}
    response = await client.get("/health", headers={k: v.encode() for k, v in headers.items()})
    assert response.headers["x-request-id"] != given
    assert len(response.headers["x-request-id"]) == 32


async def test_every_response_has_a_request_id(client: Client) -> None:
    """Paths no route matches are answered before middleware runs: the header is still there."""
    for method, path in [("GET", "/no/such/path"), ("DELETE", "/health"), ("GET", "/schema")]:
        response = await client.request(method, path)
        assert len(response.headers.get("x-request-id", "")) == 32, (method, path)
    responses = [await client.get("/health") for _ in range(3)]
    assert len({r.headers["x-request-id"] for r in responses}) == 3


async def test_a_500_names_its_request_id(settings: Settings) -> None:
    @get("/boom", sync_to_thread=False)
    def boom() -> None:
        raise RuntimeError("a bug")

    app = create_app(settings)
    app.register(boom)
    async with AsyncTestClient(app) as client:
        response = await client.get("/boom", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert "request id trace-500" in response.json()["detail"]
    assert "a bug" not in response.text


def test_server_logs_are_json_lines_with_the_request_id(tmp_path: Path) -> None:
    """A real server: the access line and a line logged inside the handler carry the id."""
    log = tmp_path / "server.log"
    with server_process(unreachable_database(), log, REPORTS_LOG_FORMAT="json") as url:
        ok = httpx.get(f"{url}/health", headers={"X-Request-ID": "probe-1"})
        not_ready = httpx.get(f"{url}/ready", headers={"X-Request-ID": "probe-2"})
        missing = httpx.get(f"{url}/nothing-here")
    assert ok.status_code == 200
    assert not_ready.status_code == 503
    lines = log_lines(log)
    access = {line["request_id"]: line for line in lines if line["event"] == "request"}
    assert access["probe-1"]["path"] == "/health"
    assert access["probe-1"]["status"] == 200
    assert access["probe-1"]["method"] == "GET"
    assert access["probe-1"]["logger"] == "reports_service.access"
    assert isinstance(access["probe-1"]["duration_ms"], float)
    assert access["probe-2"]["status"] == 503
    assert access[missing.headers["x-request-id"]]["status"] == 404
    warnings = [line for line in lines if str(line["event"]).startswith("not ready")]
    assert warnings
    assert warnings[0]["request_id"] == "probe-2"
    assert warnings[0]["level"] == "warning"
    assert all({"timestamp", "level", "pid"} <= set(line) for line in lines)
    assert any("Uvicorn running on" in str(line["event"]) for line in lines)


def test_log_level_hides_less_severe_lines(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with server_process(
        unreachable_database(), log, REPORTS_LOG_FORMAT="json", REPORTS_LOG_LEVEL="WARNING"
    ) as url:
        httpx.get(f"{url}/health")
        httpx.get(f"{url}/ready")
    events = [line["event"] for line in log_lines(log)]
    assert "request" not in events
    assert any(str(event).startswith("not ready") for event in events)


def test_console_format_is_one_readable_line_per_record() -> None:
    record = logging.LogRecord(
        "reports_service.access", logging.INFO, __file__, 1, "request", (), None
    )
    record.request_id = "abc"
    record.status = 201
    line = formatter("console").format(record)
    assert "request" in line
    assert "request_id=abc" in line
    assert "status=201" in line
    assert not line.startswith("{")


def test_json_format_renders_exceptions_as_a_field() -> None:
    try:
        raise ValueError("broken")
    except ValueError as exc:
        record = logging.LogRecord(
            "reports_service",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("here",),
            (type(exc), exc, exc.__traceback__),
        )
    line = json.loads(formatter("json").format(record))
    assert line["event"] == "failed here"
    assert line["level"] == "error"
    assert "ValueError: broken" in line["exception"]


def test_log_settings_take_any_case() -> None:
    settings = Settings(log_level="WARNING", log_format="JSON", _env_file=None)  # type: ignore[arg-type, call-arg]
    assert (settings.log_level, settings.log_format) == ("warning", "json")


async def test_ready_is_described_with_its_503(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    responses = schema["paths"]["/ready"]["get"]["responses"]
    assert {"200", "503"} <= set(responses)
