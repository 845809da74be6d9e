"""Who is logged in, which role a page needs, and how long a session lasts.

``models.User`` is plain SQLAlchemy (no Flask in models/), so Flask-Login
gets a small wrapper around it: ``current_user.user`` is the model row.

A session ends after ``WEGWIJS_SESSION_IDLE_MINUTES`` without a request and
``WEGWIJS_SESSION_MAX_HOURS`` after signing in, and at once when the
account (or its partner) is deactivated or its password changes: every
request loads the account and checks it (``load_user``). Signing out ends
the session on the server too (``models.portal_sessions``), so a copy of the
cookie stops with it.
"""

import hashlib
import hmac
import time
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from models import portal_sessions
from models.account import User
from models.passkeys import RelyingParty
from models.sign_in import can_sign_in, record_sign_out
from web.audit import current_origin
from web.extensions import db
from web.portal.extensions import login_manager

# The cookie's key for the secret of its server-side session (models/portal_sessions.py).
SESSION_KEY = "sid"


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
    if user is None or not hmac.compare_digest(stamp, _password_stamp(user)):
        return None
    if not can_sign_in(db.session, user):  # deactivated, or its partner is
        return None
    # Signed out (or ended by a deactivation) on the server: a copy of the cookie is dead too.
    if not portal_sessions.is_open(db.session, user.id, session.get(SESSION_KEY)):
        return None
    return PortalUser(user)


def start_session(user: User) -> None:
    """Sign the account in to this browser, with a fresh session and its clock started."""
    close_session()  # nothing from before signing in carries over
    end_session()
    login_user(PortalUser(user))
    longest = timedelta(hours=current_app.config["WEGWIJS_SESSION_MAX_HOURS"])
    session[SESSION_KEY] = portal_sessions.open_session(db.session, user.id, forget_after=longest)
    session["signed_in_at"] = session["seen_at"] = time.time()


def close_session() -> None:
    """End this browser's session on the server (signing out, signing in anew): a copy of
    its cookie no longer signs anyone in. Written by the request's unit of work."""
    portal_sessions.end_session(db.session, session.get(SESSION_KEY))


def end_session() -> None:
    """Forget everything this browser's session held, its CSRF token too."""
    session.clear()
    g.pop("csrf_token", None)  # a new token goes with the next session
    logout_user()  # after the clear: it leaves the note that clears the remember cookie


def check_session_age():
    """Before every page: end a session idle too long or too old, else note this request."""
    if not current_user.is_authenticated:
        return None
    now = time.time()
    idle = current_app.config["WEGWIJS_SESSION_IDLE_MINUTES"] * 60
    longest = current_app.config["WEGWIJS_SESSION_MAX_HOURS"] * 3600
    seen, started = session.get("seen_at", 0), session.get("signed_in_at", 0)
    if now - seen > idle or now - started > longest:
        user_id, origin = current_user.id, current_origin()
        # Written after the answer like other bookkeeping: this may be a read.
        g.setdefault("pending_writes", []).append(
            lambda session_: record_sign_out(session_, user_id, origin, expired=True))
        end_session()
        flash("Uw sessie is verlopen. Log opnieuw in.", "info")
        return redirect(url_for("auth.login", next=request.path))
    session["seen_at"] = now
    return None


def relying_party() -> RelyingParty:
    """The portal as WebAuthn's relying party: the host the browser talks to."""
    origin = request.host_url.rstrip("/")
    return RelyingParty(rp_id=urlsplit(origin).hostname, origin=origin)


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
