"""Engine settings that the schema's rules depend on."""

from contextvars import ContextVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

# True while the current request only reads: its SQLite transactions then
# begin DEFERRED instead of IMMEDIATE (see configure_engine).
reads_only: ContextVar[bool] = ContextVar("reads_only", default=False)


def configure_engine(engine: Engine) -> None:
    """Make SQLite keep the rules PostgreSQL keeps by itself.

    SQLite checks foreign keys only when asked to, per connection. Its Python
    driver also opens transactions lazily and on its own terms, so we take
    over: a transaction that may write starts with ``BEGIN IMMEDIATE``, which
    serialises writers across processes (the capacity rule relies on that
    where ``SELECT ... FOR UPDATE`` does not exist) and makes SAVEPOINTs
    work. A transaction of a request that only reads (``reads_only``) starts
    ``DEFERRED``: in WAL mode it reads its snapshot while a writer works.
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
        connection.exec_driver_sql("BEGIN DEFERRED" if reads_only.get() else "BEGIN IMMEDIATE")


def begin_reading(session: Session) -> None:
    """Start the work of a request that only reads (call with ``reads_only`` set).

    On PostgreSQL its statements run outside a transaction (AUTOCOMMIT): a
    read spends no round trips on BEGIN and COMMIT. It sees the same data:
    under READ COMMITTED each statement takes its own snapshot anyway. Its one
    write, the access-log rows, is a single INSERT, atomic by itself.
    SQLite's reads begin DEFERRED instead (``configure_engine``).
    """
    bind = session.get_bind()
    # A session bound to a connection already in a transaction (the tests' fixture) keeps it.
    if bind.dialect.name == "postgresql" and isinstance(bind, Engine):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
