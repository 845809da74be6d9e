"""A partner's deactivation racing what opens one of its offers, on PostgreSQL.

API.md ("Partners and accounts"): deactivating a partner closes its open
offers, and a deactivated partner takes no referrals (``refer()`` trusts
that: it refuses a closed offer, not an inactive partner). So whatever the
order, once both transactions committed, a deactivated partner has no open
offer. Each test holds one transaction open at the moment that matters and
lets the other run on a second connection, as two gunicorn workers would.
SQLite serialises writers, so these orders cannot happen there.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text

import factories
from databases import migrated_postgres
from models import Offer, Partner, places
from models.account_events import CLI
from models.errors import DomainError
from models.hsds_import import SourceFile, import_hsds
from models.offers import create_offer, reopen_offer
from models.partners import update_partner
from models.unit_of_work import UnitOfWork

OFFER_FIELDS = {"title": "Nieuwe cursus", "domain": "taal", "kind": "taalcursus",
                "capacity": 4, "postcode": "3512"}


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    with migrated_postgres(tmp_path_factory.mktemp("deactivation"), pool_size=6) as pg:
        yield pg


def _partner_with_a_closed_offer(sessions):
    with sessions() as session:
        coordinator = factories.user(session, role="coordinator")
        partner = factories.partner(session)
        closed = factories.offer(session, partner_id=partner.id)
        with UnitOfWork(session):
            places.close_offer(session, offer_id=closed.id)
        return coordinator.id, partner.id, closed.id


def _deactivate(sessions, coordinator_id, partner_id):
    with sessions() as session, UnitOfWork(session):
        update_partner(session, actor_id=coordinator_id, partner_id=partner_id,
                       changes={"active": False}, origin=CLI)


def _blocked_or_done(sessions, job, deadline_s=10.0):
    """Until ``job`` finished, or some transaction waits for a row lock (the other's)."""
    stop = time.monotonic() + deadline_s
    with sessions() as probe:
        while time.monotonic() < stop and not job.done():
            if probe.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
                return
            probe.rollback()
            time.sleep(0.02)


def _open_offers_of_the_deactivated(sessions, partner_id) -> list[int]:
    """The partner's open offers, once it is deactivated (none may be left)."""
    with sessions() as session:
        assert session.get(Partner, partner_id).active is False
        return list(session.scalars(select(Offer.id).where(
            Offer.partner_id == partner_id, Offer.closed_at.is_(None))))


@pytest.mark.postgres
def test_a_reopen_racing_the_deactivation_leaves_no_open_offer(pg):
    """The coordinator reopens a closed offer while the partner is deactivated. Before, the
    reopen read the partner as active (the deactivation not yet committed), and the
    deactivation, not seeing the offer open, left it out: an open offer of an inactive
    partner, which ``refer()`` accepts."""
    sessions, _ = pg
    coordinator_id, partner_id, offer_id = _partner_with_a_closed_offer(sessions)
    with sessions() as reopening:
        reopen_offer(reopening, actor_id=coordinator_id, offer_id=offer_id)  # not committed
        with ThreadPoolExecutor(max_workers=1) as pool:
            deactivated = pool.submit(_deactivate, sessions, coordinator_id, partner_id)
            _blocked_or_done(sessions, deactivated)
            UnitOfWork(reopening).commit()
            deactivated.result()
    assert _open_offers_of_the_deactivated(sessions, partner_id) == []


@pytest.mark.postgres
def test_an_offer_posted_while_the_partner_is_deactivated_is_not_left_open(pg):
    """The deactivation holds the partner's row; meanwhile the coordinator posts an offer for
    it. Before, the post read the partner as active and its INSERT waited only for the
    foreign key: once the deactivation committed, the new offer stood open."""
    sessions, _ = pg
    coordinator_id, partner_id, _ = _partner_with_a_closed_offer(sessions)

    def post():
        try:
            with sessions() as session, UnitOfWork(session):
                create_offer(session, actor_id=coordinator_id, partner_id=partner_id,
                             fields=OFFER_FIELDS)
        except DomainError as error:
            return error
        return None

    with sessions() as deactivating:
        update_partner(deactivating, actor_id=coordinator_id, partner_id=partner_id,
                       changes={"active": False}, origin=CLI)  # not committed
        with ThreadPoolExecutor(max_workers=1) as pool:
            posted = pool.submit(post)
            _blocked_or_done(sessions, posted)
            UnitOfWork(deactivating).commit()
            refused = posted.result()
    assert _open_offers_of_the_deactivated(sessions, partner_id) == []
    assert refused is not None and refused.errors[0]["field"] == "partner_id"


@pytest.mark.postgres
def test_an_import_racing_the_deactivation_leaves_no_open_offer(pg):
    """The same race through the HSDS import: a new service of the partner arrives while the
    partner is deactivated."""
    sessions, app = pg
    coordinator_id, partner_id, _ = _partner_with_a_closed_offer(sessions)
    with sessions() as session:
        partner_uuid = session.get(Partner, partner_id).uuid
        # The directory publishes open offers only: another partner's serves as a template.
        template = factories.offer(session).uuid
    service = app.test_client().get(f"/hsds/services/{template}").get_json()
    service.pop("organization")
    service |= {"id": "4f0c2a7e-9b1d-4c3e-8a5f-6b2d7e9c1a30",
                "organization_id": str(partner_uuid)}

    def imported():
        with sessions() as session, UnitOfWork(session):
            import_hsds(session, [SourceFile("dienst.json", service)])

    with sessions() as deactivating:
        update_partner(deactivating, actor_id=coordinator_id, partner_id=partner_id,
                       changes={"active": False}, origin=CLI)  # not committed
        with ThreadPoolExecutor(max_workers=1) as pool:
            importing = pool.submit(imported)
            _blocked_or_done(sessions, importing)
            UnitOfWork(deactivating).commit()
            importing.result()
    assert _open_offers_of_the_deactivated(sessions, partner_id) == []
