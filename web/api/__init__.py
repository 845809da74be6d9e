"""The JSON API, version 1, under ``/api/v1`` (see shared contract API.md).

Views parse and validate (``web.api.schemas`` through spectree), call the
use cases under ``models/`` with ids, and map domain errors to problem+json
(``web.api.errors``). The OpenAPI document is generated from these routes.
"""

from flask import Blueprint, Flask

from web.api import (
    account,
    audit,
    coalition,
    docs,
    inburgeraars,
    offers,
    referrals,
    tokens,
    what_if,
)
from web.api.errors import register_error_handlers
from web.api.matcher_cache import forget_on_write

URL_PREFIX = "/api/v1"


def register_api(app: Flask) -> None:
    bp = Blueprint("api", __name__, url_prefix=URL_PREFIX)
    for module in (
        tokens, account, offers, inburgeraars, referrals, coalition, what_if, audit, docs
    ):
        bp.register_blueprint(module.bp)
    register_error_handlers(bp)
    app.register_blueprint(bp)
    forget_on_write(app)
