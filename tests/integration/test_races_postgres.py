"""Races on PostgreSQL, where row locks are real: several workers, many rounds.

Each worker is a thread with its own connection and transaction, as gunicorn
workers are. SQLite serialises every writing transaction, so these races
cannot happen there; that is why they run on PostgreSQL, and fail rather
than skip under WEGWIJS_REQUIRE_SERVICES=1.
"""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

import factories
from databases import migrated_postgres
from models import Offer, Referral
from models.errors import DomainError
from models.hsds_import import HsdsImportError, SourceFile, import_hsds
from models.offers import close_offer
from models.referral_service import refer
from models.unit_of_work import UnitOfWork

ROUNDS = 25
WORKERS = 4


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    """(sessionmaker, app) on a scratch PostgreSQL database, migrated, with the geography."""
    with migrated_postgres(tmp_path_factory.mktemp("races"), pool_size=WORKERS + 2) as pg:
        yield pg


def _round_world(sessions, people: int):
    """A partner user with an offer of ``people`` places, a klantmanager, eligible people."""
    with sessions() as session:
        partner_user = factories.user(session, role="partner")
        km = factories.user(session, role="klantmanager")
        offer = factories.offer(session, partner_id=partner_user.partner_id, capacity=people)
        persons = [factories.inburgeraar(session).id for _ in range(people)]
        return partner_user.id, km.id, offer.id, persons


def _referrals(sessions, offer_id: int) -> int:
    with sessions() as session:
        return session.scalar(
            select(func.count()).select_from(Referral).where(Referral.offer_id == offer_id)
        )


def _refer_each(sessions, start, km_id, offer_id, people):
    start.wait()
    for person_id in people:
        try:
            with sessions() as session, UnitOfWork(session):
                refer(session, actor_id=km_id, inburgeraar_id=person_id, offer_id=offer_id)
        except DomainError:
            pass  # closed ("Dit aanbod bestaat niet.") or full


def _race(task, referrers):
    """Run ``task`` against WORKERS - 1 referring workers; re-raise what any of them raised."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        jobs = [pool.submit(task)] + [pool.submit(referrer) for referrer in referrers]
        for job in jobs:
            job.result()


@pytest.mark.postgres
@pytest.mark.slow
def test_no_referral_is_created_after_the_close_committed(pg):
    sessions, _ = pg
    rng = random.Random(13)
    for _ in range(ROUNDS):
        partner_id, km_id, offer_id, people = _round_world(sessions, people=WORKERS * 3)
        start = threading.Barrier(WORKERS)
        counted_at_close = []

        def close(partner_id=partner_id, offer_id=offer_id, start=start,
                  counted=counted_at_close):
            start.wait()
            threading.Event().wait(rng.uniform(0, 0.03))
            with sessions() as session, UnitOfWork(session):
                close_offer(session, actor_id=partner_id, offer_id=offer_id)
            # Every referral committed before the close is counted here; none may follow.
            counted.append(_referrals(sessions, offer_id))

        _race(close, [
            lambda mine=people[i::WORKERS - 1], start=start, km_id=km_id, offer_id=offer_id:
                _refer_each(sessions, start, km_id, offer_id, mine)
            for i in range(WORKERS - 1)
        ])
        assert _referrals(sessions, offer_id) == counted_at_close[0]


@pytest.mark.postgres
@pytest.mark.slow
def test_the_hsds_import_never_sets_capacity_below_the_places_held(pg):
    """Referrals racing an import that lowers capacity to 3: whatever the order, held ≤ capacity."""
    sessions, app = pg
    for _ in range(ROUNDS // 5):
        _, km_id, offer_id, people = _round_world(sessions, people=WORKERS * 3)
        with sessions() as session:
            uuid = session.scalar(select(Offer.uuid).where(Offer.id == offer_id))
        service = app.test_client().get(f"/hsds/services/{uuid}").get_json()
        service.pop("organization")  # the service alone, of a partner already known
        service["capacities"][0]["maximum"] = 3
        start = threading.Barrier(WORKERS)
        imported = []

        def lower(service=service, start=start, imported=imported):
            start.wait()
            try:
                with sessions() as session, UnitOfWork(session):
                    import_hsds(session, [SourceFile("dienst.json", service)])
                imported.append(True)
            except HsdsImportError:
                imported.append(False)  # more than 3 places held already: refused

        _race(lower, [
            lambda mine=people[i::WORKERS - 1], start=start, km_id=km_id, offer_id=offer_id:
                _refer_each(sessions, start, km_id, offer_id, mine)
            for i in range(WORKERS - 1)
        ])
        with sessions() as session:
            capacity = session.scalar(select(Offer.capacity).where(Offer.id == offer_id))
        assert capacity == (3 if imported[0] else WORKERS * 3)
        assert _referrals(sessions, offer_id) <= capacity
