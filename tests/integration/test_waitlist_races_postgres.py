"""The waitlist under concurrency on PostgreSQL, where row locks are real.

A klantmanager's leave racing a partner's decline: the place goes to the next
in line, never to the person just taken off.

Two places of a full offer are freed at once, in two transactions on two
connections (as two gunicorn workers would), while a third worker keeps
trying to refer directly: the two places go to exactly two waiting entries,
the first two, and the offer never holds more referrals than its capacity.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

import factories
from databases import migrated_postgres
from models import Offer, Referral, WaitlistEntry
from models.capacity import HOLDING_STATUSES
from models.errors import DomainError
from models.referral_service import change_status, refer
from models.unit_of_work import UnitOfWork
from models.waitlist import join_waitlist, leave_waitlist

ROUNDS = 15
CAPACITY = 3


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    with migrated_postgres(tmp_path_factory.mktemp("waitlist"), pool_size=6) as (sessions, _):
        yield sessions


def _full_offer_with_queue(sessions):
    with sessions() as session:
        partner_user = factories.user(session, role="partner")
        km = factories.user(session, role="klantmanager")
        offer = factories.offer(session, partner_id=partner_user.partner_id, capacity=CAPACITY)
        with UnitOfWork(session):
            held = [refer(session, actor_id=km.id, offer_id=offer.id,
                          inburgeraar_id=factories.inburgeraar(session).id).id
                    for _ in range(CAPACITY)]
        entries = []
        for _ in range(4):
            with UnitOfWork(session):
                entries.append(join_waitlist(session, actor_id=km.id, offer_id=offer.id,
                                             inburgeraar_id=factories.inburgeraar(session).id).id)
        outsiders = [factories.inburgeraar(session).id for _ in range(5)]
        return partner_user.id, km.id, offer.id, held, entries, outsiders


@pytest.mark.postgres
@pytest.mark.slow
def test_two_places_freed_at_once_go_to_exactly_two_entries(pg):
    sessions = pg
    for _ in range(ROUNDS):
        partner_id, km_id, offer_id, held, entries, outsiders = _full_offer_with_queue(sessions)
        start = threading.Barrier(3)

        def decline(referral_id, start=start, partner_id=partner_id):
            start.wait()
            with sessions() as session, UnitOfWork(session):
                change_status(session, actor_id=partner_id, referral_id=referral_id,
                              to_status="declined", reason_code="persoonlijk")

        def refer_directly(start=start, km_id=km_id, offer_id=offer_id, outsiders=outsiders):
            start.wait()
            for person_id in outsiders:
                try:
                    with sessions() as session, UnitOfWork(session):
                        refer(session, actor_id=km_id, inburgeraar_id=person_id,
                              offer_id=offer_id)
                except DomainError:
                    pass  # full: the freed places went to the queue

        with ThreadPoolExecutor(max_workers=3) as pool:
            jobs = [pool.submit(decline, held[0]), pool.submit(decline, held[1]),
                    pool.submit(refer_directly)]
            for job in jobs:
                job.result()

        with sessions() as session:
            statuses = dict(session.execute(
                select(WaitlistEntry.id, WaitlistEntry.status)
                .where(WaitlistEntry.offer_id == offer_id)).all())
            holding = session.scalar(select(func.count()).select_from(Referral).where(
                Referral.offer_id == offer_id, Referral.status.in_(HOLDING_STATUSES)))
            direct = session.scalar(select(func.count()).select_from(Referral).where(
                Referral.offer_id == offer_id, Referral.inburgeraar_id.in_(outsiders)))
        assert [statuses[e] for e in entries] == ["referred", "referred", "waiting", "waiting"]
        assert holding == CAPACITY and direct == 0


def _wait_until_blocked(sessions, deadline_s=20.0):
    """Until some transaction waits for a row lock (the other connection's)."""
    import time

    from sqlalchemy import text

    stop = time.monotonic() + deadline_s
    with sessions() as probe:
        while time.monotonic() < stop:
            if probe.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
                return
            probe.rollback()
            time.sleep(0.02)
    raise AssertionError("the decline never waited for the leave's lock")


@pytest.mark.postgres
def test_a_leave_racing_a_decline_keeps_the_person_off_the_list(pg):
    """The klantmanager's leave holds the entry's row; the partner's decline frees the place
    meanwhile. Once the leave commits, the place goes to the next in line, never to the
    person taken off (defect 1 of issue 21: the entry ended ``referred`` with a ``sent``
    referral)."""
    sessions = pg
    partner_id, km_id, offer_id, held, entries, _ = _full_offer_with_queue(sessions)
    with sessions() as leaving:
        leave_waitlist(leaving, actor_id=km_id, entry_id=entries[0])  # flushed, not committed

        def decline():
            with sessions() as session, UnitOfWork(session):
                change_status(session, actor_id=partner_id, referral_id=held[0],
                              to_status="declined", reason_code="persoonlijk")

        with ThreadPoolExecutor(max_workers=1) as pool:
            declined = pool.submit(decline)
            _wait_until_blocked(sessions)
            leaving.commit()
            declined.result()

    with sessions() as session:
        statuses = dict(session.execute(
            select(WaitlistEntry.id, WaitlistEntry.status)
            .where(WaitlistEntry.offer_id == offer_id)).all())
        left = session.get(WaitlistEntry, entries[0])
        referred_left = session.scalar(select(func.count()).select_from(Referral).where(
            Referral.offer_id == offer_id, Referral.inburgeraar_id == left.inburgeraar_id))
        holding = session.scalar(select(func.count()).select_from(Referral).where(
            Referral.offer_id == offer_id, Referral.status.in_(HOLDING_STATUSES)))
    assert [statuses[e] for e in entries] == ["withdrawn", "referred", "waiting", "waiting"]
    assert referred_left == 0 and holding == CAPACITY


@pytest.mark.postgres
def test_two_promotions_whose_queues_cross_both_go_through(pg, monkeypatch):
    """Two partners add places at once to two full offers whose queues hold the same two
    people in opposite order (P then Q, and Q then P). Each promotion locks the people it
    looks at; taken in queue order they crossed, PostgreSQL found a deadlock and ended one
    capacity change with an error (a 500). A barrier holds each promotion after its first
    person, so the crossing happens every time; once people are locked in id order the
    second promotion waits at its start and the barrier times out."""
    import contextlib

    from models import referral_rules
    from models.offers import update_offer

    sessions = pg
    with sessions() as session:
        partner_user = factories.user(session, role="partner")
        km = factories.user(session, role="klantmanager")
        partner_id, km_id = partner_user.id, km.id
        offers = [factories.offer(session, partner_id=partner_user.partner_id, capacity=1).id
                  for _ in range(2)]
        with UnitOfWork(session):
            for offer_id in offers:
                refer(session, actor_id=km_id, offer_id=offer_id,
                      inburgeraar_id=factories.inburgeraar(session).id)
        p, q = (factories.inburgeraar(session).id for _ in range(2))
        for offer_id, queue in zip(offers, [(p, q), (q, p)], strict=True):
            for person_id in queue:
                with UnitOfWork(session):
                    join_waitlist(session, actor_id=km_id, offer_id=offer_id,
                                  inburgeraar_id=person_id)

    after_first_person = threading.Barrier(2, timeout=2)
    refusals = referral_rules.refusals
    seen = threading.local()

    def refusals_then_wait(*args, **kwargs):
        found = refusals(*args, **kwargs)
        if not getattr(seen, "first", False):
            seen.first = True
            with contextlib.suppress(threading.BrokenBarrierError):  # the other waits
                after_first_person.wait()
        return found

    monkeypatch.setattr(referral_rules, "refusals", refusals_then_wait)

    def add_places(offer_id):
        with sessions() as session, UnitOfWork(session):
            update_offer(session, actor_id=partner_id, offer_id=offer_id,
                         changes={"capacity": 3})

    with ThreadPoolExecutor(max_workers=2) as pool:
        for job in [pool.submit(add_places, offer_id) for offer_id in offers]:
            job.result()
    with sessions() as session:
        capacities = session.scalars(select(Offer.capacity).where(Offer.id.in_(offers))).all()
        taal = session.scalars(select(func.count()).select_from(Referral)
                               .where(Referral.inburgeraar_id.in_([p, q]),
                                      Referral.status.in_(HOLDING_STATUSES))
                               .group_by(Referral.inburgeraar_id)).all()
    assert capacities == [3, 3]
    assert taal == [1, 1]  # each promoted once; the other queue passed them over (domain)
