"""A remediation's sessions in session order from SQL: reports.sequence_number (filled from the
stored sequence fields), and indexes of a remediation's reports in each session order and by
arrival time.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# db.sessions when this was written (a migration does not import the code of its day)
SEQUENCE_MAX = 2**63 - 1
_DIGITS = re.compile(r"\d+")
#: reports updated per statement while filling sequence_number
BATCH = 5000

reports = sa.table(
    "reports",
    sa.column("id", sa.Integer),
    sa.column("remediation_id", sa.Integer),
    sa.column("sequence", sa.Text),
    sa.column("sequence_number", sa.BigInteger),
)

INDEXES = {
    "ix_reports_remediation_id_id": ["remediation_id", "id"],
    "ix_reports_remediation_id_sequence_number": ["remediation_id", "sequence_number", "id"],
    "ix_reports_remediation_id_report_date": ["remediation_id", "report_date", "id"],
    "ix_reports_remediation_id_received_at": ["remediation_id", "received_at"],
}


def _stored_number(sequence: str) -> int | None:
    match = _DIGITS.search(sequence)
    if match is None:
        return None
    try:
        return min(int(match.group()), SEQUENCE_MAX)
    except ValueError:  # more digits than int() converts
        return SEQUENCE_MAX


def _fill_sequence_numbers() -> None:
    connection = op.get_bind()
    found = connection.execute(
        sa.select(reports.c.id, reports.c.sequence).where(reports.c.sequence.is_not(None))
    ).all()
    numbered = [
        {"report_id": report_id, "number": number}
        for report_id, sequence in found
        if (number := _stored_number(sequence)) is not None
    ]
    update = (
        reports.update()
        .where(reports.c.id == sa.bindparam("report_id"))
        .values(sequence_number=sa.bindparam("number"))
    )
    for start in range(0, len(numbered), BATCH):
        connection.execute(update, numbered[start : start + BATCH])


def upgrade() -> None:
    # nullable without a default: SQLite adds it in place, PostgreSQL without rewriting the table
    op.add_column("reports", sa.Column("sequence_number", sa.BigInteger(), nullable=True))
    _fill_sequence_numbers()
    op.drop_index("ix_reports_remediation_id", table_name="reports")
    for name, columns in INDEXES.items():
        op.create_index(name, "reports", columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="reports")
    op.create_index("ix_reports_remediation_id", "reports", ["remediation_id"], unique=False)
    # in place on both (SQLite 3.35+), as 0007 does: a batch copy of reports would drop the old
    # table, and with foreign keys on that deletes every item through ON DELETE CASCADE
    op.execute("ALTER TABLE reports DROP COLUMN sequence_number")
