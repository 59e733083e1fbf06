"""API fixtures: tokens for projects, and a poster that sends reports the way agents do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.tokens import create_token

TokenFactory = Callable[[str], Awaitable[str]]


@pytest.fixture
def make_token(sessions: async_sessionmaker[AsyncSession]) -> TokenFactory:
    async def make(project: str) -> str:
        async with sessions() as session:
            _, token = await create_token(session, project)
        return token

    return make


def bearer(token: str, content_type: str | None = "text/markdown") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers
