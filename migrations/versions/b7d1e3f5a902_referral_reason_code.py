"""referral reason code

Why a referral was declined or dropped, as one of the contract's codes
(models/reason_codes.py), on the referral and on the event that recorded it.
Earlier declines and drops keep no code: their free text stays in the event.

Revision ID: b7d1e3f5a902
Revises: a3f0c2d4e6b8
Create Date: 2026-11-27 11:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "b7d1e3f5a902"
down_revision = "a3f0c2d4e6b8"
branch_labels = None
depends_on = None

CODES = ("vol", "niveau", "rooster", "afstand", "doelgroep", "geen_reactie", "persoonlijk", "anders")
CHECK = "reason_code IS NULL OR reason_code IN ({})".format(", ".join(f"'{c}'" for c in CODES))


def upgrade():
    for table in ("referral", "referral_event"):
        # SQLite adds a column with its CHECK in place; no table rebuild, so the
        # partial unique index of referral stays as it is.
        op.add_column(
            table,
            sa.Column(
                "reason_code",
                sa.String(16),
                sa.CheckConstraint(CHECK, name=op.f(f"ck_{table}_reason_code")),
                nullable=True,
            ),
        )
    op.create_index(op.f("ix_referral_reason_code"), "referral", ["reason_code"])


def downgrade():
    op.drop_index(op.f("ix_referral_reason_code"), table_name="referral")
    for table in ("referral_event", "referral"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_reason_code"), type_="check")
            batch_op.drop_column("reason_code")
