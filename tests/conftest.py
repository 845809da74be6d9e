"""Fixtures shared by the whole suite (see tests/README.md for the layout)."""

import pytest
from flask.globals import app_ctx
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from databases import prepare_suite_database, suite_database_url, wipe_postgres_schema
from models.matcher_cache import forget_everything
from seeds.geography import load_geography
from web import create_app
from web.extensions import db

DEMO_PASSWORD = "demo-wachtwoord-voor-tests"


def make_test_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "WEGWIJS_DEMO_PASSWORD": DEMO_PASSWORD,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = suite_database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql"):
        wipe_postgres_schema(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    """The app on the suite's database: migrated to head, with the U16 geography."""
    app = make_test_app(database_url)

    def build():
        upgrade()
        load_geography(db.session)
        db.session.remove()

    with app.app_context():
        prepare_suite_database(database_url, build)
    return app


@pytest.fixture
def session(app):
    """A session whose work, commits included, is rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        # A plain Session: Flask-SQLAlchemy's own would pick the engine, not this connection.
        scoped = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=lambda: id(app_ctx._get_current_object()),
        )
        original, db.session = db.session, scoped
        try:
            yield scoped
        finally:
            scoped.remove()
            db.session = original
            forget_everything()
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def runner(app, session):
    return app.test_cli_runner()
