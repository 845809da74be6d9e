"""The web side of the access log: who is asking, through which channel, from where.

Views call ``log_access(action, inburgeraar_ids)`` once they have the data
they will show or have changed. The rows join the request's transaction and
are committed after the view, just before the response leaves; if that
commit fails the response becomes an error, so no data leaves unlogged.
"""

from collections.abc import Iterable

from flask import Flask, g, request
from flask_login import current_user

from models.audit import Access, record_access
from web.extensions import db


def log_access(action: str, inburgeraar_ids: Iterable[int]) -> None:
    """Record that this request touched these people's data (``models.audit.ACTIONS``)."""
    record_access(db.session, current_access(), action, inburgeraar_ids)
    g.access_logged = True


def current_access() -> Access:
    # The API's bearer-token check (web.api.auth.roles) leaves its user in g.
    if "api_user" in g:
        user, channel = g.api_user, "api"
    else:
        user, channel = current_user.user, "portal"
    # Behind a proxy, ProxyFix (web.hardening) has put the client's address here.
    return Access(user, channel, f"{request.method} {request.path}", request.remote_addr)


def init_audit(app: Flask) -> None:
    app.after_request(_commit_access_log)


def _commit_access_log(response):
    if g.pop("access_logged", False):
        db.session.commit()
    return response
