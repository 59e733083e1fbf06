"""projects.revision: raised by every change to a project's stored reports other than a new one
(a re-parse, a remediation renamed or merged), so that the dashboard's kept summary sees it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a constant default: SQLite adds the column in place, PostgreSQL without rewriting the table
    op.add_column(
        "projects", sa.Column("revision", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    # in place on both (SQLite 3.35+): a batch copy of projects would drop the old table, and
    # with foreign keys on that deletes every report through ON DELETE CASCADE
    op.execute("ALTER TABLE projects DROP COLUMN revision")
