"""The backup and restore of docs/operations.md: pg_dump -Fc, then pg_restore into an empty
database."""

import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, func, inspect, make_url, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from conftest import DEMO_PASSWORD
from databases import postgres_url, scratch_database
from e2e.live import prepare_database
from models import Base
from models.audit import Access, record_access
from models.clock import local_today
from models.people import Inburgeraar
from seeds.demo import DEFAULT_SEED, load_demo
from seeds.demo_history import load_demo_history
from services import service_missing


def _libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _demo(session: Session) -> None:
    load_demo(session, password=DEMO_PASSWORD)
    load_demo_history(session, seed=DEFAULT_SEED, today=local_today())
    people = session.scalars(select(Inburgeraar.id).limit(5)).all()
    record_access(session, Access(None, "cli", "export-subject"), "export", people)
    session.commit()


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        counts = {t: connection.scalar(select(func.count()).select_from(text(f'"{t}"')))
                  for t in tables}
    engine.dispose()
    return counts


@pytest.mark.postgres
@pytest.mark.slow
def test_a_dump_restored_into_an_empty_database_holds_the_same(tmp_path):
    server = postgres_url()
    if server is None:
        service_missing("PostgreSQL is not configured (WEGWIJS_TEST_POSTGRES_URL or DATABASE_URL)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        service_missing("pg_dump/pg_restore are missing (apt-get install postgresql-client)")
    dump = tmp_path / "wegwijs.dump"
    with scratch_database(server, tmp_path) as source, scratch_database(server, tmp_path) as copy:
        prepare_database(source, _demo)
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
                        _libpq(source)], check=True)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
                        f"--dbname={_libpq(copy)}", str(dump)], check=True)

        before, after = _counts(source), _counts(copy)
        assert after == before
        assert {t.name for t in Base.metadata.sorted_tables} <= set(after)
        assert before["inburgeraar"] == 200 and before["referral"] > 0
        assert before["access_log"] == 5
        # The restored copy keeps its rules: the access log is still append-only.
        engine = create_engine(copy)
        with engine.connect() as connection, pytest.raises(DatabaseError, match="append-only"):
            connection.execute(text("DELETE FROM access_log"))
        engine.dispose()
