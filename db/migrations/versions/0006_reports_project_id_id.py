"""An index on reports (project_id, id): a project's report list, newest first, reads its page
instead of sorting every report of the project.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 07:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_reports_project_id_id", "reports", ["project_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_reports_project_id_id", table_name="reports")
