"""The schema comes from migrations: empty → head → one step down → head."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from conftest import make_test_app
from databases import scratch_database
from models import Base
from web.extensions import db

TABLES = {
    "gemeente",
    "wijk",
    "postcode",
    "partner",
    "tie",
    "offer",
    "inburgeraar",
    "need",
    "referral",
    "referral_event",
    "user_account",
}


def _columns():
    """Every (table, column) of the database as it is now."""
    engine = inspect(db.engine)
    return {(table, column["name"]) for table in engine.get_table_names()
            for column in engine.get_columns(table)}


def test_migrations_up_down_up(database_url, tmp_path):
    with scratch_database(database_url, tmp_path) as url:
        app = make_test_app(url)
        with app.app_context():
            assert not set(inspect(db.engine).get_table_names()) & TABLES

            upgrade()
            assert set(inspect(db.engine).get_table_names()) >= TABLES
            head = _schema()

            downgrade(revision="-1")
            # The last step undone: a table, a column or an index less or different.
            assert _schema() != head

            upgrade()
            assert _schema() == head
            db.engine.dispose()


def _schema() -> set:
    return _tables_and_indexes() | _columns()


def _tables_and_indexes() -> set:
    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    return tables | {
        (table, index["name"]) for table in tables for index in inspector.get_indexes(table)
    }


def test_migrated_schema_matches_the_models(app):
    """A model changed without a migration shows up here."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
