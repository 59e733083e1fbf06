"""Latest mentions: each gate, coverage scope and blocker's latest item per project, filled from
the stored items (``db.latest`` keeps it from now on).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_MAX = 200  # db.models.items.KEY_MAX when this was written
COLUMNS = ("project_id", "kind", "key", "variant", "report_id", "item_id", "position", "state")

# the tables as this revision knows them (a migration does not import the models of its day)
reports = sa.table("reports", sa.column("id", sa.Integer), sa.column("project_id", sa.Integer))


def _items(name: str, *extra: sa.ColumnClause[object]) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("report_id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("key", sa.String),
        *extra,
    )


gates = _items("gates", sa.column("status", sa.String))
coverage = _items("coverage_figures", sa.column("metric", sa.String))
blockers = _items("blockers", sa.column("resolved", sa.Boolean))


def _latest(
    kind: str,
    items: sa.TableClause,
    variant: sa.ColumnElement[str],
    state: sa.ColumnElement[str],
) -> sa.Select[tuple[object, ...]]:
    """The latest mention per (project, key, variant): largest report id, then first position."""
    rank = sa.func.row_number().over(
        partition_by=(reports.c.project_id, items.c.key, variant),
        order_by=(items.c.report_id.desc(), items.c.position),
    )
    ranked = (
        sa.select(
            reports.c.project_id,
            sa.literal(kind, sa.String).label("kind"),
            items.c.key,
            variant.label("variant"),
            items.c.report_id,
            items.c.id.label("item_id"),
            items.c.position,
            state.label("state"),
            rank.label("rank"),
        )
        .join(reports, reports.c.id == items.c.report_id)
        .subquery()
    )
    return sa.select(*(ranked.c[name] for name in COLUMNS)).where(ranked.c.rank == 1)


def upgrade() -> None:
    latest = op.create_table(
        "latest_mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=KEY_MAX), nullable=False),
        sa.Column("variant", sa.String(length=KEY_MAX), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_latest_mentions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_latest_mentions_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_latest_mentions")),
        sa.UniqueConstraint(
            "project_id",
            "kind",
            "key",
            "variant",
            name=op.f("uq_latest_mentions_project_id_kind_key_variant"),
        ),
    )
    op.create_index(
        op.f("ix_latest_mentions_report_id"), "latest_mentions", ["report_id"], unique=False
    )
    op.create_index(
        "ix_latest_mentions_kind_state_project_id",
        "latest_mentions",
        ["kind", "state", "project_id"],
        unique=False,
    )
    no_variant = sa.literal("", sa.String)
    for select in (
        _latest("gate", gates, no_variant, gates.c.status),
        _latest(
            "coverage",
            coverage,
            sa.func.coalesce(sa.func.substr(coverage.c.metric, 1, KEY_MAX), ""),
            no_variant,
        ),
        _latest(
            "blocker",
            blockers,
            no_variant,
            sa.case((blockers.c.resolved, "resolved"), else_="open"),
        ),
    ):
        op.execute(latest.insert().from_select(list(COLUMNS), select))


def downgrade() -> None:
    op.drop_index("ix_latest_mentions_kind_state_project_id", table_name="latest_mentions")
    op.drop_index(op.f("ix_latest_mentions_report_id"), table_name="latest_mentions")
    op.drop_table("latest_mentions")
