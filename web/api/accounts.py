"""``/api/v1/accounts``: the coordinator invites, changes and deactivates accounts."""

from flask import Blueprint

from models.account import User
from models.account_links import LIFETIME
from models.accounts import (
    get_account,
    invite_account,
    list_accounts,
    resend_invitation,
    second_factors,
    update_account,
)
from models.base import now_utc
from web.api import coalition_schemas as schemas
from web.api.auth import current_user, roles
from web.api.schemas import Problem
from web.api.spec import api, responses
from web.audit import current_origin
from web.extensions import db

bp = Blueprint("api_accounts", __name__)

ACCOUNT_ID = "<int(max=2147483647):user_id>"


def represent(user: User) -> schemas.Account:
    return schemas.Account(
        id=user.id, email=user.email, role=user.role, partner_id=user.partner_id,
        gemeente=user.gemeente.name if user.gemeente else None, active=user.is_active,
        second_factor=second_factors(db.session, user), last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


@bp.get("/accounts")
@roles("coordinator")
@api.validate(query=schemas.AccountQuery,
              resp=responses(HTTP_200=schemas.AccountList, HTTP_403=Problem), tags=["accounts"])
def get_accounts(query: schemas.AccountQuery):
    """Every account with its organisation, role, second factor and last sign-in;
    ``unused=true``: those not used for 90 days."""
    users = list_accounts(db.session, actor_id=current_user().id, unused=query.unused)
    return schemas.AccountList(accounts=[represent(u) for u in users])


@bp.post("/accounts")
@roles("coordinator")
@api.validate(json=schemas.AccountInvite,
              resp=responses(HTTP_201=schemas.Account, HTTP_403=Problem, HTTP_409=Problem),
              tags=["accounts"])
def post_account(json: schemas.AccountInvite):
    """Invite a person: the account, and a mail with a link (72 hours, once) to choose their
    password and set up their second factor. 409 for an email in use; 422 naming the field
    for a role that does not fit its organisation (``partner_id``, ``gemeente``)."""
    invitation = invite_account(
        db.session, actor_id=current_user().id, email=json.email, role=json.role,
        partner_id=json.partner_id, gemeente=json.gemeente, origin=current_origin(),
    )
    return represent(invitation.user), 201


@bp.get(f"/accounts/{ACCOUNT_ID}")
@roles("coordinator")
@api.validate(resp=responses(HTTP_200=schemas.Account, HTTP_403=Problem, HTTP_404=Problem),
              tags=["accounts"])
def read_account(user_id: int):
    """One account."""
    return represent(get_account(db.session, actor_id=current_user().id, user_id=user_id))


@bp.patch(f"/accounts/{ACCOUNT_ID}")
@roles("coordinator")
@api.validate(json=schemas.AccountChange,
              resp=responses(HTTP_200=schemas.Account, HTTP_403=Problem, HTTP_404=Problem,
                             HTTP_409=Problem),
              tags=["accounts"])
def patch_account(user_id: int, json: schemas.AccountChange):
    """Change role or organisation, or deactivate (``"active": false``): every portal session
    and token of the account ends at once; nothing it did is removed."""
    user = update_account(db.session, actor_id=current_user().id, user_id=user_id,
                          changes=json.model_dump(exclude_unset=True), origin=current_origin())
    return represent(user)


@bp.post(f"/accounts/{ACCOUNT_ID}/invitation")
@roles("coordinator")
@api.validate(resp=responses(HTTP_201=schemas.InvitationSent, HTTP_403=Problem,
                             HTTP_404=Problem, HTTP_409=Problem),
              tags=["accounts"])
def post_invitation(user_id: int):
    """A new invitation mail; the earlier link stops working."""
    invitation = resend_invitation(db.session, actor_id=current_user().id, user_id=user_id,
                                   origin=current_origin())
    return schemas.InvitationSent(id=invitation.user.id,
                                  expires_at=now_utc() + LIFETIME["invitation"]), 201
