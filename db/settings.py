"""Database settings, read from the environment (``REPORTS_*``) and ``.env``.

The service's settings extend these, and alembic's ``env.py`` reads them, so that the app, the
CLI and ``alembic upgrade head`` always talk to the same database.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.engine import DEFAULT_DATABASE_URL


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTS_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
