"""The service's settings: environment variables ``REPORTS_*`` (or ``.env``), with defaults."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from db.settings import DatabaseSettings

MIB = 1024 * 1024


class Settings(DatabaseSettings):
    """Everything configurable. ``REPORTS_DATABASE_URL`` comes from :class:`DatabaseSettings`."""

    max_body_bytes: int = Field(
        default=MIB, gt=0, description="largest request body accepted; larger gets 413"
    )
    reads_require_token: bool = Field(
        default=False,
        description="when true, every read needs a project token and sees only that project",
    )
    auto_migrate: bool = Field(
        default=True, description="`serve` upgrades the database schema before it starts"
    )
    dashboard_warm: bool = Field(
        default=True,
        description="build the dashboard's summary when the server starts (in the background), "
        "so that the first page view does not wait for it",
    )
    debug: bool = Field(default=False, description="Litestar debug mode (tracebacks in 500s)")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="the least severe log records written"
    )
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto",
        description="json: one JSON object per line; console: readable lines; "
        "auto: console on a terminal, json otherwise",
    )

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        """``REPORTS_LOG_LEVEL=INFO`` means ``info``."""
        return value.strip().lower() if isinstance(value, str) else value
