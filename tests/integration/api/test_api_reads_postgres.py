"""A read on PostgreSQL runs without a transaction, and still logs who was shown.

The suite's ``client`` shares the test's transaction, so this runs the app on
a scratch database of its own, as gunicorn does (models.database.begin_reading).
"""

import pytest
from api_world import token_for
from sqlalchemy import event, func, select

import factories
from databases import migrated_postgres
from models.audit import AccessLog
from web.extensions import db

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    with migrated_postgres(tmp_path_factory.mktemp("reads"), pool_size=2) as pg:
        yield pg


def test_a_read_sends_no_begin_or_commit_and_logs_the_person_shown(pg):
    sessions, app = pg
    with sessions() as session:
        km = factories.user(session, role="klantmanager")
        person = factories.inburgeraar(session, gemeente=km.gemeente)
        headers = token_for(session, km)
        session.commit()
        km_id, person_id = km.id, person.id
    with app.app_context():
        engine = db.engine
    transactions = []

    def note(connection):
        if not connection.connection.dbapi_connection.autocommit:
            transactions.append("BEGIN or COMMIT")

    event.listen(engine, "begin", note)
    event.listen(engine, "commit", note)
    try:
        response = app.test_client().get(f"/api/v1/inburgeraars/{person_id}", headers=headers)
    finally:
        event.remove(engine, "begin", note)
        event.remove(engine, "commit", note)
    assert response.status_code == 200
    assert transactions == []
    with sessions() as session:
        logged = session.scalar(select(func.count()).select_from(AccessLog).where(
            AccessLog.user_id == km_id, AccessLog.inburgeraar_id == person_id))
    assert logged == 1


def test_a_write_still_runs_in_one_transaction(pg):
    sessions, app = pg
    with sessions() as session:
        km = factories.user(session, role="klantmanager")
        person = factories.inburgeraar(session, gemeente=km.gemeente)
        headers = token_for(session, km)
        session.commit()
        person_id = person.id
    with app.app_context():
        engine = db.engine
    commits = []
    listener = lambda connection: commits.append(  # noqa: E731
        connection.connection.dbapi_connection.autocommit)
    event.listen(engine, "commit", listener)
    try:
        response = app.test_client().patch(f"/api/v1/inburgeraars/{person_id}",
                                           headers=headers, json={"goals": "Werk vinden"})
    finally:
        event.remove(engine, "commit", listener)
    assert response.status_code == 200, response.get_json()
    assert commits and not any(commits)  # real transactions, committed
