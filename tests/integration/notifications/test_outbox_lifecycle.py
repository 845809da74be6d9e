"""The outbox's life after writing: handing back, giving up, cleaning, and noticing a stall.

The worker's own loop is tested as a process in tests/e2e/test_mail_worker.py;
these test the rules it calls, on the suite's database.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

import factories
from models.base import now_utc
from models.mail_health import WorkerHeartbeat, beat, forget_silent_workers
from models.outbox import (
    OutboxMail,
    claim,
    clean_outbox,
    mark_failed,
    mark_sent,
    release,
)
from models.unit_of_work import UnitOfWork

LEASE = timedelta(minutes=5)


@pytest.fixture
def three_mails(session):
    return [factories.outbox_mail(session) for _ in range(3)]


def claimed(session, worker="w1"):
    with UnitOfWork(session):
        return claim(session, worker=worker, now=now_utc(), lease=LEASE)


def test_released_mails_are_due_again_at_once_without_an_attempt(session, three_mails):
    mine = claimed(session)
    assert len(mine) == 3 and claimed(session, worker="w2") == []
    with UnitOfWork(session):
        release(session, [m.id for m in mine[1:]], worker="w1")
        release(session, [mine[0].id], worker="someone-else")  # not theirs: nothing happens
    again = claimed(session, worker="w2")
    assert [m.id for m in again] == [m.id for m in mine[1:]]
    assert all(m.attempts == 0 and m.status == "pending" for m in again)
    assert session.get(OutboxMail, mine[0].id).claimed_by == "w1"


def test_a_permanent_refusal_fails_at_once_with_its_reason(session, three_mails):
    first, second, _ = claimed(session)
    now = now_utc()
    with UnitOfWork(session):
        mark_failed(session, first.id, 0, worker="w1", now=now,
                    error="geweigerd: 550 5.1.1 Mailbox unavailable", permanent=True)
        mark_failed(session, second.id, 0, worker="w1", now=now, error="451 later")
    session.expire_all()
    assert (first.status, first.attempts, first.last_error) == (
        "failed", 1, "geweigerd: 550 5.1.1 Mailbox unavailable")
    assert (second.status, second.attempts) == ("pending", 1)
    assert second.next_attempt_at > first.next_attempt_at


def test_cleaning_deletes_only_sent_and_failed_mails_older_than_the_retention(
    session, three_mails
):
    sent_long_ago, failed_long_ago, pending = three_mails
    ids = [m.id for m in three_mails]
    long_ago = now_utc() - timedelta(days=40)
    claimed(session)
    with UnitOfWork(session):
        mark_sent(session, sent_long_ago.id, worker="w1", now=long_ago)
        mark_failed(session, failed_long_ago.id, 0, worker="w1", now=long_ago,
                    error="550", permanent=True)
        release(session, [pending.id], worker="w1")
    recent = claimed(session)  # the pending one, claimed and sent today
    with UnitOfWork(session):
        for mail in recent:
            mark_sent(session, mail.id, worker="w1", now=now_utc())
    with UnitOfWork(session):
        assert clean_outbox(session, before=now_utc() - timedelta(days=30)) == 2
    left = session.scalars(select(OutboxMail.id).where(
        OutboxMail.id.in_(ids))).all()
    assert left == [ids[2]]


def test_the_heartbeat_keeps_one_row_per_worker_and_forgets_silent_ones(session):
    now = now_utc()
    with UnitOfWork(session):
        beat(session, worker="w1", now=now - timedelta(days=3))
        beat(session, worker="w1", now=now - timedelta(seconds=5))
        beat(session, worker="w2", now=now - timedelta(days=2))
    with UnitOfWork(session):
        assert forget_silent_workers(session, before=now - timedelta(days=1)) == 1
    assert session.scalars(select(WorkerHeartbeat.worker)).all() == ["w1"]


def test_health_tells_the_age_of_the_oldest_unsent_mail_and_of_the_heartbeat(
    client, session, three_mails
):
    assert client.get("/health").get_json()["mail"]["worker_heartbeat_seconds"] is None
    with UnitOfWork(session):
        three_mails[0].created_at = now_utc() - timedelta(hours=2)
        beat(session, worker="w1", now=now_utc() - timedelta(minutes=10))
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert 7200 <= body["mail"]["oldest_unsent_seconds"] < 7260
    assert 600 <= body["mail"]["worker_heartbeat_seconds"] < 660


def test_a_mailed_link_leaves_the_outbox_once_handed_over_or_given_up(session):
    """Account links are stored as SHA-256 only: the outbox keeps a link's secret only while
    it still has to deliver it."""
    secret = "Zq1-geheim-van-de-uitnodiging"
    mails = [factories.outbox_mail(session, kind="account", path=f"{prefix}{secret}")
             for prefix in ("/uitnodiging/", "/wachtwoord-herstellen/", "/uitnodiging/",
                            "/uitnodiging/")]
    claimed(session)
    now = now_utc()
    with UnitOfWork(session):
        mark_sent(session, mails[0].id, worker="w1", now=now)
        mark_sent(session, mails[1].id, worker="w1", now=now)
        mark_failed(session, mails[2].id, 0, worker="w1", now=now, error="550", permanent=True)
        mark_failed(session, mails[3].id, 0, worker="w1", now=now, error="451 later")
    session.expire_all()
    assert [m.path for m in mails] == [
        "/uitnodiging/", "/wachtwoord-herstellen/", "/uitnodiging/", f"/uitnodiging/{secret}"]
