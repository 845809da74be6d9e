"""40 simultaneous referrals to a 3-place offer, over 4 gunicorn workers on PostgreSQL."""

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from databases import postgres_url, scratch_database
from e2e.live import prepare_database
from models import Gemeente, Inburgeraar, Need, Offer, Partner, User
from models.auth import ApiToken
from models.base import now_utc
from models.referral import Referral, ReferralEvent
from models.tokens import token_digest
from services import service_missing

PEOPLE = 40
PLACES = 3


def _coalition(token: str):
    """A klantmanager of Utrecht with a token, 40 eligible people, one offer of 3 places."""

    def load(session: Session) -> None:
        utrecht = session.scalars(select(Gemeente).where(Gemeente.name == "Utrecht")).one()
        school = Partner(name="Taalschool Race (fictief)", kind="taalschool", gemeente=utrecht,
                         postcode="3512", lat=52.0907, lon=5.1214)
        session.add(Offer(partner=school, title="Cursus met drie plekken", domain="taal",
                          kind="taalcursus", capacity=PLACES, postcode="3512"))
        for n in range(PEOPLE):
            person = Inburgeraar(pseudonym=f"IB-RACE{n:03d}", gemeente=utrecht, postcode="3561",
                                 level="A1", leerroute="b1")
            person.needs = [Need(domain="taal", weight=2)]
            session.add(person)
        km = User(email="km.race@wegwijs.example", password_hash="geen", role="klantmanager",
                  gemeente=utrecht)
        session.add(km)
        session.flush()
        session.add(ApiToken(user_id=km.id, token_hash=token_digest(token),
                             expires_at=now_utc() + timedelta(hours=1)))
        session.commit()

    return load


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_referrals_never_exceed_capacity(live_server, tmp_path):
    server_url = postgres_url()
    if server_url is None:
        service_missing("PostgreSQL is not configured (WEGWIJS_TEST_POSTGRES_URL or DATABASE_URL)")
    token = secrets.token_urlsafe(32)
    with scratch_database(server_url, tmp_path) as url:
        prepare_database(url, _coalition(token))
        base = live_server(url, workers=4)
        engine = create_engine(url)
        with Session(engine) as session:
            offer_id = session.scalar(select(Offer.id))
            people = session.scalars(select(Inburgeraar.id).order_by(Inburgeraar.id)).all()
        headers = {"Authorization": f"Bearer {token}"}

        def refer(person_id):
            return requests.post(f"{base}/api/v1/referrals", headers=headers, timeout=60,
                                 json={"inburgeraar_id": person_id, "offer_id": offer_id})

        with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            responses = list(pool.map(refer, people))

        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] * PLACES + [409] * (PEOPLE - PLACES), statuses
        assert all(r.headers["Content-Type"] == "application/problem+json"
                   for r in responses if r.status_code == 409)
        offer = requests.get(f"{base}/api/v1/offers/{offer_id}", headers=headers, timeout=10)
        assert offer.json()["free"] == 0 and offer.json()["capacity"] == PLACES
        created = {r.json()["id"] for r in responses if r.status_code == 201}
        with Session(engine) as session:
            assert set(session.scalars(select(Referral.id))) == created
            sent_events = session.scalars(
                select(ReferralEvent.referral_id).where(ReferralEvent.to_status == "sent")
            ).all()
            assert sorted(sent_events) == sorted(created)
            assert session.scalar(select(func.count()).select_from(ReferralEvent)) == PLACES
        engine.dispose()
