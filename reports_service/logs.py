"""Structured logs: one JSON object per line (or readable console lines), with the request id.

Every record, from this service, Litestar, uvicorn or SQLAlchemy, goes through one stdlib handler
on stderr whose formatter is structlog's ``ProcessorFormatter``. ``structlog.contextvars`` carries
the id of the request being handled (bound by :mod:`reports_service.request_id`) into every record
logged while handling it. The same configuration serves Litestar (``create_app``) and uvicorn's
supervisor process (``serve --workers N``), so that every line of a deployment has one shape.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from litestar.logging.config import LoggingConfig
from structlog.typing import EventDict, Processor, WrappedLogger

#: ``extra`` fields of a record that become fields of the line (the access log's)
EXTRA_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "client")


def _add_pid(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """The process id: with ``--workers N`` it tells the workers' lines apart."""
    record = event_dict.get("_record")
    if isinstance(record, logging.LogRecord):
        event_dict["pid"] = record.process
    return event_dict


def resolve_format(log_format: str) -> str:
    """``auto`` is ``console`` when stderr is a terminal, ``json`` otherwise."""
    if log_format == "auto":
        return "console" if sys.stderr.isatty() else "json"
    return log_format


def formatter(log_format: str = "json") -> structlog.stdlib.ProcessorFormatter:
    """The stdlib formatter of every line (named by the logging configuration below)."""
    chain: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(allow=EXTRA_FIELDS),
        _add_pid,
    ]
    renderer: Processor
    if resolve_format(log_format) == "console":
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    else:
        chain.append(structlog.processors.format_exc_info)  # the traceback as one string field
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=chain,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )


def logging_dict(level: str = "info", log_format: str = "auto") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dictionary: the root logger to stderr, structured.

    Only strings inside, so that uvicorn can hand it to worker processes it spawns.
    """
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": f"{__name__}.formatter",
                "log_format": resolve_format(log_format),
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # uvicorn's and Litestar's own handlers give way to the root's
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # reports_service.access logs each request, with its id
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            "litestar": {"handlers": [], "propagate": True, "level": level},
        },
    }


def litestar_logging_config(level: str = "info", log_format: str = "auto") -> LoggingConfig:
    """:func:`logging_dict` for Litestar, which applies it when the app is created."""
    config = logging_dict(level, log_format)
    handlers = dict(config["handlers"])
    # Litestar adds a queue handler (and its thread) under this name unless one is given
    handlers["queue_listener"] = {"class": "logging.NullHandler"}
    return LoggingConfig(
        formatters=config["formatters"],
        handlers=handlers,
        loggers=config["loggers"],
        root=config["root"],
        disable_existing_loggers=False,
    )
