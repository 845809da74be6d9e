"""Who is logged in, and which role a page needs.

``models.User`` is plain SQLAlchemy (no Flask in models/), so Flask-Login
gets a small wrapper around it: ``current_user.user`` is the model row.
"""

import hashlib
import hmac
from functools import wraps

from flask import abort
from flask_login import UserMixin, current_user, login_required

from models.account import User
from web.extensions import db
from web.portal.extensions import login_manager


class PortalUser(UserMixin):
    """The logged-in account, as Flask-Login wants it."""

    def __init__(self, user: User):
        self.user = user
        self.id = user.id
        self.role = user.role

    @property
    def is_active(self) -> bool:
        return self.user.is_active

    def get_id(self) -> str:
        # The session (and remember cookie) name the account *and* its current
        # password: a password change ends every portal session of the account.
        return f"{self.user.id}:{_password_stamp(self.user)}"


def _password_stamp(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


@login_manager.user_loader
def load_user(session_id: str) -> PortalUser | None:
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or not hmac.compare_digest(stamp, _password_stamp(user)):
        return None
    return PortalUser(user)


def role_required(*roles: str):
    """The page needs a logged-in user in one of ``roles``; others get 403.

    Anonymous visitors are sent to the login page first (``login_required``).
    """

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def actor_id() -> int:
    """The logged-in user's id, as the use cases under models/ take it."""
    return current_user.id
