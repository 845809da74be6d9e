"""Accounts through the API: change one's own password; the coordinator unlocks an account."""

from flask import Blueprint

from models.account import User
from models.accounts import change_password
from models.lockout import unlock_account
from models.second_factor import has_second_factor, take_code
from web.api import audit_schemas as schemas
from web.api.auth import ALL_ROLES, current_user, roles
from web.api.schemas import Problem
from web.api.spec import api, responses
from web.audit import current_origin
from web.extensions import db

bp = Blueprint("api_account", __name__)

USER_ID = "<int(max=2147483647):user_id>"


@bp.post("/account/password")
@roles(*ALL_ROLES)
@api.validate(json=schemas.PasswordChange, resp=responses(HTTP_204=None), tags=["tokens"])
def post_password(json: schemas.PasswordChange):
    """Change one's own password. Every token of the account is revoked, this one too.

    As in the portal, a change asks the current password and the second factor:
    ``otp``, a current TOTP code or a recovery code (not asked of the demo
    accounts, which have none). 422 naming ``current_password`` or ``otp``
    when wrong, or ``new_password`` when it breaks a rule (at least 12
    characters, not the email, not common).
    """
    user = db.session.get(User, current_user().id)
    factor_ok = take_code(db.session, user, json.otp) if has_second_factor(db.session, user) \
        else None
    change_password(
        db.session, user_id=user.id, current_password=json.current_password,
        new_password=json.new_password, factor_ok=factor_ok, factor_field="otp",
        origin=current_origin(),
    )
    return "", 204


@bp.post(f"/users/{USER_ID}/unlock")
@roles("coordinator")
@api.validate(
    resp=responses(HTTP_204=None, HTTP_403=Problem, HTTP_404=Problem), tags=["tokens"]
)
def post_unlock(user_id: int):
    """Unlock an account locked after too many failed logins in a row."""
    unlock_account(db.session, actor_id=current_user().id, user_id=user_id,
                   origin=current_origin())
    return "", 204
