"""Capacity holds: which referrals occupy a place of an offer.

``sent``, ``accepted`` and ``started`` hold one place; every other state
frees it. ``Offer.capacity`` is the number of places in total; the free
places are derived, never stored, so they cannot drift from the referrals.
"""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, ScalarSelect, case, func, select
from sqlalchemy.orm import Session

from models.coalition import Offer
from models.referral import Referral
from models.vocabulary import HOLDING_STATUSES

__all__ = ["HOLDING_STATUSES", "capacity_floor_errors", "free_places", "held_places",
           "held_places_of_offer", "places_left", "places_left_of_offer"]


def holds_referral(session: Session, person_id: int, offer_id: int) -> bool:
    """Whether the person has a referral to the offer that holds a place (one under way)."""
    return session.scalar(select(Referral.id).where(
        Referral.inburgeraar_id == person_id, Referral.offer_id == offer_id,
        Referral.status.in_(HOLDING_STATUSES),
    ).limit(1)) is not None


def held_places(session: Session, offer_ids: Iterable[int]) -> dict[int, int]:
    """Places held by referrals, per offer id (0 for offers without any)."""
    ids = list(offer_ids)
    held = dict.fromkeys(ids, 0)
    if not ids:
        return held
    rows = session.execute(
        select(Referral.offer_id, func.count())
        .where(Referral.offer_id.in_(ids), Referral.status.in_(HOLDING_STATUSES))
        .group_by(Referral.offer_id)
    )
    held.update({offer_id: count for offer_id, count in rows})
    return held


def places_left(capacity: int, held: int, closed: bool = False) -> int:
    """The capacity limit, the one place it is written: the places a referral may still take."""
    return 0 if closed else max(capacity - held, 0)


def capacity_floor_errors(capacity: int, held: int) -> list[dict]:
    """The capacity's floor: never below the places referrals hold (for the field's 422)."""
    if capacity >= held:
        return []
    return [{
        "field": "capacity",
        "message": f"Er zijn al {held} plekken bezet door verwijzingen; "
                   "de capaciteit kan niet lager zijn.",
    }]


def held_places_of_offer() -> ScalarSelect[int]:
    """SQL: the places referrals hold of the ``Offer`` row of the enclosing query."""
    return (select(func.count(Referral.id))
            .where(Referral.offer_id == Offer.id, Referral.status.in_(HOLDING_STATUSES))
            .correlate(Offer).scalar_subquery())


def places_left_of_offer() -> ColumnElement[int]:
    """SQL: ``places_left`` of the ``Offer`` row of the enclosing query, for lists that filter
    or count in the database (a test holds the two to the same answers)."""
    held = held_places_of_offer()
    return case((Offer.closed_at.is_not(None), 0), (held >= Offer.capacity, 0),
                else_=Offer.capacity - held)


def free_places(session: Session, offer_ids: Iterable[int]) -> dict[int, int]:
    """Free places per offer id: capacity less what referrals hold (0 when closed)."""
    ids = list(offer_ids)
    held = held_places(session, ids)
    capacities = (
        session.execute(select(Offer.id, Offer.capacity, Offer.closed_at).where(Offer.id.in_(ids)))
        if ids
        else []
    )
    return {
        offer_id: places_left(capacity, held[offer_id], closed_at is not None)
        for offer_id, capacity, closed_at in capacities
    }
