"""``/api/v1/tokens``: sign in for a bearer token, and revoke it.

Signing in is ``models.sign_in`` (its own short units of work: the attempt,
then the outcome, with the password hash in between outside any
transaction); the token itself is written by the request's unit of work.
"""

from flask import Blueprint

from models.sign_in import WRONG, InvalidCredentials, code_check, sign_in
from models.tokens import issue_token, revoke_token
from web.api import schemas
from web.api.auth import ALL_ROLES, bearer_token, roles
from web.api.spec import api, responses
from web.audit import current_origin
from web.extensions import db

bp = Blueprint("api_tokens", __name__)


@bp.post("/tokens")
@api.validate(
    json=schemas.TokenRequest,
    resp=responses(HTTP_201=schemas.TokenResponse, HTTP_429=schemas.Problem),
    tags=["tokens"],
    security={},
)
def create_token(json: schemas.TokenRequest):
    """Sign in: a bearer token for an email, password and ``otp`` (the second factor).

    Wrong credentials, a missing or wrong ``otp`` give 401 with the same body
    whether the email exists or not, and so does a locked account. More than 10
    failed attempts for one email within a minute give 429 with Retry-After.
    """
    result = sign_in(db.session, json.email, current_origin(), password=json.password,
                     factor=code_check(json.otp))
    if not result.complete:
        raise InvalidCredentials(WRONG)
    token, expires_at = issue_token(db.session, result.user_id)
    return schemas.TokenResponse(token=token, expires_at=expires_at), 201


@bp.delete("/tokens/current")
@roles(*ALL_ROLES)
@api.validate(resp=responses(takes_input=False, HTTP_204=None), tags=["tokens"])
def delete_token():
    """Sign out: the token of this request is revoked."""
    revoke_token(db.session, bearer_token())
    return "", 204
