"""On SQLite (the embedded default of ``make run``) a read is answered while a write is under way.

A read request's transaction begins DEFERRED, so in WAL mode it reads its
snapshot beside a writer that holds the write lock; writes stay serialised
(BEGIN IMMEDIATE), and a read's access-log rows wait for the lock like any
write. Runs on a SQLite file of its own whatever the suite's database is.
"""

import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

import factories
from conftest import make_test_app
from models import AccessLog, Offer
from models.auth import ApiToken
from models.base import now_utc
from models.tokens import token_digest
from seeds.geography import load_geography
from web.extensions import db

TOKEN = "lezer-tijdens-schrijven"
WAIT = 5  # seconds; a read that waits for the write lock waits busy_timeout (30 s)


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("wal") / "wegwijs.sqlite"
    app = make_test_app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        load_geography(db.session)
        user = factories.user(db.session, role="coordinator")
        factories.offer(db.session, capacity=4)
        factories.inburgeraar(db.session)
        db.session.add(ApiToken(user_id=user.id, token_hash=token_digest(TOKEN),
                                expires_at=now_utc() + timedelta(hours=1)))
        db.session.commit()
        db.session.remove()
    yield app, path
    with app.app_context():
        db.engine.dispose()


def _get_in_thread(app, path: str, wait: float = WAIT) -> dict:
    result = {}

    def get():
        started = time.monotonic()
        response = app.test_client().get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        result.update(status=response.status_code, seconds=time.monotonic() - started,
                      body=response.get_json())

    thread = threading.Thread(target=get)
    thread.start()
    thread.join(wait)
    result["done"] = not thread.is_alive()
    result["thread"] = thread
    return result


def test_a_read_is_answered_while_another_process_holds_the_write_lock(sqlite_app):
    app, path = sqlite_app
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE offer SET capacity = 9")
    try:
        read = _get_in_thread(app, "/api/v1/offers")
        assert read["done"], "the read waited for the writer"
        assert read["status"] == 200
        # It read the last committed state, not the writer's uncommitted change.
        assert [o["capacity"] for o in read["body"]["offers"]] == [4]
        # A read that logs access writes a row: that waits for the lock, as writes do.
        logged = _get_in_thread(app, "/api/v1/inburgeraars", wait=0.5)
        assert not logged["done"]
    finally:
        writer.execute("COMMIT")
        writer.close()
    logged["thread"].join(WAIT)
    assert logged["status"] == 200
    with app.app_context():
        assert db.session.scalars(select(AccessLog.action)).all() == ["list"]
        assert db.session.scalar(select(Offer.capacity)) == 9
        db.session.remove()
