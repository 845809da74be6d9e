"""waitlist_entry.passed_over_rule and passed_over_at: why a free place passed an entry by

A promotion applies the rules of a referral; an entry refused only by a rule
that lasts while another referral of the person is under way (one in the
offer's domain, a duaal day-part collision) stays waiting and records why.

Revision ID: 3c8d5e1a9f27
Revises: 3f6b8d2a7c41
Create Date: 2026-12-07 05:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c8d5e1a9f27"
down_revision = "3f6b8d2a7c41"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("passed_over_rule", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("passed_over_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        batch_op.drop_column("passed_over_at")
        batch_op.drop_column("passed_over_rule")
