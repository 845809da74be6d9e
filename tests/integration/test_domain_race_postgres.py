"""One referral under way per domain, under concurrent requests on PostgreSQL.

Four workers refer one person to four different taal offers at the same
moment, round after round: exactly one gets through, because ``refer`` locks
the person's row before it looks for a referral under way in the domain
(models/under_way.py). Without the lock each would see none and all four pass.
An offer moved into a domain locks the people referred to it the same way.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

import factories
from databases import migrated_postgres
from models import Offer, Referral
from models.errors import DomainUnderWay
from models.offers import update_offer
from models.referral_service import refer
from models.unit_of_work import UnitOfWork

ROUNDS = 10
WORKERS = 4


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    with migrated_postgres(tmp_path_factory.mktemp("domain-race"), pool_size=WORKERS + 2) as pg:
        yield pg


def _one_round(sessions) -> tuple[int, list[int]]:
    """Referrals the person holds after WORKERS simultaneous ones, and the offers refused."""
    with sessions() as session:
        km_id = factories.user(session, role="klantmanager").id
        school = factories.partner(session)
        offers = [factories.offer(session, partner_id=school.id).id for _ in range(WORKERS)]
        person = factories.inburgeraar(session, needs={"taal": 3}).id
    start = threading.Barrier(WORKERS)
    refused = []

    def refer_to(offer_id):
        start.wait()
        try:
            with sessions() as session, UnitOfWork(session):
                refer(session, actor_id=km_id, inburgeraar_id=person, offer_id=offer_id)
        except DomainUnderWay:
            refused.append(offer_id)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for job in [pool.submit(refer_to, offer_id) for offer_id in offers]:
            job.result()
    with sessions() as session:
        held = session.scalar(select(func.count()).select_from(Referral)
                              .where(Referral.inburgeraar_id == person))
    return held, refused


@pytest.mark.postgres
@pytest.mark.slow
def test_one_person_gets_one_taal_referral_however_many_arrive_at_once(pg):
    sessions, _ = pg
    for _ in range(ROUNDS):
        held, refused = _one_round(sessions)
        assert (held, len(refused)) == (1, WORKERS - 1)


@pytest.mark.postgres
def test_an_offer_moved_into_a_domain_while_its_person_is_referred_there(pg):
    """The partner moves the café the person is referred to into taal while the klantmanager
    refers them to a taal course. Whichever commits first, the other sees it: the person
    never holds two taal referrals under way (the move locks the people referred to the
    offer, as ``refer`` locks the person)."""
    sessions, _ = pg
    with sessions() as session:
        km_id = factories.user(session, role="klantmanager").id
        school_user = factories.user(session, role="partner")
        school_user_id, school_id = school_user.id, school_user.partner_id
        cafe = factories.offer(session, partner_id=school_id, kind="activiteit",
                               domain="sociaal_netwerk").id
        course = factories.offer(session, partner_id=school_id).id
        person = factories.inburgeraar(session, needs={"taal": 3, "sociaal_netwerk": 1}).id
        with UnitOfWork(session):
            refer(session, actor_id=km_id, inburgeraar_id=person, offer_id=cafe)

    def refer_to_the_course():
        try:
            with sessions() as session, UnitOfWork(session):
                refer(session, actor_id=km_id, inburgeraar_id=person, offer_id=course)
        except DomainUnderWay:
            return "refused"
        return "referred"

    with sessions() as moving:
        update_offer(moving, actor_id=school_user_id, offer_id=cafe,
                     changes={"domain": "taal"})  # not committed
        with ThreadPoolExecutor(max_workers=1) as pool:
            referring = pool.submit(refer_to_the_course)
            _blocked_or_done(sessions, referring)
            UnitOfWork(moving).commit()
            assert referring.result() == "refused"
    with sessions() as session:
        taal = session.scalar(select(func.count()).select_from(Referral)
                              .join(Offer, Offer.id == Referral.offer_id)
                              .where(Referral.inburgeraar_id == person, Offer.domain == "taal"))
    assert taal == 1


def _blocked_or_done(sessions, job, deadline_s=10.0):
    """Until ``job`` finished, or some transaction waits for a row lock (the other's)."""
    stop = time.monotonic() + deadline_s
    with sessions() as probe:
        while time.monotonic() < stop and not job.done():
            if probe.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
                return
            probe.rollback()
            time.sleep(0.02)
