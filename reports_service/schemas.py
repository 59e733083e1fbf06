"""Request and response bodies of the API that are not database read schemas."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from db.models import POSTER_FIELD_MAX, ReportRead
from parsers import ParsedReport

T = TypeVar("T")


def _check_text(value: str | None) -> str | None:
    if value is None:
        return None
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from exc
    return value


class ReportSubmission(BaseModel):
    """The JSON form of ``POST /api/projects/{project}/reports``."""

    model_config = ConfigDict(extra="forbid")

    markdown: str = Field(min_length=1, description="the report, as markdown text")
    agent: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)
    session: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)
    commit: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)
    remediation: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)

    @field_validator("agent", "session", "commit", "remediation")
    @classmethod
    def poster_text(cls, value: str | None) -> str | None:
        return _check_text(value)


class ReportDetail(ReportRead):
    """A stored report with everything extracted from it."""

    url: str = Field(description="where this report can be read")
    raw_url: str = Field(description="its markdown, exactly as received")
    parsed: ParsedReport


class IngestResult(ReportDetail):
    duplicate: bool = Field(description="true when this content was already stored (status 200)")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="how many match in all")
    limit: int
    offset: int


class ErrorBody(BaseModel):
    """Every error: the status, what went wrong and what to do, and details where there are."""

    status_code: int
    detail: str
    extra: dict[str, object] | list[object] | None = None


class Health(BaseModel):
    status: str


class NotReady(BaseModel):
    """``/ready`` when the database does not answer."""

    status_code: int = 503
    detail: str
