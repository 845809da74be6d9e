"""waitlist

The queue of a full offer (models/waitlist.py): one waiting entry per person
and offer (a partial unique index, on SQLite and PostgreSQL alike).

Revision ID: d9f2b6c8e1a4
Revises: c4e8a1f2b3d5
Create Date: 2026-11-27 11:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "d9f2b6c8e1a4"
down_revision = "c4e8a1f2b3d5"
branch_labels = None
depends_on = None

WAITING = "status = 'waiting'"


def upgrade():
    op.create_table(
        "waitlist_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("inburgeraar_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("skipped_rule", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'referred', 'skipped', 'withdrawn')",
            name=op.f("ck_waitlist_entry_status"),
        ),
        sa.ForeignKeyConstraint(["offer_id"], ["offer.id"],
                                name=op.f("fk_waitlist_entry_offer_id_offer")),
        sa.ForeignKeyConstraint(["inburgeraar_id"], ["inburgeraar.id"],
                                name=op.f("fk_waitlist_entry_inburgeraar_id_inburgeraar")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_waitlist_entry_created_by_id_user_account")),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"],
                                name=op.f("fk_waitlist_entry_referral_id_referral")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entry")),
    )
    op.create_index(op.f("ix_waitlist_entry_offer_id"), "waitlist_entry", ["offer_id"])
    op.create_index(op.f("ix_waitlist_entry_inburgeraar_id"), "waitlist_entry", ["inburgeraar_id"])
    op.create_index("uq_waitlist_entry_waiting_person_offer", "waitlist_entry",
                    ["inburgeraar_id", "offer_id"], unique=True,
                    sqlite_where=sa.text(WAITING), postgresql_where=sa.text(WAITING))


def downgrade():
    op.drop_table("waitlist_entry")
