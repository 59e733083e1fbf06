"""The agent-side client's policy, against a scripted transport: what it retries, what it says."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reports_service.client import (
    MAX_DELAY,
    Posted,
    PostError,
    backoff,
    post_report,
    reports_endpoint,
    summary_line,
)

Answer = Callable[[httpx.Request], httpx.Response]
STORED = {"id": 12, "url": "/api/projects/demo/reports/12", "parsed": {}}


class Script:
    """Answers requests in turn; records them and the waits between them."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self.retries: list[tuple[int, str, float]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def post(self, markdown: str = "# Report\n", **kwargs: Any) -> Posted:
        options: dict[str, Any] = {
            "url": "http://reports.test",
            "project": "demo",
            "token": "rst_x",
            "retries": 3,
            "transport": httpx.MockTransport(self.handle),
            "sleep": self.sleeps.append,
            "on_retry": lambda *told: self.retries.append(told),
            **kwargs,
        }
        return post_report(markdown, **options)


def refused() -> httpx.ConnectError:
    return httpx.ConnectError("[Errno 111] Connection refused")


def test_a_stored_report_is_one_request_with_the_poster_fields() -> None:
    script = Script(httpx.Response(201, json=STORED))
    posted = script.post(
        "# Réport\n",
        fields={"agent": "claude-code", "session": "", "commit": "abc", "remediation": None},
    )
    assert posted.report_url == "http://reports.test/api/projects/demo/reports/12"
    assert (posted.status_code, posted.attempts) == (201, 1)
    (request,) = script.requests
    assert request.url == "http://reports.test/api/projects/demo/reports"
    assert request.headers["authorization"] == "Bearer rst_x"
    assert json.loads(request.content) == {
        "markdown": "# Réport\n",
        "agent": "claude-code",
        "commit": "abc",
    }
    assert script.sleeps == []


def test_connection_errors_are_retried_with_one_idempotency_key() -> None:
    script = Script(refused(), httpx.ReadTimeout("slow"), httpx.Response(201, json=STORED))
    posted = script.post(retry_delay=1.0)
    assert posted.attempts == 3
    keys = {request.headers["idempotency-key"] for request in script.requests}
    assert len(keys) == 1
    assert [attempt for attempt, _, _ in script.retries] == [1, 2]
    assert "Connection refused" in script.retries[0][1]
    assert "no answer in time" in script.retries[1][1]
    assert 0.5 <= script.sleeps[0] <= 1.0
    assert 1.0 <= script.sleeps[1] <= 2.0


def test_server_errors_are_retried_and_retry_after_is_honoured() -> None:
    script = Script(
        httpx.Response(503, json={"detail": "busy"}, headers={"Retry-After": "7"}),
        httpx.Response(502, text="bad gateway"),
        httpx.Response(200, json=STORED),
    )
    posted = script.post()
    assert (posted.status_code, posted.attempts) == (200, 3)
    assert script.sleeps[0] == 7.0
    assert "503" in script.retries[0][1]
    assert "busy" in script.retries[0][1]


@pytest.mark.parametrize("retry_after", ["nan", "-3", "Wed, 21 Oct 2015 07:28:00 GMT", "1e9"])
def test_odd_retry_after_values_give_a_sane_wait(retry_after: str) -> None:
    script = Script(
        httpx.Response(429, headers={"Retry-After": retry_after}), httpx.Response(201, json=STORED)
    )
    script.post(retry_delay=0.2)
    assert 0.0 <= script.sleeps[0] <= MAX_DELAY


@pytest.mark.parametrize(
    ("status", "body", "shown"),
    [
        (
            401,
            {"status_code": 401, "detail": "the token is unknown or revoked"},
            "unknown or revoked",
        ),
        (404, {"status_code": 404, "detail": "no project 'x'"}, "no project 'x'"),
        (413, {"status_code": 413, "detail": "larger than this server takes"}, "larger than"),
        (422, "<html>proxy says no</html>", "proxy says no"),
        (400, "", "(no message)"),
    ],
)
def test_a_4xx_is_final_and_its_message_is_shown(status: int, body: object, shown: str) -> None:
    answer = (
        httpx.Response(status, json=body)
        if isinstance(body, dict)
        else httpx.Response(status, text=str(body))
    )
    script = Script(answer)
    with pytest.raises(PostError) as raised:
        script.post()
    assert raised.value.status_code == status
    assert f"refused the report ({status}" in str(raised.value)
    assert shown in str(raised.value)
    assert len(script.requests) == 1


