"""Bearer-token authentication and the role check of each route."""

from functools import wraps

from flask import g, request

from models.account import Caller
from models.errors import Forbidden
from models.tokens import key_use_is_stale, note_key_used, token_owner
from web.extensions import db
from web.problems import PROBLEM_TYPE_BASE, problem

ALL_ROLES = ("coordinator", "klantmanager", "partner")


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def unauthorized():
    return problem(
        401,
        "Niet ingelogd",
        "Stuur een geldig token mee: Authorization: Bearer <token>.",
        type_=PROBLEM_TYPE_BASE + "unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="wegwijs"'},
    )


def roles(*allowed: str):
    """The view needs a valid token of a user in one of the ``allowed`` roles.

    Checked before the request body, so an anonymous caller learns nothing of
    the route's rules; the user is then ``current_user()``.
    """

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            token = bearer_token()
            found = token_owner(db.session, token) if token else None
            if found is None:
                return unauthorized()
            user, use = found
            if key_use_is_stale(use):  # an API key's "last used", written with the request
                g.setdefault("pending_writes", []).append(
                    lambda session, key_id=use.id: note_key_used(session, key_id))
            if user.role not in allowed:
                raise Forbidden("Deze rol mag deze functie niet gebruiken.")
            g.api_user = user
            return view(*args, **kwargs)

        return guarded

    return decorate


def current_user() -> Caller:
    return g.api_user
