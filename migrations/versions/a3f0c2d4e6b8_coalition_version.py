"""coalition version

One row with two counters the matcher cache compares: ``data`` (anything the
matcher reads changed) and ``history`` (a referral changed). Bumped in the
same transaction as the change (models/coalition_version.py).

Revision ID: a3f0c2d4e6b8
Revises: 7c1e5a2b9d40
Create Date: 2026-11-27 10:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a3f0c2d4e6b8"
down_revision = "7c1e5a2b9d40"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "coalition_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", sa.Integer(), nullable=False),
        sa.Column("history", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_coalition_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_version")),
    )
    op.bulk_insert(table, [{"id": 1, "data": 0, "history": 0}])


def downgrade():
    op.drop_table("coalition_version")
