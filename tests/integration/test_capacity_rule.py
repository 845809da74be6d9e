"""The capacity limit, written once (models/capacity.py): the SQL lists filter on agrees with
``places_left`` for every capacity, held count and closed state."""

from sqlalchemy import select

import factories
from models.base import now_utc
from models.capacity import free_places, places_left, places_left_of_offer
from models.coalition import Offer
from models.referral import Referral


def test_the_sql_limit_and_the_python_limit_give_the_same_places(session):
    partner = factories.partner(session)
    cases = {}
    for capacity in range(3):
        for held in range(4):  # one more than a capacity: a row written past the rules
            for closed in (False, True):
                offer = factories.offer(session, partner_id=partner.id, capacity=capacity,
                                        closed_at=now_utc() if closed else None)
                for _ in range(held):
                    person = factories.inburgeraar(session)
                    session.add(Referral(inburgeraar_id=person.id, offer_id=offer.id,
                                         status="accepted", created_at=now_utc(),
                                         status_changed_at=now_utc()))
                # A referral that ended holds nothing.
                session.add(Referral(inburgeraar_id=factories.inburgeraar(session).id,
                                     offer_id=offer.id, status="declined",
                                     created_at=now_utc(), status_changed_at=now_utc()))
                cases[offer.id] = places_left(capacity, held, closed)
    session.flush()
    in_sql = dict(session.execute(
        select(Offer.id, places_left_of_offer()).where(Offer.id.in_(cases))).all())
    assert in_sql == cases
    assert free_places(session, list(cases)) == cases
    assert sorted(set(cases.values())) == [0, 1, 2]
