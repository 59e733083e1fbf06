"""Each blocker's first mention in each remediation (blocker_first_mentions), filled from the
stored blockers: a listed blocker's age reads one row of it (``db.first_mentions``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_MAX = 200  # db.models.items.KEY_MAX when this was written

# the tables as this revision knows them (a migration does not import the models of its day)
reports = sa.table("reports", sa.column("id", sa.Integer), sa.column("remediation_id", sa.Integer))
blockers = sa.table("blockers", sa.column("report_id", sa.Integer), sa.column("key", sa.String))


def upgrade() -> None:
    first = op.create_table(
        "blocker_first_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remediation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=KEY_MAX), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["remediation_id"],
            ["remediations.id"],
            name=op.f("fk_blocker_first_mentions_remediation_id_remediations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_blocker_first_mentions_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocker_first_mentions")),
        sa.UniqueConstraint(
            "remediation_id", "key", name=op.f("uq_blocker_first_mentions_remediation_id_key")
        ),
    )
    op.create_index(
        op.f("ix_blocker_first_mentions_report_id"),
        "blocker_first_mentions",
        ["report_id"],
        unique=False,
    )
    earliest = (
        sa.select(reports.c.remediation_id, blockers.c.key, sa.func.min(blockers.c.report_id))
        .join(reports, reports.c.id == blockers.c.report_id)
        .where(reports.c.remediation_id.is_not(None))
        .group_by(reports.c.remediation_id, blockers.c.key)
    )
    op.execute(first.insert().from_select(["remediation_id", "key", "report_id"], earliest))


def downgrade() -> None:
    op.drop_index(op.f("ix_blocker_first_mentions_report_id"), table_name="blocker_first_mentions")
    op.drop_table("blocker_first_mentions")
