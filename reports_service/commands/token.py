"""``reports-service token create|list|revoke``: per-project write tokens."""

from __future__ import annotations

import re

import click
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import PROJECT_NAME_PATTERN, ApiTokenRead
from db.tokens import create_token, list_tokens, revoke_token
from reports_service.commands._database import run_with_sessions


def _check_project(name: str) -> str:
    if not re.match(PROJECT_NAME_PATTERN, name):
        raise click.BadParameter(
            "use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit",
            param_hint="PROJECT",
        )
    return name


@click.group()
def token() -> None:
    """Project tokens: writes need 'Authorization: Bearer <token>'."""


@token.command()
@click.argument("project")
@click.option("--label", help="What the token is for (shown by `token list`).")
def create(project: str, label: str | None) -> None:
    """Create a token for PROJECT (creating the project if new) and print it once."""
    _check_project(project)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> tuple[ApiTokenRead, str]:
        async with sessions() as session:
            return await create_token(session, project, label)

    info, secret = run_with_sessions(work)
    click.echo(secret)
    click.echo(
        f"token {info.key_id} for project '{project}': it is shown only now, keep it secret",
        err=True,
    )


@token.command(name="list")
@click.argument("project", required=False)
def list_(project: str | None) -> None:
    """List tokens (of PROJECT, or all) without their secrets."""

    async def work(sessions: async_sessionmaker[AsyncSession]) -> list[ApiTokenRead]:
        async with sessions() as session:
            return await list_tokens(session, project)

    for info in run_with_sessions(work):
        state = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "active"
        label = f"  {info.label}" if info.label else ""
        click.echo(
            f"{info.key_id}  {info.project}  {state}  created {info.created_at:%Y-%m-%d}{label}"
        )


@token.command()
@click.argument("key_id")
def revoke(key_id: str) -> None:
    """Revoke the token KEY_ID (the id shown by `token list`, or the whole token)."""
    if key_id.startswith("rst_"):
        key_id = key_id.split("_")[1]

    async def work(sessions: async_sessionmaker[AsyncSession]) -> ApiTokenRead | None:
        async with sessions() as session:
            return await revoke_token(session, key_id)

    info = run_with_sessions(work)
    if info is None:
        raise click.ClickException(f"no token {key_id}: see `reports-service token list`")
    click.echo(f"token {info.key_id} of project '{info.project}' is revoked")
