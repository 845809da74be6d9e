"""One referral under way per domain, under concurrent requests on PostgreSQL.

Four workers refer one person to four different taal offers at the same
moment, round after round: exactly one gets through, because ``refer`` locks
the person's row before it looks for a referral under way in the domain
(models/under_way.py). Without the lock each would see none and all four pass.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

import factories
from databases import migrated_postgres
from models import Referral
from models.errors import DomainUnderWay
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
