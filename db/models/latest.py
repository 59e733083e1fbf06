"""The latest mention of each gate, coverage scope and blocker of a project, kept as reports are
stored (``db.latest``), so that "what is failing / open now" reads as many rows as it answers
instead of ranking every mention in the history; and the first mention of each blocker in each
remediation (``db.first_mentions``), so that a listed blocker's age does not read its history."""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from db.models.items import KEY_MAX

__all__ = ["STATE_MAX", "BlockerFirstMention", "LatestMention"]

#: a gate's status is at most 16 characters; "open" / "resolved" for blockers
STATE_MAX = 16


class LatestMention(SQLModel, table=True):
    """For one (project, kind, key, variant) the item of the latest report that mentions it.

    ``kind`` is "gate", "coverage" or "blocker"; ``key`` the item's normalised key; ``variant``
    the coverage metric ("" for none, and for gates and blockers). "Latest" is the largest report
    id, then the smallest position in that report: the order the lists always used. ``state`` is
    what the lists filter on: the gate's status, "open" / "resolved" for a blocker, "" for
    coverage. ``item_id`` is the row in the kind's own table (no foreign key: three tables).
    """

    __tablename__ = "latest_mentions"
    __table_args__ = (
        UniqueConstraint("project_id", "kind", "key", "variant"),
        Index("ix_latest_mentions_kind_state_project_id", "kind", "state", "project_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="projects.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    key: str = Field(max_length=KEY_MAX)
    variant: str = Field(max_length=KEY_MAX)
    report_id: int = Field(foreign_key="reports.id", ondelete="CASCADE", index=True)
    item_id: int
    position: int
    state: str = Field(max_length=STATE_MAX)


class BlockerFirstMention(SQLModel, table=True):
    """For one (remediation, blocker key) the first report of the remediation that names the
    blocker (the smallest report id, resolved or not): where a blocker's age in its remediation
    counts from (``BlockerRead.age_sessions``). Kept by ``db.first_mentions``."""

    __tablename__ = "blocker_first_mentions"
    __table_args__ = (UniqueConstraint("remediation_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    remediation_id: int = Field(foreign_key="remediations.id", ondelete="CASCADE")
    key: str = Field(max_length=KEY_MAX)
    report_id: int = Field(foreign_key="reports.id", ondelete="CASCADE", index=True)
