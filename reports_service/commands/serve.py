"""``reports-service serve``: the API under uvicorn, schema upgraded first."""

from __future__ import annotations

import logging.config

import click
import uvicorn

from reports_service.commands._database import migrate_if_enabled
from reports_service.logs import logging_dict
from reports_service.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (each with its own connections to the database).",
)
def serve(host: str, port: int, workers: int) -> None:
    """Run the service (upgrading the database schema first unless REPORTS_AUTO_MIGRATE=false).

    Logs go to stderr, one JSON object per line unless REPORTS_LOG_FORMAT says otherwise; each
    request has one access line with its X-Request-ID. Stop with Ctrl+C or SIGTERM.
    """
    settings = Settings()
    log_config = logging_dict(settings.log_level, settings.log_format)
    logging.config.dictConfig(log_config)
    migrate_if_enabled(settings)
    uvicorn.run(
        "reports_service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=log_config,
        access_log=False,  # reports_service.access writes one line per request, with its id
    )
