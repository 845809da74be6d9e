"""When the database cannot be reached: a clean 503, and service resumes by itself.

Any request that hits a lost or refused database connection ends here
instead of in a stack trace: a problem+json for the JSON routes, the Dutch
error page for the portal. Nothing else is needed to recover: when a
connection turns out dead, SQLAlchemy invalidates the worker's pool, so once
the database is back the next request gets a fresh connection and works.
"""

from flask import Flask, g, request
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import DBAPIError, OperationalError

from web.extensions import db
from web.problems import PROBLEM_TYPE_BASE, problem

RETRY_AFTER_SECONDS = 30
TITLE = "Database niet bereikbaar"
MESSAGE = "Wegwijs kan de database nu niet bereiken; er is niets gewijzigd. Probeer het zo opnieuw."
JSON_PREFIXES = ("/api/", "/hsds", "/health")


def init_outage(app: Flask) -> None:
    app.register_error_handler(OperationalError, database_unreachable)


def database_unreachable(error: OperationalError):
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()  # the connection is gone; the pool gets a fresh one next time
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith(JSON_PREFIXES):
        return problem(503, TITLE, MESSAGE, type_=PROBLEM_TYPE_BASE + "database-unreachable",
                       headers=headers)
    from web.portal.errors import error_page

    # The page must not ask the database anything: not who is logged in (show it as to a
    # visitor), nor what the layout asks (web.portal's demo banner).
    g._login_user = AnonymousUserMixin()
    g.database_unreachable = True
    html, _ = error_page(503, MESSAGE)
    return html, 503, headers
