"""The agent-side client: post one report to a reports-service over HTTP, with retries.

It imports httpx and nothing of the server (no web framework, no database), so that
``reports-service post`` starts fast inside a hook. Connection failures, timeouts, 5xx and 429
answers are retried with exponential backoff; any other 4xx is final, since sending the same
request again would get the same answer. Every attempt carries the same ``Idempotency-Key``, so
a retry after a lost answer cannot store the report twice.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

#: answers worth sending the same request again for
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: longest wait between two attempts, in seconds (also caps a server's Retry-After)
MAX_DELAY = 30.0
POSTER_FIELDS = ("agent", "session", "commit", "remediation")


class PostError(Exception):
    """The report was not stored: ``str(exc)`` says why and what to do."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True, slots=True)
class Posted:
    status_code: int  #: 201 stored now, 200 already stored
    body: dict[str, Any]  #: the server's answer: the report with everything parsed from it
    report_url: str  #: where the report can be read
    attempts: int


def reports_endpoint(base_url: str, project: str) -> str:
    """``POST`` target for ``project`` on the service at ``base_url`` (which may have a path)."""
    return f"{base_url.rstrip('/')}/api/projects/{quote(project, safe='')}/reports"


def _error_detail(response: httpx.Response) -> str:
    """The server's own message (``detail`` of its JSON errors), else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail
    text = response.text.strip()
    return text[:300] if text else "(no message)"


def _status(response: httpx.Response) -> str:
    phrase = response.reason_phrase
    return f"{response.status_code} {phrase}" if phrase else str(response.status_code)


def _transport_problem(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer in time ({type(exc).__name__})"
    return str(exc) or type(exc).__name__


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date, or nonsense: the usual backoff
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_DELAY)


def backoff(attempt: int, first_delay: float) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): doubling, jittered, capped."""
    delay = min(first_delay * 2.0 ** (attempt - 1), MAX_DELAY)
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - spreading retries, not a secret


def post_report(
    markdown: str,
    *,
    url: str,
    project: str,
    token: str,
    fields: Mapping[str, str | None] | None = None,
    retries: int = 4,
    retry_delay: float = 0.5,
    timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, str, float], None] | None = None,
) -> Posted:
    """Post ``markdown`` to ``project``; the stored report, or :class:`PostError`.

    ``fields`` are the optional poster fields (agent, session, commit, remediation); empty ones are
    left out. ``on_retry(attempt, problem, delay)`` is told before each wait.
    """
    body: dict[str, str] = {"markdown": markdown}
    for name, value in (fields or {}).items():
        if name not in POSTER_FIELDS:
            raise ValueError(f"unknown poster field {name!r}")
        if value:
            body[name] = value
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": str(uuid.uuid4()),
        "Accept": "application/json",
    }
    endpoint = reports_endpoint(url, project)
    attempt = 0
    with httpx.Client(timeout=timeout, transport=transport) as client:
        while True:
            attempt += 1
            delay: float | None = None
            try:
                response = client.post(endpoint, json=body, headers=headers)
            except httpx.TransportError as exc:
                problem = _transport_problem(exc)
                if attempt > retries:
                    raise PostError(
                        f"cannot reach {url}: {problem} ({_tries(attempt)}); is the service "
                        "running, and is --url (REPORTS_URL) right?"
                    ) from exc
            else:
                if response.status_code in (200, 201):
                    return _posted(response, url, attempt)
                problem = f"{_status(response)}: {_error_detail(response)}"
                if response.status_code not in RETRY_STATUSES:
                    raise PostError(_refusal(response), response.status_code)
                if attempt > retries:
                    raise PostError(
                        f"the service failed to store the report ({_tries(attempt)}); last "
                        f"answer {problem}",
                        response.status_code,
                    )
                delay = _retry_after(response)
            if delay is None:
                delay = backoff(attempt, retry_delay)
            if on_retry is not None:
                on_retry(attempt, problem, delay)
            sleep(delay)


def _tries(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def _refusal(response: httpx.Response) -> str:
    detail = _error_detail(response)
    if 300 <= response.status_code < 400:
        location = response.headers.get("location", "(nowhere)")
        return f"the service redirects ({_status(response)}) to {location}: use that address"
    return f"the service refused the report ({_status(response)}): {detail}"


def _posted(response: httpx.Response, base_url: str, attempts: int) -> Posted:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("id"), int):
        raise PostError(
            f"the answer ({_status(response)}) is not a stored report: is --url the address "
            "of a reports-service?",
            response.status_code,
        )
    path = body.get("url") or ""
    report_url = f"{base_url.rstrip('/')}{path}" if str(path).startswith("/") else str(path)
    return Posted(response.status_code, body, report_url, attempts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _test_counts(runs: list[dict[str, Any]]) -> str | None:
    """``116 tests, 42 failed``: the report's grand total when it gives one, else its suites."""
    totals = [run for run in runs if run.get("suite") is None]
    chosen = totals[-1:] or runs  # the last grand total: reports give "before" and "after"
    total = failed = errors = 0
    seen = False
    for run in chosen:
        parts = [run.get(k) for k in ("passed", "failed", "skipped", "errors")]
        count = run.get("total")
        if count is None and any(isinstance(p, int) for p in parts):
            count = sum(p for p in parts if isinstance(p, int))
        if isinstance(count, int):
            seen = True
            total += count
            failed += run.get("failed") or 0
            errors += run.get("errors") or 0
    if not seen:
        return None
    return f"{_plural(total, 'test')}, {failed} failed" + (
        f", {_plural(errors, 'error')}" if errors else ""
    )


def summary_line(posted: Posted) -> str:
    """One line on what was stored, e.g. ``stored report 12 (new): 5 gates, 3 failing; ...``."""
    body = posted.body
    parsed = body.get("parsed") or {}
    gates = parsed.get("gates") or []
    failing = sum(1 for gate in gates if gate.get("status") == "fail")
    parts = [f"{_plural(len(gates), 'gate')}, {failing} failing" if gates else "no gates"]
    parts.append(_test_counts(parsed.get("tests") or []) or "no test counts")
    open_blockers = sum(1 for b in parsed.get("blockers") or [] if not b.get("resolved"))
    parts.append(_plural(open_blockers, "open blocker") if open_blockers else "no open blockers")
    state = "new" if posted.status_code == 201 else "already stored"
    return f"stored report {body['id']} ({state}): " + "; ".join(parts)
