"""``GET /health``: does the service reach its database, and is mail moving?

``200`` with ``"status": "ok"`` whenever the database answers (a load
balancer keeps the server in); ``mail`` adds, in seconds, the age of the
oldest unsent mail and of the mail worker's last heartbeat (``null``: none),
so monitoring notices a stalled worker (``models.mail_health``).
"""

from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from models.base import now_utc
from models.mail_health import mail_figures
from web.extensions import db
from web.problems import problem

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    try:
        figures = mail_figures(db.session, now=now_utc())
    except SQLAlchemyError:
        db.session.rollback()
        return problem(
            503,
            "Database niet bereikbaar",
            "Wegwijs kan de database nu niet bereiken; probeer het later opnieuw.",
        )
    return jsonify(status="ok", mail={
        "oldest_unsent_seconds": _seconds(figures.oldest_unsent),
        "worker_heartbeat_seconds": _seconds(figures.last_heartbeat),
    })


def _seconds(age) -> float | None:
    return None if age is None else round(age.total_seconds(), 1)
