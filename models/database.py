"""Engine settings that the schema's rules depend on."""

from sqlalchemy import Engine, event


def configure_engine(engine: Engine) -> None:
    """Make SQLite keep the rules PostgreSQL keeps by itself.

    SQLite checks foreign keys only when asked to, per connection. Its Python
    driver also opens transactions lazily and on its own terms, so we take
    over: every transaction starts with ``BEGIN IMMEDIATE``, which serialises
    writers across processes (the capacity rule relies on that where
    ``SELECT ... FOR UPDATE`` does not exist) and makes SAVEPOINTs work.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
