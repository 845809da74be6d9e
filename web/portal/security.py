"""Who is logged in, and which role a page needs.

``models.User`` is plain SQLAlchemy (no Flask in models/), so Flask-Login
gets a small wrapper around it: ``current_user.user`` is the model row.
"""

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


@login_manager.user_loader
def load_user(user_id: str) -> PortalUser | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return PortalUser(user) if user is not None and user.is_active else None


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
