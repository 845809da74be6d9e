"""worker heartbeat

``worker_heartbeat``: when each mail worker last went round its loop, so
``/health`` and the coordinator's overview notice a stalled worker
(models/mail_health.py).

Revision ID: e5a7c3d1f920
Revises: 5e3a9c7d1b26
Create Date: 2026-12-07 02:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "e5a7c3d1f920"
down_revision = "5e3a9c7d1b26"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_heartbeat",
        sa.Column("worker", sa.String(64), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeat")),
    )


def downgrade():
    op.drop_table("worker_heartbeat")
