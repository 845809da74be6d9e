"""Helpers for the end-to-end tests: free ports and prepared databases."""

import socket
from pathlib import Path

from flask_migrate import upgrade

from seeds.geography import load_geography
from web import create_app
from web.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(url: str, load=None) -> None:
    """Migrate ``url`` to head, load the geography, then ``load(session)`` if given."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "e2e"})
    with app.app_context():
        upgrade()
        load_geography(db.session)
        if load is not None:
            load(db.session)
        db.session.remove()
        db.engine.dispose()
