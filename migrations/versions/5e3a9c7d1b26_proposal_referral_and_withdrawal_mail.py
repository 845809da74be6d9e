"""proposal referrals and the withdrawal mail

``proposal_referral``: a referral made from the allocation proposal, with the
offer proposed and, where it went elsewhere, why (models/proposal.py).
The mail kinds gain ``referral_withdrawn``: the partner's accounts hear when
the klantmanager withdraws a referral (API 1.2.0).

Revision ID: 5e3a9c7d1b26
Revises: 0263210b41b4
Create Date: 2026-12-07 02:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "5e3a9c7d1b26"
down_revision = "0263210b41b4"
branch_labels = None
depends_on = None

OLD_KINDS = ("referral_received", "referral_reminder", "referral_outcome", "waitlist_referred")
NEW_KINDS = (*OLD_KINDS, "referral_withdrawn")
REASONS = ("voorkeur", "bereikbaarheid", "rooster", "eerder_starten", "ervaring", "anders")


def _in(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


def _kinds(kinds):
    # SQLite rebuilds each table in batch mode; PostgreSQL alters the constraint in place.
    for table in ("outbox_mail", "mail_opt_out"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_kind"), _in("kind", kinds))


def upgrade():
    op.create_table(
        "proposal_referral",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("proposed_offer_id", sa.Integer(), nullable=False),
        sa.Column("reason_code", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"reason_code IS NULL OR {_in('reason_code', REASONS)}",
                           name=op.f("ck_proposal_referral_reason_code")),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"],
                                name=op.f("fk_proposal_referral_referral_id_referral")),
        sa.ForeignKeyConstraint(["proposed_offer_id"], ["offer.id"],
                                name=op.f("fk_proposal_referral_proposed_offer_id_offer")),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_proposal_referral")),
    )
    _kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM outbox_mail WHERE kind = 'referral_withdrawn'")
    op.execute("DELETE FROM mail_opt_out WHERE kind = 'referral_withdrawn'")
    _kinds(OLD_KINDS)
    op.drop_table("proposal_referral")
