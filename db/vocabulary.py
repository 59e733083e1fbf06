"""A project's own words: read them, set them (one row per project, replaced whole)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.engine import run_sync
from db.models import Project, ProjectVocabulary, ProjectVocabularyRead
from db.types import utcnow
from parsers.project_words import Words, count_phrases


def _project_id(project: Project) -> int:
    if project.id is None:
        raise ValueError(f"project {project.name!r} is not stored")
    return project.id


async def project_words(session: AsyncSession, project_id: int) -> Words:
    """The words the project added to the vocabulary (empty when none)."""
    return await run_sync(session, read_project_words, project_id)


def read_project_words(session: Session, project_id: int) -> Words:
    """:func:`project_words` in a synchronous session."""
    row = session.get(ProjectVocabulary, project_id)
    return row.words if row is not None else {}


async def words_by_project(session: AsyncSession, project_ids: Iterable[int]) -> dict[int, Words]:
    """The words of each of these projects that has any."""
    wanted = set(project_ids)
    if not wanted:
        return {}
    statement = select(ProjectVocabulary).where(col(ProjectVocabulary.project_id).in_(wanted))
    return {row.project_id: row.words for row in await session.exec(statement)}


def _read(project: str, row: ProjectVocabulary | None) -> ProjectVocabularyRead:
    words = row.words if row is not None else {}
    return ProjectVocabularyRead(
        project=project,
        words=words,
        phrases=count_phrases(words),
        updated_at=row.updated_at if row is not None else None,
    )


async def read_vocabulary(session: AsyncSession, project: Project) -> ProjectVocabularyRead:
    return _read(project.name, await session.get(ProjectVocabulary, _project_id(project)))


async def set_words(session: AsyncSession, project: Project, words: Words) -> ProjectVocabularyRead:
    """Replace the project's words with ``words`` (already checked) and commit.

    Two writers racing to create the row: the loser's insert fails and it updates the winner's.
    """
    project_id = _project_id(project)
    name = project.name  # read now: a rollback below expires every loaded object
    for attempt in range(2):
        row = await session.get(ProjectVocabulary, project_id, populate_existing=True)
        if row is None:
            row = ProjectVocabulary(project_id=project_id, words=words)
        else:
            row.words = words
            row.updated_at = utcnow()
        session.add(row)
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            if attempt:
                raise
            continue
        break
    return _read(name, row)
