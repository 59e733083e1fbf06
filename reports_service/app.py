"""``create_app(settings)``: the Litestar application, with nothing built at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from importlib.metadata import version

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.openapi import OpenAPIConfig
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import create_engine, dispose_writer, session_factory, writer_for
from reports_service.controllers import (
    BlockerController,
    DashboardController,
    ProjectController,
    RemediationController,
    ReportController,
    VocabularyController,
    health,
    ready,
)
from reports_service.controllers.report_format import report_format_schema_endpoint
from reports_service.dashboard.snapshot import SnapshotCache
from reports_service.dashboard.templating import static_router, template_config
from reports_service.dependencies import close_db_session, provide_db_session, provide_read_scope
from reports_service.errors import http_error, internal_error, too_large
from reports_service.logs import litestar_logging_config
from reports_service.request_id import RequestIdMiddleware, send_request_id
from reports_service.settings import Settings

logger = logging.getLogger("reports_service")


async def _warm(cache: SnapshotCache, sessions: async_sessionmaker[AsyncSession]) -> None:
    """The dashboard's first snapshot, built while the server already answers. A failure is
    logged and left to the first page view, which tries again."""
    try:
        await cache.warm(sessions)
    except Exception:
        logger.exception("the dashboard's summary could not be built at startup")


def create_app(settings: Settings | None = None) -> Litestar:
    """The app for ``settings`` (read from the environment when not given)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncGenerator[None, None]:
        engine = create_engine(settings.database_url)
        app.state.engine = engine
        app.state.sessionmaker = session_factory(engine)
        app.state.writer = writer_for(settings.database_url)  # reports are stored through it
        warming = None
        if settings.dashboard_warm:
            cache: SnapshotCache = app.state.dashboard_cache
            warming = asyncio.create_task(_warm(cache, app.state.sessionmaker))
        app.state.dashboard_warming = warming
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await warming
            await engine.dispose()
            dispose_writer(app.state.writer)

    def provide_settings() -> Settings:
        return settings

    exception_handlers: dict[int | type[Exception], object] = {
        # the body limit only: a 413 a handler raises itself keeps its own message
        RequestEntityTooLarge: too_large,
        HTTP_500_INTERNAL_SERVER_ERROR: internal_error,
        HTTPException: http_error,
    }
    return Litestar(
        route_handlers=[
            health,
            ready,
            ProjectController,
            ReportController,
            RemediationController,
            VocabularyController,
            BlockerController,
            report_format_schema_endpoint,
            DashboardController,
            static_router(),
        ],
        template_config=template_config(),
        state=State({"dashboard_cache": SnapshotCache()}),
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False, use_cache=True),
            "db_session": Provide(provide_db_session, use_cache=False),
            "read_scope": Provide(provide_read_scope),
        },
        lifespan=[database],
        before_send=[close_db_session, send_request_id],
        middleware=[RequestIdMiddleware()],
        logging_config=litestar_logging_config(settings.log_level, settings.log_format),
        exception_handlers=exception_handlers,  # type: ignore[arg-type]
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="reports-service",
            version=version("reports-service"),
            description="Agent task reports in; gates, coverage, tests and blockers out.",
            path="/schema",
        ),
        debug=settings.debug,
    )
