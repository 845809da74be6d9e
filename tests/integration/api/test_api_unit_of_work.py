"""A request is one unit of work: the change and its access-log rows commit together or not at all.

The access-log write is made to fail inside the database (a row its CHECK
refuses), as a full disk or a lost connection would: the answer is a 500 and
neither the change nor any log row is left. Runs on the suite's database,
PostgreSQL included (``make test`` with DATABASE_URL, ``.ci/run``).
"""

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import func, insert, select

import web.unit_of_work
from models.audit import AccessLog
from models.coalition import Offer
from models.people import Inburgeraar
from models.referral import Referral, ReferralEvent
from models.unit_of_work import UnitOfWork

world = api_world.world


@pytest.fixture
def failing_access_log(app, monkeypatch):
    """Every access-log write breaks the table's CHECK on ``action``: the database refuses it."""
    # Answer the failure as production does (a 500), instead of raising into the test.
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)

    def refused(session, access, action, ids):
        session.connection().execute(
            insert(AccessLog.__table__),
            [{"action": "kapot", "channel": access.channel, "route": access.route}],
        )

    monkeypatch.setattr(web.unit_of_work, "record_access", refused)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_change_whose_log_fails_leaves_neither(client, session, world, failing_access_log):
    people, logs = _count(session, Inburgeraar), _count(session, AccessLog)
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                           json={"needs": {"taal": 2}, "pseudonym": "IB-FAIL01"})
    assert_problem(response, 500)
    assert _count(session, Inburgeraar) == people
    assert _count(session, AccessLog) == logs


def test_a_referral_whose_log_fails_leaves_no_referral_nor_event(
    client, session, world, failing_access_log
):
    referrals, events = _count(session, Referral), _count(session, ReferralEvent)
    response = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": world["person_utrecht"].id,
                                 "offer_id": world["course"].id})
    assert_problem(response, 500)
    assert (_count(session, Referral), _count(session, ReferralEvent)) == (referrals, events)


def test_a_read_whose_log_fails_shows_nothing(client, world, failing_access_log):
    response = client.get(f"/api/v1/inburgeraars/{world['person_utrecht'].id}",
                          headers=world["auth"]["km_utrecht"])
    body = assert_problem(response, 500)
    assert world["person_utrecht"].pseudonym not in response.get_data(as_text=True)
    assert "niet doorgevoerd" in body["detail"]


def test_a_refused_change_writes_nothing(client, session, world):
    logs = _count(session, AccessLog)
    response = client.patch(f"/api/v1/offers/{world['course'].id}",
                            headers=world["auth"]["school"], json={"capacity": -1})
    assert_problem(response, 422)
    assert _count(session, AccessLog) == logs
    session.expire_all()
    assert session.get(Offer, world["course"].id).capacity == 5


def test_the_unit_of_work_rolls_back_what_raised(session, world):
    offer = world["course"]
    with pytest.raises(RuntimeError), UnitOfWork(session):
        offer.capacity = 99
        session.flush()
        raise RuntimeError("halfway")
    assert session.scalar(select(Offer.capacity).where(Offer.id == offer.id)) == 5
