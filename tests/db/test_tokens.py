"""Project tokens: shown once, stored hashed, checked in constant time, revocable."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import ApiToken, Project
from db.tokens import create_token, get_or_create_project, list_tokens, revoke_token, verify_token

pytestmark = pytest.mark.anyio


async def test_create_makes_the_project_and_stores_only_a_hash(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        info, token = await create_token(session, "alpha", label="ci")
    assert info.project == "alpha"
    assert info.label == "ci"
    assert token.startswith(f"rst_{info.key_id}_")
    secret = token.split("_", 2)[2]
    async with sessions() as session:
        stored = (await session.exec(select(ApiToken))).one()
        assert (await session.exec(select(Project.name))).all() == ["alpha"]
    assert secret not in stored.secret_sha256
    assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()


async def test_verify_accepts_the_token_and_nothing_close_to_it(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        _, token = await create_token(session, "alpha")
        verified = await verify_token(session, token)
        assert verified is not None
        assert verified[1].name == "alpha"
        flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert await verify_token(session, flipped) is None
        assert await verify_token(session, token + "x") is None
        assert await verify_token(session, "rst_000000000000_" + "a" * 43) is None
        assert await verify_token(session, "") is None
        assert await verify_token(session, "not a token at all") is None


async def test_revoked_tokens_stop_working_and_are_listed_as_revoked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        info, token = await create_token(session, "alpha")
        _, other = await create_token(session, "alpha")
        revoked = await revoke_token(session, info.key_id)
        assert revoked is not None
        assert revoked.revoked_at is not None
        assert await verify_token(session, token) is None
        assert await verify_token(session, other) is not None
        assert await revoke_token(session, "ffffffffffff") is None
        listed = await list_tokens(session, "alpha")
    assert [(t.key_id == info.key_id, t.revoked_at is not None) for t in listed] == [
        (True, True),
        (False, False),
    ]


async def test_get_or_create_project_returns_the_existing_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        first = await get_or_create_project(session, "alpha")
        again = await get_or_create_project(session, "alpha")
        assert first.id == again.id
