"""The demo's earlier referrals keep every rule of the lifecycle and of capacity."""

from datetime import date

from sqlalchemy import select

from conftest import DEMO_PASSWORD
from models import Offer, Referral
from models.capacity import held_places
from models.referral_service import TRANSITIONS
from seeds.demo import load_demo
from seeds.demo_history import load_demo_history


def test_demo_history_walks_the_lifecycle_within_capacity(session):
    load_demo(session, password=DEMO_PASSWORD)
    made = load_demo_history(session, seed=1, today=date(2026, 11, 24))
    referrals = session.scalars(select(Referral)).all()
    assert made == len(referrals) >= 100
    statuses = {r.status for r in referrals}
    assert {"sent", "completed", "dropped", "declined", "withdrawn"} <= statuses

    for referral in referrals:
        events = referral.events
        assert (events[0].from_status, events[0].to_status) == (None, "sent")
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert (after.from_status, after.to_status) in TRANSITIONS
            assert after.at >= before.at
        assert events[-1].to_status == referral.status
        assert events[-1].at.date() < date(2026, 11, 24)

    offers = session.scalars(select(Offer)).all()
    held = held_places(session, [o.id for o in offers])
    assert all(held[o.id] <= o.capacity for o in offers)
