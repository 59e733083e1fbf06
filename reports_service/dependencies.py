"""What handlers declare and Litestar injects: the request's DB session, settings, and projects.

Authentication is a dependency rather than a guard because it needs the request's database
session, and guards cannot receive dependencies: a guard would have to open a second session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath
from litestar.types import Message, Scope
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import in_writer
from db.models import PROJECT_NAME_PATTERN, Project
from db.tokens import get_project, live_token, verify_token
from reports_service.settings import Settings

_BEARER = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)
_PROJECT_NAME = re.compile(PROJECT_NAME_PATTERN)
HOW_TO_GET_A_TOKEN = "create one with `reports-service token create PROJECT`"  # noqa: S105


_SESSION_KEY = "reports_service.db_session"
#: ASGI messages after which a request's session is done with
_SESSION_END = frozenset({"http.response.start", "http.disconnect"})


def _scope_state(scope: Scope) -> dict[str, Any]:
    return cast("dict[str, Any]", scope).setdefault("state", {})  # type: ignore[no-any-return]


async def provide_db_session(state: State, scope: Scope) -> AsyncSession:
    """One session per request; writes commit explicitly, anything uncommitted rolls back.

    Not a generator dependency: Litestar skips a generator's cleanup when another dependency
    raises (a 401 from the token check would leak the connection). The session is closed by
    :func:`close_db_session` when the response starts, whatever the response is.
    """
    session: AsyncSession = state.sessionmaker()
    _scope_state(scope)[_SESSION_KEY] = session
    return session


async def close_db_session(message: Message, scope: Scope) -> None:
    """``before_send`` hook: close the request's session (rolling back what was not committed)."""
    if message["type"] in _SESSION_END:
        session = _scope_state(scope).pop(_SESSION_KEY, None)
        if session is not None:
            await session.close()


def unauthorized(detail: str) -> NotAuthorizedException:
    return NotAuthorizedException(detail=detail, headers={"WWW-Authenticate": "Bearer"})


async def token_project(request: Request[object, object, State], session: AsyncSession) -> Project:
    """The project of the request's bearer token; 401 without a live one."""
    header = request.headers.get("authorization")
    if header is None:
        raise unauthorized(
            "this needs a project token: send 'Authorization: Bearer <token>' "
            f"({HOW_TO_GET_A_TOKEN})"
        )
    match = _BEARER.match(header)
    if match is None:
        raise unauthorized("the Authorization header must read 'Bearer <token>'")
    writer = request.app.state.writer
    if writer is not None:  # SQLite: see db.tokens.live_token
        verified = await in_writer(writer, live_token, match.group(1))
    else:
        verified = await verify_token(session, match.group(1))
    if verified is None:
        raise unauthorized(f"the token is unknown or revoked ({HOW_TO_GET_A_TOKEN})")
    return verified[1]


async def _named_project(session: AsyncSession, name: str) -> Project:
    project = await get_project(session, name) if _PROJECT_NAME.match(name) else None
    if project is None:
        raise NotFoundException(
            detail=f"no project '{name[:100]}': see GET /api/projects for the projects there are"
        )
    return project


async def provide_writer_project(
    request: Request[object, object, State],
    db_session: NamedDependency[AsyncSession],
    project: FromPath[str],
) -> Project:
    """The project in the path, when the request's token belongs to it (else 401)."""
    owner = await token_project(request, db_session)
    if owner.name != project:
        raise unauthorized(
            f"this token belongs to project '{owner.name}', not '{project[:100]}': "
            "use that project's token"
        )
    return owner


@dataclass(frozen=True, slots=True)
class ReadScope:
    """Which projects a read may see: all of them, or only the token's one."""

    project_id: int | None = None
    project: str | None = None


async def provide_read_scope(
    request: Request[object, object, State],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> ReadScope:
    if not settings.reads_require_token:
        return ReadScope()
    owner = await token_project(request, db_session)
    return ReadScope(project_id=owner.id, project=owner.name)


async def provide_read_project(
    db_session: NamedDependency[AsyncSession],
    read_scope: NamedDependency[ReadScope],
    project: FromPath[str],
) -> Project:
    """The project in the path, readable in this scope (else 401), existing (else 404)."""
    if read_scope.project is not None and read_scope.project != project:
        raise unauthorized(
            f"reads are closed on this server and this token is not for '{project[:100]}'"
        )
    return await _named_project(db_session, project)
