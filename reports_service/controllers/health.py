"""Liveness."""

from __future__ import annotations

from litestar import get

from reports_service.schemas import Health


@get("/health", summary="Liveness: 200 once the service serves", tags=["health"])
async def health() -> Health:
    return Health(status="ok")
