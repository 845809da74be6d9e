"""outbox and mail settings

``outbox_mail``: mails written in the transaction of the change they report,
delivered by the worker (models/outbox.py). ``mail_opt_out``: the kinds of
mail a user switched off.

Revision ID: c4e8a1f2b3d5
Revises: b7d1e3f5a902
Create Date: 2026-11-27 11:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "c4e8a1f2b3d5"
down_revision = "b7d1e3f5a902"
branch_labels = None
depends_on = None

KINDS = "kind IN ('referral_received', 'referral_reminder', 'referral_outcome', 'waitlist_referred')"


def upgrade():
    op.create_table(
        "outbox_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("event_key", sa.String(64), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("path", sa.String(200), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(KINDS, name=op.f("ck_outbox_mail_kind")),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name=op.f("ck_outbox_mail_status")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["user_account.id"],
            name=op.f("fk_outbox_mail_recipient_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_outbox_mail_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mail")),
        sa.UniqueConstraint("event_key", "recipient_id", name=op.f("uq_outbox_mail_event_key")),
    )
    op.create_index(op.f("ix_outbox_mail_recipient_id"), "outbox_mail", ["recipient_id"])
    op.create_index(op.f("ix_outbox_mail_status"), "outbox_mail", ["status"])
    op.create_index(op.f("ix_outbox_mail_referral_id"), "outbox_mail", ["referral_id"])
    op.create_table(
        "mail_opt_out",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_mail_opt_out_kind")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_mail_opt_out_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_mail_opt_out")),
    )


def downgrade():
    op.drop_table("mail_opt_out")
    op.drop_index(op.f("ix_outbox_mail_referral_id"), table_name="outbox_mail")
    op.drop_index(op.f("ix_outbox_mail_status"), table_name="outbox_mail")
    op.drop_index(op.f("ix_outbox_mail_recipient_id"), table_name="outbox_mail")
    op.drop_table("outbox_mail")
