"""Lint findings and the summary of each parse; where each item came from (body/front matter).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: item tables that record whether an item was read from the body or the front matter
SOURCED = ("coverage_figures", "test_runs", "file_changes", "blockers", "commands")


def upgrade() -> None:
    for table in SOURCED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("source", sa.String(length=16), nullable=False, server_default="body")
            )
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("summary", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_findings_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index(op.f("ix_findings_report_id"), "findings", ["report_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_findings_report_id"), table_name="findings")
    op.drop_table("findings")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("summary")
    for table in SOURCED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("source")
