"""portal_session: the portal's sessions kept on the server

Signing out or a deactivation ends a session for good, also in a copy of its
cookie (models/portal_sessions.py).

Revision ID: 8e2f4a6c1b93
Revises: 6a1d4f8b2c07
Create Date: 2026-12-08 01:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "8e2f4a6c1b93"
down_revision = "6a1d4f8b2c07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_portal_session_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_session_token_hash")),
    )
    with op.batch_alter_table("portal_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_session_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("portal_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_session_user_id"))
    op.drop_table("portal_session")
