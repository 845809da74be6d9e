"""Every gunicorn worker's next ranking sees a partner's edit and an HSDS import (PostgreSQL).

Four workers each build their Matcher first (many concurrent rankings); then a
partner raises an offer's minimum level through the API (another worker
serves it), and an HSDS import, run as a command would, raises another
offer's minimum level with an old last_modified (which a fingerprint of
latest change times could not see). Every ranking after each change, whichever worker
answers it, leaves that offer out.
"""

import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from uuid import uuid4

import pytest
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from databases import postgres_url, scratch_database
from e2e.live import prepare_database
from models import Gemeente, Inburgeraar, Need, Offer, Partner, User
from models.auth import ApiToken
from models.base import now_utc
from models.hsds_import import SourceFile, import_hsds
from models.hsds_vocabulary import FEATURE_TERMS
from models.tokens import token_digest
from models.unit_of_work import UnitOfWork
from services import service_missing

WORKERS = 4
REQUESTS = 40  # per round, concurrent: every worker answers some


def _coalition(tokens: dict[str, str]):
    def load(session: Session) -> None:
        utrecht = session.scalars(select(Gemeente).where(Gemeente.name == "Utrecht")).one()
        school = Partner(name="Taalschool Cache (fictief)", kind="taalschool", gemeente=utrecht,
                         postcode="3512", lat=52.0907, lon=5.1214)
        for title in ("Cursus A", "Cursus B"):
            session.add(Offer(partner=school, title=title, domain="taal", kind="taalcursus",
                              capacity=5, postcode="3512"))
        person = Inburgeraar(pseudonym="IB-CACHE01", gemeente=utrecht, postcode="3561",
                             level="A1", leerroute="b1")
        person.needs = [Need(domain="taal", weight=2)]
        session.add(person)
        users = {
            "km": User(email="km.cache@wegwijs.example", password_hash="geen",
                       role="klantmanager", gemeente=utrecht),
            "school": User(email="school.cache@wegwijs.example", password_hash="geen",
                           role="partner", partner=school),
        }
        session.add_all(users.values())
        session.flush()
        for name, user in users.items():
            session.add(ApiToken(user_id=user.id, token_hash=token_digest(tokens[name]),
                                 expires_at=now_utc() + timedelta(hours=1)))
        session.commit()

    return load


@pytest.mark.postgres
@pytest.mark.slow
def test_every_workers_next_ranking_sees_an_edit_and_an_import(live_server, tmp_path):
    server_url = postgres_url()
    if server_url is None:
        service_missing("PostgreSQL is not configured (WEGWIJS_TEST_POSTGRES_URL or DATABASE_URL)")
    tokens = {name: secrets.token_urlsafe(32) for name in ("km", "school")}
    with scratch_database(server_url, tmp_path) as url:
        prepare_database(url, _coalition(tokens))
        base = live_server(url, workers=WORKERS)
        engine = create_engine(url)
        with Session(engine) as session:
            person_id = session.scalar(select(Inburgeraar.id))
            offers = dict(session.execute(select(Offer.title, Offer.id)).all())
        km = {"Authorization": f"Bearer {tokens['km']}"}

        def ranked_everywhere() -> list[set[int]]:
            url_ = f"{base}/api/v1/inburgeraars/{person_id}/matches?domain=taal"

            def one(_):
                response = requests.get(url_, headers=km, timeout=60)
                assert response.status_code == 200, response.text
                return {m["offer_id"] for m in response.json()["matches"]}

            with ThreadPoolExecutor(max_workers=8) as pool:
                return list(pool.map(one, range(REQUESTS)))

        assert all(r == set(offers.values()) for r in ranked_everywhere())

        edited = requests.patch(f"{base}/api/v1/offers/{offers['Cursus A']}", timeout=30,
                                headers={"Authorization": f"Bearer {tokens['school']}"},
                                json={"min_level": "B2"})
        assert edited.status_code == 200, edited.text
        assert all(r == {offers["Cursus B"]} for r in ranked_everywhere())

        with Session(engine) as session:
            uuid = session.scalar(select(Offer.uuid).where(Offer.id == offers["Cursus B"]))
        service = requests.get(f"{base}/hsds/services/{uuid}", timeout=30).json()
        service.pop("organization")
        # A minimum level of B2, with a last_modified long before the offer's own.
        service["attributes"].append({"id": str(uuid4()), "value": "B2",
                                      "taxonomy_term_id": FEATURE_TERMS["min_niveau"].id})
        service["last_modified"] = "2020-01-01T00:00:00Z"
        with Session(engine) as session, UnitOfWork(session):
            import_hsds(session, [SourceFile("dienst.json", service)])
        assert all(r == set() for r in ranked_everywhere())
        engine.dispose()
