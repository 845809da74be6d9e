"""Test databases: the suite's own, and throwaway ones for migrations and servers.

The suite runs on SQLite by default and on PostgreSQL when ``DATABASE_URL``
points there (as ``.ci/run`` does). Because the suite drops and recreates the
schema, it refuses a PostgreSQL database whose name does not end in "test".
"""

import os
import sqlite3
import time
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, exc, inspect, make_url, text

from web.config import database_url


def suite_database_url(tmp_dir: Path) -> str:
    if not os.environ.get("DATABASE_URL"):
        return f"sqlite:///{tmp_dir / 'suite.sqlite'}"
    url = database_url(str(tmp_dir))
    name = make_url(url).database or ""
    if not name.endswith("test"):
        raise RuntimeError(
            f"DATABASE_URL names database {name!r}: the test suite only uses a database "
            "whose name ends in 'test', because it wipes it"
        )
    return url


# A process that runs the suite more than once (mutmut runs each mutant's tests in a fork
# of the process that ran them all) migrates a SQLite database once and copies it after.
_built_sqlite: bytes | None = None


def prepare_suite_database(url: str, build) -> None:
    """Make the suite's database with ``build()``, or on SQLite copy the one this process
    built before (``build`` migrates and loads data only, the app's state stays as it was)."""
    global _built_sqlite
    if not url.startswith("sqlite"):
        build()
        return
    path = make_url(url).database
    if _built_sqlite is None:
        build()
        with closing(sqlite3.connect(path)) as built:
            image = bytearray(built.serialize())
        # Bytes 18-19 say WAL; an in-memory copy opens only as a rollback-journal database
        # (the app's connections turn WAL on again).
        image[18:20] = b"\x01\x01"
        _built_sqlite = bytes(image)
        return
    with closing(sqlite3.connect(":memory:")) as copy, closing(sqlite3.connect(path)) as target:
        copy.deserialize(_built_sqlite)
        copy.backup(target)


def postgres_url() -> str | None:
    """A PostgreSQL server for tests that need one, if configured."""
    url = os.environ.get("WEGWIJS_TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith(("postgres://", "postgresql")):
        return None
    # Normalise this URL (not DATABASE_URL's) to the psycopg driver.
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def wipe_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@contextmanager
def scratch_database(like_url: str, tmp_dir: Path):
    """A new, empty database of the same kind as ``like_url``, dropped afterwards."""
    if like_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_dir / f'scratch-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    url = make_url(like_url)
    name = f"{url.database}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop(admin, name)
        admin.dispose()


def _drop(admin, name, tries=20):
    """Drop a scratch database; FORCE ends our own sessions in it.

    An autovacuum worker may be in it too, and a role without
    pg_signal_backend cannot end that one: wait for it to finish.
    """
    for attempt in range(tries):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except exc.ProgrammingError:
            if attempt == tries - 1:
                raise
            time.sleep(0.5)


@contextmanager
def migrated_postgres(tmp_dir: Path, pool_size: int):
    """``(sessionmaker, app)`` on a scratch PostgreSQL database, migrated, with the geography.

    Where PostgreSQL is not configured the test is skipped, or fails under
    WEGWIJS_REQUIRE_SERVICES=1 (``services.service_missing``).
    """
    from flask_migrate import upgrade
    from sqlalchemy.orm import sessionmaker

    from seeds.geography import load_geography
    from services import service_missing
    from web import create_app
    from web.extensions import db

    server = postgres_url()
    if server is None:
        service_missing("PostgreSQL is not configured (WEGWIJS_TEST_POSTGRES_URL or DATABASE_URL)")
    with scratch_database(server, tmp_dir) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "races"})
        with app.app_context():
            upgrade()
            load_geography(db.session)
            db.session.remove()
        engine = create_engine(url, pool_size=pool_size)
        try:
            yield sessionmaker(engine), app
        finally:
            engine.dispose()
            with app.app_context():
                db.engine.dispose()


def every_row(session) -> dict[str, list[tuple]]:
    """Every row of every table in the session's database, for "nothing was stored" checks."""
    names = inspect(session.connection()).get_table_names()
    return {
        name: sorted((tuple(row) for row in session.execute(text(f'SELECT * FROM "{name}"'))),
                     key=repr)
        for name in sorted(names)
    }
