"""Projects and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from db.models.base import metadata
from db.types import UTCDateTime, utcnow

__all__ = [
    "ApiToken",
    "ApiTokenRead",
    "Project",
    "ProjectBase",
    "ProjectRead",
    "ProjectVocabulary",
    "ProjectVocabularyBase",
    "ProjectVocabularyRead",
    "metadata",
]

#: what a project name may look like (it is a URL path segment and a CLI argument)
PROJECT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


class ProjectBase(SQLModel):
    name: str = Field(max_length=100, unique=True, index=True)


class Project(ProjectBase, table=True):
    __tablename__ = "projects"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    #: raised in the transaction of every change to the project's stored reports other than a
    #: new one (a re-parse, a remediation renamed or merged), so that readers that keep a summary
    #: (the dashboard) see it: see :func:`db.store.revise_project`
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ProjectRead(ProjectBase):
    created_at: datetime
    reports: int = Field(description="number of stored reports")
    last_report_at: datetime | None = Field(description="when the latest report arrived")


class ApiTokenBase(SQLModel):
    key_id: str = Field(
        max_length=32, unique=True, index=True, description="public part of the token, for listing"
    )
    label: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiToken(ApiTokenBase, table=True):
    """A project's write token. Only the SHA-256 of its secret part is stored."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", ondelete="CASCADE", index=True)
    secret_sha256: str = Field(max_length=64)


class ApiTokenRead(ApiTokenBase):
    project: str


class ProjectVocabularyBase(SQLModel):
    words: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict,
        sa_type=JSON,
        nullable=False,
        description="phrases by vocabulary group and role, as in parsers/vocab/*.yaml",
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ProjectVocabulary(ProjectVocabularyBase, table=True):
    """A project's own words, added to the parser's vocabulary for its reports (one row each)."""

    __tablename__ = "project_vocabularies"

    project_id: int = Field(foreign_key="projects.id", ondelete="CASCADE", primary_key=True)


class ProjectVocabularyRead(SQLModel):
    project: str
    words: dict[str, dict[str, list[str]]] = Field(
        description="phrases by vocabulary group and role, as in parsers/vocab/*.yaml"
    )
    phrases: int = Field(description="how many phrases the project adds")
    updated_at: datetime | None = Field(description="when they were last set; null if never")
