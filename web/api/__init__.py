"""The JSON API, version 1, under ``/api/v1`` (see shared contract API.md).

Views parse and validate (``web.api.schemas`` through spectree), call the
use cases under ``models/`` with ids, and map domain errors to problem+json
(``web.api.errors``). The OpenAPI document is generated from these routes.
"""

from flask import Blueprint, Flask

from web.api import (
    account,
    accounts,
    audit,
    coalition,
    docs,
    inburgeraars,
    offers,
    partners,
    referrals,
    tokens,
    waitlist,
    what_if,
)
from web.api.errors import register_error_handlers
from web.api.spec import URL_PREFIX, add_version_header


def register_api(app: Flask) -> None:
    bp = Blueprint("api", __name__, url_prefix=URL_PREFIX)
    for module in (tokens, account, offers, inburgeraars, referrals, waitlist, coalition, what_if,
                   partners, accounts, audit, docs):
        bp.register_blueprint(module.bp)
    register_error_handlers(bp)
    app.register_blueprint(bp)
    app.after_request(add_version_header)
