"""inburgeraar.duaal: a duaal traject (taal and werk side by side)

Revision ID: b7c2e5a91d04
Revises: d9f2b6c8e1a4
Create Date: 2026-11-27 11:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7c2e5a91d04"
down_revision = "d9f2b6c8e1a4"
branch_labels = None
depends_on = None


def upgrade():
    # Everyone recorded so far follows no duaal traject.
    with op.batch_alter_table("inburgeraar", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("duaal", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("inburgeraar", schema=None) as batch_op:
        batch_op.drop_column("duaal")
