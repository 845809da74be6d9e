"""``GET /health``: does the service reach its database?"""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from web.extensions import db
from web.problems import problem

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return problem(
            503,
            "Database niet bereikbaar",
            "Wegwijs kan de database nu niet bereiken; probeer het later opnieuw.",
        )
    return jsonify(status="ok")
