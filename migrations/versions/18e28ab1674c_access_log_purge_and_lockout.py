"""access log, purge and lockout

The access log is append-only in the database itself: triggers refuse every
UPDATE and DELETE of its rows (and TRUNCATE, on PostgreSQL), whatever the
application does. The purge anonymises people and keeps these rows.

Revision ID: 18e28ab1674c
Revises: fd948567c898
Create Date: 2026-11-25 01:30:17.251030

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "18e28ab1674c"
down_revision = "fd948567c898"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER access_log_no_{verb.lower()} BEFORE {verb} ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'access_log is append-only'; END $$",
    "CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log "
    "FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change()",
    "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change()",
]


def upgrade():
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("inburgeraar_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("remote_addr", sa.String(length=45), nullable=True),
        sa.CheckConstraint(
            "action IN ('list', 'read', 'match', 'create', 'update', 'refer', 'status', 'export', 'purge')",
            name=op.f("ck_access_log_action"),
        ),
        sa.CheckConstraint(
            "channel IN ('api', 'portal', 'cli')", name=op.f("ck_access_log_channel")
        ),
        sa.ForeignKeyConstraint(
            ["inburgeraar_id"],
            ["inburgeraar.id"],
            name=op.f("fk_access_log_inburgeraar_id_inburgeraar"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_access_log_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_log_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_access_log_inburgeraar_id"), ["inburgeraar_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_access_log_user_id"), ["user_id"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)

    with op.batch_alter_table("inburgeraar", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")

    with op.batch_alter_table("inburgeraar", schema=None) as batch_op:
        batch_op.drop_column("purged_at")

    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_log_user_id"))
        batch_op.drop_index(batch_op.f("ix_access_log_inburgeraar_id"))
        batch_op.drop_index(batch_op.f("ix_access_log_at"))

    op.drop_table("access_log")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION access_log_refuse_change()")
