"""account_event.action: a session's end (signed out, or expired) is recorded too

Revision ID: 3f6b8d2a7c41
Revises: 9b4e2d7a6c15
Create Date: 2026-12-07 05:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3f6b8d2a7c41'
down_revision = '9b4e2d7a6c15'
branch_labels = None
depends_on = None

OLD_ACTIONS = ("'signin', 'signin_failed', 'invited', 'invitation_resent', 'enrolled', "
               "'account_changed', 'account_deactivated', 'account_reactivated', "
               "'password_changed', 'password_reset_requested', 'password_reset', "
               "'factor_changed', 'api_key_created', 'api_key_revoked', 'unlocked', "
               "'partner_created', 'partner_changed', 'partner_deactivated'")
NEW_ACTIONS = ("'signin', 'signin_failed', 'signout', 'session_expired', 'invited', "
               "'invitation_resent', 'enrolled', 'account_changed', 'account_deactivated', "
               "'account_reactivated', 'password_changed', 'password_reset_requested', "
               "'password_reset', 'factor_changed', 'api_key_created', 'api_key_revoked', "
               "'unlocked', 'partner_created', 'partner_changed', 'partner_deactivated'")


def _actions(values):
    # SQLite rebuilds the table in batch mode; PostgreSQL alters the constraint in place.
    with op.batch_alter_table("account_event") as batch_op:
        batch_op.drop_constraint(op.f("ck_account_event_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_account_event_action"), f"action IN ({values})")


def upgrade():
    _actions(NEW_ACTIONS)


def downgrade():
    op.execute("DELETE FROM account_event WHERE action IN ('signout', 'session_expired')")
    _actions(OLD_ACTIONS)
