"""What if these offers had this many places? Before and after, nothing stored.

The coordinator's question when deciding where the gemeenten buy extra places.
Both answers are the engine's optimal allocation (as ``python -m matching
allocate``) of every open need of every gemeente to the open offers; the
"after" one with the given offers' capacities (places in total) changed. The
places referrals hold stay held, so an offer's free places become the new
capacity less those.
"""

from collections import Counter
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

import matching
from models.capacity import held_places
from models.coalition import Offer
from models.errors import InvalidInput
from models.matching_bridge import build_scenario


def check_changes(session: Session, changes: list[tuple[int, int]]) -> None:
    """Refuse unknown or closed offers and negative capacities, naming each field."""
    ids = [offer_id for offer_id, _ in changes]
    open_ids = set(
        session.scalars(select(Offer.id).where(Offer.id.in_(ids), Offer.closed_at.is_(None)))
    )
    errors = []
    for k, (offer_id, capacity) in enumerate(changes):
        if offer_id not in open_ids:
            errors.append({"field": f"changes[{k}].offer_id",
                           "message": f"geen open aanbod met id {offer_id}"})
        if capacity < 0:
            errors.append({"field": f"changes[{k}].capacity",
                           "message": "het aantal plaatsen kan niet negatief zijn"})
    if errors:
        raise InvalidInput("De wijzigingen kloppen niet", errors)


def what_if(
    session: Session, changes: list[tuple[int, int]], matcher: matching.Matcher | None = None
) -> dict:
    """``{"before": R, "after": R}`` for changes ``[(offer_id, capacity)]`` (see API.md).

    ``matcher``, when given, is one already built over ``build_scenario(session)``
    (the web's cache); the "after" allocation shares its learned model.
    """
    check_changes(session, changes)
    matcher = matcher or matching.Matcher(build_scenario(session))
    scenario = matcher.scenario
    held = held_places(session, [offer_id for offer_id, _ in changes])
    free = {str(offer_id): max(capacity - held[offer_id], 0) for offer_id, capacity in changes}
    after = replace(scenario, offers=[
        replace(o, capacity=free[o.id]) if o.id in free else o for o in scenario.offers
    ])
    return {
        "before": _summary(scenario, matching.allocate(matcher)),
        "after": _summary(after, matching.allocate(matcher.with_people(after))),
    }


def _summary(scenario: matching.Scenario, allocation: matching.Allocation) -> dict:
    area = {
        i.id: matching.area_of(i.postcode, i.lat, i.lon, i.gemeente) for i in scenario.inburgeraars
    }
    counts = {"served": Counter(), "unserved": Counter()}
    for kind, rows in (("served", allocation.assignments), ("unserved", allocation.unassigned)):
        for row in rows:
            counts[kind][("domain", row.domain)] += 1
            counts[kind][("area", area[row.inburgeraar_id])] += 1

    def by(dimension: str) -> dict:
        keys = sorted({key for c in counts.values() for (dim, key) in c if dim == dimension})
        return {
            key: {kind: counts[kind][(dimension, key)] for kind in ("served", "unserved")}
            for key in keys
        }

    return {
        "served": len(allocation.assignments),
        "unserved": len(allocation.unassigned),
        "expected_successes": round(sum(a.score for a in allocation.assignments), 4),
        "by_domain": by("domain"),
        "by_area": by("area"),
    }
