"""Projects and their write tokens.

A token reads ``rst_<key id>_<secret>``. The key id is public (it names the token in listings and
in ``token revoke``); only the SHA-256 of the secret is stored, and it is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import cache

from sqlalchemy import String, bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from db.engine import run_sync
from db.models import ApiToken, ApiTokenRead, Project
from db.types import utcnow

TOKEN_PREFIX = "rst"  # noqa: S105 - the public prefix, not a secret
_TOKEN = re.compile(r"^rst_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


async def get_project(session: AsyncSession, name: str) -> Project | None:
    return (await session.exec(select(Project).where(Project.name == name))).first()


async def get_or_create_project(session: AsyncSession, name: str) -> Project:
    """The project named ``name``, created (and committed) when new; safe against a racing twin."""
    project = await get_project(session, name)
    if project is not None:
        return project
    session.add(Project(name=name))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
    project = await get_project(session, name)
    if project is None:  # pragma: no cover - the insert either succeeded or lost to a twin
        raise RuntimeError(f"project {name!r} could not be created")
    return project


def _read(token: ApiToken, project: Project) -> ApiTokenRead:
    return ApiTokenRead(
        key_id=token.key_id,
        label=token.label,
        created_at=token.created_at,
        revoked_at=token.revoked_at,
        project=project.name,
    )


async def create_token(
    session: AsyncSession, project_name: str, label: str | None = None
) -> tuple[ApiTokenRead, str]:
    """A new token for the project (created if new), committed; returns it once, in clear."""
    project = await get_or_create_project(session, project_name)
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    if project.id is None:  # pragma: no cover - a stored project has an id
        raise RuntimeError(f"project {project_name!r} has no id")
    token = ApiToken(
        project_id=project.id, key_id=key_id, secret_sha256=_digest(secret), label=label
    )
    session.add(token)
    await session.commit()
    return _read(token, project), f"{TOKEN_PREFIX}_{key_id}_{secret}"


async def verify_token(session: AsyncSession, presented: str) -> tuple[ApiToken, Project] | None:
    """The live token and its project for a presented token string, else None."""
    return await run_sync(session, live_token, presented)


@cache
def _token_statement() -> Select[ApiToken, Project]:
    """The token with key id ``:key_id`` and its project: built once per process (building and
    keying a statement cost more than running it, on every POST)."""
    return (
        select(ApiToken, Project)
        .join(Project, col(Project.id) == col(ApiToken.project_id))
        .where(col(ApiToken.key_id) == bindparam("key_id", type_=String()))
    )


def live_token(session: Session, presented: str) -> tuple[ApiToken, Project] | None:
    """:func:`verify_token` in a synchronous session (the service's writer on SQLite, so that a
    POST makes no statement through aiosqlite, whose every statement costs thread hops)."""
    match = _TOKEN.match(presented)
    if match is None:
        return None
    key_id, secret = match.groups()
    row = session.exec(_token_statement(), params={"key_id": key_id}).first()
    if row is None:
        return None
    token, project = row
    if token.revoked_at is not None:
        return None
    if not hmac.compare_digest(_digest(secret), token.secret_sha256):
        return None
    return token, project


async def list_tokens(session: AsyncSession, project_name: str | None = None) -> list[ApiTokenRead]:
    statement = select(ApiToken, Project).join(Project, col(Project.id) == col(ApiToken.project_id))
    if project_name is not None:
        statement = statement.where(Project.name == project_name)
    statement = statement.order_by(col(Project.name), col(ApiToken.id))
    return [_read(token, project) for token, project in await session.exec(statement)]


async def revoke_token(session: AsyncSession, key_id: str) -> ApiTokenRead | None:
    """Revoke the token with this key id (committed); None when there is none."""
    row = (
        await session.exec(
            select(ApiToken, Project)
            .join(Project, col(Project.id) == col(ApiToken.project_id))
            .where(ApiToken.key_id == key_id)
        )
    ).first()
    if row is None:
        return None
    token, project = row
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        await session.commit()
    return _read(token, project)
