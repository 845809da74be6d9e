"""The web side of the access log: who is asking, through which channel, from where.

Views call ``log_access(action, inburgeraar_ids)`` once they have the data
they will show or have changed. The rows are written by the request's unit
of work (``web.unit_of_work``) before the response leaves: with the change,
for a request that changes data; on their own, for one that only reads. If
they cannot be written the response becomes an error, so no data leaves
unlogged.
"""

from collections.abc import Iterable

from flask import g, request
from flask_login import current_user

from models.account_events import Origin
from models.audit import Access


def log_access(action: str, inburgeraar_ids: Iterable[int]) -> None:
    """Record that this request touched these people's data (``models.audit.ACTIONS``)."""
    g.setdefault("pending_access", []).append((current_access(), action, list(inburgeraar_ids)))


def current_access() -> Access:
    # The API's bearer-token check (web.api.auth.roles) leaves its user in g.
    if "api_user" in g:
        user, channel = g.api_user, "api"
    else:
        user, channel = current_user.user, "portal"
    # Behind a proxy, ProxyFix (web.hardening) has put the client's address here.
    return Access(user, channel, f"{request.method} {request.path}", request.remote_addr)


def current_origin() -> Origin:
    """The channel and client address of this request, for the account events."""
    channel = "api" if request.path.startswith("/api/") else "portal"
    return Origin(channel, request.remote_addr)
