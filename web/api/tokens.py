"""``/api/v1/tokens``: log in for a bearer token, and revoke it."""

from flask import Blueprint

from models.tokens import issue_token, revoke_token
from web.api import schemas
from web.api.auth import ALL_ROLES, bearer_token, roles
from web.api.spec import api, responses
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
    """Log in: a bearer token for an email and password.

    Wrong credentials give 401 with the same body whether the email exists or
    not. More than 10 failed attempts for one email within a minute give 429
    with Retry-After.
    """
    token, expires_at = issue_token(db.session, json.email, json.password)
    return schemas.TokenResponse(token=token, expires_at=expires_at), 201


@bp.delete("/tokens/current")
@roles(*ALL_ROLES)
@api.validate(resp=responses(takes_input=False, HTTP_204=None), tags=["tokens"])
def delete_token():
    """Log out: the token of this request is revoked."""
    revoke_token(db.session, bearer_token())
    return "", 204
