"""Stored reports: the raw markdown byte-for-byte, who sent it, and the parsed header."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime, utcnow

__all__ = ["POSTER_FIELD_MAX", "Report", "ReportBase", "ReportRead", "ReportRef"]

#: longest agent / session / commit / remediation / Idempotency-Key a poster may send
POSTER_FIELD_MAX = 200


class ReportBase(SQLModel):
    """What the service knows about a report besides its content."""

    sha256: str = Field(max_length=64, description="SHA-256 of the raw markdown bytes (hex)")
    size: int = Field(description="length of the raw markdown in bytes")
    parser_version: str = Field(max_length=32)
    received_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    agent: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)
    session: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)
    commit: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)
    remediation: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)


class Report(ReportBase, table=True):
    """One posted report.

    ``(project_id, sha256)`` is unique, so the same content posted twice to a project is stored
    once even when two server processes receive it at the same moment; ``(project_id,
    idempotency_key)`` likewise for the ``Idempotency-Key`` header (NULLs do not collide).
    """

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("project_id", "sha256"),
        UniqueConstraint("project_id", "idempotency_key"),
        Index("ix_reports_project_id_received_at", "project_id", "received_at"),
        Index("ix_reports_project_id_id", "project_id", "id"),  # a project's newest first
        Index("ix_reports_project_id_report_date", "project_id", "report_date"),
        Index("ix_reports_project_id_agent", "project_id", "agent"),
        Index("ix_reports_project_id_kind", "project_id", "kind"),
        # a remediation's sessions in each of the three session orders (db.sessions), and its
        # first and last arrival
        Index("ix_reports_remediation_id_id", "remediation_id", "id"),
        Index(
            "ix_reports_remediation_id_sequence_number", "remediation_id", "sequence_number", "id"
        ),
        Index("ix_reports_remediation_id_report_date", "remediation_id", "report_date", "id"),
        Index("ix_reports_remediation_id_received_at", "remediation_id", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", ondelete="CASCADE")
    idempotency_key: str | None = Field(default=None, max_length=POSTER_FIELD_MAX)
    raw: bytes = Field(sa_type=LargeBinary, description="the markdown exactly as received")
    remediation_id: int | None = Field(
        default=None,
        foreign_key="remediations.id",
        ondelete="SET NULL",
        description="the workstream the report was grouped into (see reports_service.progress)",
    )

    # the parsed header (parsers.models.Meta), replaced by ``reparse``
    title: str | None = Field(default=None, sa_type=Text)
    kind: str = Field(default="other", max_length=32)
    author: str | None = Field(default=None, sa_type=Text)
    date: str | None = Field(default=None, sa_type=Text, description="the meta date as parsed")
    report_date: dt.date | None = Field(default=None, description="``date`` when it is a real date")
    sequence: str | None = Field(default=None, sa_type=Text)
    sequence_number: int | None = Field(
        default=None,
        sa_type=BigInteger,
        description="the first number in ``sequence`` (db.sessions.stored_sequence_number)",
    )
    in_response_to: str | None = Field(default=None, sa_type=Text)
    scope: str | None = Field(default=None, sa_type=Text)
    scope_label: str | None = Field(
        default=None, max_length=64, description="the header label of the scope, e.g. 'Module'"
    )
    meta_lines: dict[str, int] = Field(default_factory=dict, sa_type=JSON)
    summary: str = Field(default="", sa_type=Text, description="the parse's one-line summary")


class ReportRef(SQLModel):
    """A report as other records point at it."""

    id: int
    project: str
    title: str | None
    date: str | None
    received_at: dt.datetime
    agent: str | None


class ReportRead(ReportBase):
    """A stored report without its items: what report listings show."""

    id: int
    project: str
    idempotency_key: str | None
    title: str | None
    kind: str
    author: str | None
    date: str | None
    sequence: str | None
    in_response_to: str | None
    scope: str | None
