"""What several database tests set up the same way."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models import Remediation
from db.tokens import get_or_create_project


async def make_remediation(
    sessions: async_sessionmaker[AsyncSession], name: str = "push", project: str = "alpha"
) -> int:
    """A remediation named ``name`` in ``project`` (created if new); its id."""
    async with sessions() as session:
        owner = await get_or_create_project(session, project)
        assert owner.id is not None
        made = Remediation(project_id=owner.id, key=name, name=name)
        session.add(made)
        await session.commit()
        assert made.id is not None
        return made.id
