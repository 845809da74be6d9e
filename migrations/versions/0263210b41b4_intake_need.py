"""intake_need: the needs as the intake recorded them

A snapshot, written once when an inburgeraar is created and never changed
after (models/inburgeraars.py); the allocation's forecast of arrivals reads it
(models/caseload.py). The same rules as ``need``: a domain of the seven, a
weight above 0, one row per person and domain.

People recorded before this migration get their needs as they are now: the
best there is. The purged have no needs left, so they get none.

Revision ID: 0263210b41b4
Revises: b7c2e5a91d04
Create Date: 2026-11-27 13:03:39.907272

"""

import sqlalchemy as sa
from alembic import op

revision = "0263210b41b4"
down_revision = "b7c2e5a91d04"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inburgeraar_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "domain IN ('taal', 'werk', 'opleiding', 'sociaal_netwerk', 'gezondheid', "
            "'opvoeding', 'rondkomen')",
            name=op.f("ck_intake_need_domain"),
        ),
        sa.CheckConstraint("weight > 0", name=op.f("ck_intake_need_weight_positive")),
        sa.ForeignKeyConstraint(
            ["inburgeraar_id"], ["inburgeraar.id"],
            name=op.f("fk_intake_need_inburgeraar_id_inburgeraar"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_need")),
        sa.UniqueConstraint(
            "inburgeraar_id", "domain", name="uq_intake_need_inburgeraar_domain"
        ),
    )
    # Plain SQL, the same on SQLite and PostgreSQL.
    op.execute(
        "INSERT INTO intake_need (inburgeraar_id, domain, weight) "
        "SELECT inburgeraar_id, domain, weight FROM need ORDER BY id"
    )


def downgrade():
    op.drop_table("intake_need")
