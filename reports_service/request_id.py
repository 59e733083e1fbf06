"""``X-Request-ID``: every request has an id, in its response and in every log line it causes.

A caller's own id (a proxy's or an agent's, 1-128 characters of ``A-Z a-z 0-9 . _ : @ / + = -``)
is kept, so that one id follows a request across systems; otherwise the service makes one. The
middleware binds the id to the logs of the handler's work; the ``before_send`` hook adds the header
and writes the access line, for every response, including those of paths no route matches (which
Litestar answers before any middleware runs).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any, cast

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
_HEADER_KEY = HEADER.lower().encode("latin-1")
_VALID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
_STATE_KEY = "reports_service.request"

access_log = logging.getLogger("reports_service.access")


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str
    started: float  #: ``time.perf_counter()`` when the request came in


def _given_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == _HEADER_KEY:
            text = value.decode("latin-1").strip()
            return text if _VALID.match(text) else None
    return None


def request_context(scope: Scope) -> RequestContext:
    """The request's id and start time, made on first use."""
    state = cast("dict[str, Any]", scope).setdefault("state", {})
    context = state.get(_STATE_KEY)
    if not isinstance(context, RequestContext):
        context = RequestContext(_given_id(scope) or uuid.uuid4().hex, time.perf_counter())
        state[_STATE_KEY] = context
    return context


class RequestIdMiddleware(ASGIMiddleware):
    """Binds the request id to every record logged while the request is handled."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        context = request_context(scope)
        with structlog.contextvars.bound_contextvars(request_id=context.request_id):
            await next_app(scope, receive, send)


async def send_request_id(message: Message, scope: Scope) -> None:
    """``before_send`` hook: the header on the response, and one access line per request."""
    if scope["type"] != ScopeType.HTTP or message["type"] != "http.response.start":
        return
    context = request_context(scope)
    message["headers"] = [
        *message.get("headers", ()),
        (_HEADER_KEY, context.request_id.encode("latin-1")),
    ]
    client = scope.get("client")
    access_log.info(
        "request",
        extra={
            "request_id": context.request_id,
            "method": scope.get("method"),
            "path": scope.get("path"),
            "status": message["status"],
            "duration_ms": round((time.perf_counter() - context.started) * 1000, 1),
            "client": client[0] if client else None,
        },
    )
