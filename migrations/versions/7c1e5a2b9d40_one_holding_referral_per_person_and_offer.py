"""one holding referral per person and offer

A partial unique index backs refer()'s check in the database: at most one
referral per inburgeraar and offer in a state that holds a place (sent,
accepted, started). Partial indexes exist on SQLite and PostgreSQL alike.

Revision ID: 7c1e5a2b9d40
Revises: 25929fdd61f5
Create Date: 2026-11-27 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "7c1e5a2b9d40"
down_revision = "25929fdd61f5"
branch_labels = None
depends_on = None

HOLDING = "status IN ('sent', 'accepted', 'started')"


def upgrade():
    op.create_index(
        "uq_referral_holding_person_offer",
        "referral",
        ["inburgeraar_id", "offer_id"],
        unique=True,
        sqlite_where=sa.text(HOLDING),
        postgresql_where=sa.text(HOLDING),
    )


def downgrade():
    op.drop_index("uq_referral_holding_person_offer", table_name="referral")
