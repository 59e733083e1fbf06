"""Liveness (``/health``) and readiness (``/ready``: the database answers)."""

from __future__ import annotations

import asyncio
import logging

from litestar import get
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.openapi import ResponseSpec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from reports_service.schemas import Health, NotReady

#: seconds the database has to answer before the service counts as not ready
READY_TIMEOUT = 5.0

logger = logging.getLogger("reports_service")


@get("/health", summary="Liveness: 200 once the service serves", tags=["health"])
async def health() -> Health:
    return Health(status="ok")


def _reason(exc: BaseException) -> str:
    """The first line of the driver's message: enough to act on, without the SQL or the URL."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {READY_TIMEOUT:g} s"
    cause = exc.__cause__ or exc
    message = (str(cause).strip().splitlines() or [""])[0][:200]
    return f"{type(cause).__name__}: {message}" if message else type(cause).__name__


@get(
    "/ready",
    summary="Readiness: 200 when the database answers, else 503",
    tags=["health"],
    responses={
        503: ResponseSpec(
            data_container=NotReady, description="the database does not answer (and why)"
        )
    },
)
async def ready(state: State) -> Health:
    engine: AsyncEngine = state.engine
    try:
        async with asyncio.timeout(READY_TIMEOUT), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        reason = _reason(exc)
        logger.warning("not ready: the database does not answer (%s)", reason)
        raise HTTPException(
            status_code=503,
            detail=f"the database does not answer ({reason}): check REPORTS_DATABASE_URL and "
            "that the database server is up",
        ) from exc
    return Health(status="ready")