def test_giving_up_on_a_failing_server_names_the_last_answer() -> None:
    script = Script(*[httpx.Response(500, json={"detail": "the server failed"})] * 4)
    with pytest.raises(PostError, match=r"4 attempts.*500.*the server failed"):
        script.post()
    assert len(script.sleeps) == 3


def test_giving_up_on_an_unreachable_server_says_what_to_check() -> None:
    script = Script(refused(), refused())
    with pytest.raises(PostError) as raised:
        script.post(retries=1)
    message = str(raised.value)
    assert message.startswith("cannot reach http://reports.test: ")
    assert "2 attempts" in message
    assert "REPORTS_URL" in message


def test_no_retries_means_one_attempt() -> None:
    script = Script(refused())
    with pytest.raises(PostError, match="1 attempt"):
        script.post(retries=0)
    assert script.sleeps == []


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>a login page</html>"),
        httpx.Response(201, json=["not", "a", "report"]),
        httpx.Response(301, headers={"Location": "https://reports.test/"}),
    ],
)
def test_an_answer_that_is_not_a_stored_report_is_a_failure(answer: httpx.Response) -> None:
    with pytest.raises(PostError):
        Script(answer).post()


def test_unknown_poster_fields_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown poster field"):
        Script().post(fields={"author": "x"})


def test_endpoint_keeps_a_path_prefix_and_quotes_the_project() -> None:
    assert (
        reports_endpoint("https://h/reports/", "a b")
        == "https://h/reports/api/projects/a%20b/reports"
    )


def test_backoff_doubles_and_is_capped() -> None:
    for attempt in range(1, 12):
        delay = backoff(attempt, 0.5)
        full = min(0.5 * 2 ** (attempt - 1), MAX_DELAY)
        assert full / 2 <= delay <= full


def posted(status: int = 201, **parsed: object) -> Posted:
    return Posted(status, {"id": 12, "url": "/r/12", "parsed": parsed}, "http://h/r/12", 1)


def test_summary_of_a_report_with_gates_tests_and_blockers() -> None:
    line = summary_line(
        posted(
            gates=[{"status": "fail"}] * 3 + [{"status": "pass"}] * 2,
            tests=[
                {"suite": "a", "total": 100, "failed": 40},
                {"suite": "b", "total": 16, "failed": 2},
                {"suite": None, "total": 116, "passed": 74, "failed": 42},
            ],
            blockers=[{"resolved": False}, {"resolved": True}],
        )
    )
    assert (
        line == "stored report 12 (new): 5 gates, 3 failing; 116 tests, 42 failed; 1 open blocker"
    )


def test_summary_adds_suites_without_a_total_and_counts_errors() -> None:
    line = summary_line(
        posted(
            200,
            tests=[
                {"suite": "a", "passed": 3, "failed": 1},
                {"suite": "b", "total": 1, "errors": 2},
            ],
        )
    )
    assert line == (
        "stored report 12 (already stored): no gates; 5 tests, 1 failed, 2 errors; no open blockers"
    )


def test_summary_of_a_report_without_items() -> None:
    assert (
        summary_line(posted())
        == "stored report 12 (new): no gates; no test counts; no open blockers"
    )


def test_the_client_loads_neither_the_web_framework_nor_the_database() -> None:
    code = (
        "import sys; from reports_service.cli import main\n"
        "main.get_command(None, 'post')\n"
        "names = ('litestar', 'sqlalchemy', 'sqlmodel', 'alembic', 'uvicorn')\n"
        "print(','.join(m for m in names if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
