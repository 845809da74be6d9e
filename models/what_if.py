"""What if these offers had this many places? Before and after, nothing stored.

The coordinator's question when deciding where the gemeenten buy extra places.
Both answers are the engine's optimal allocation (as ``python -m matching
allocate``) of every open need of every gemeente to the open offers; the
"after" one with the given offers' capacities (places in total) changed. The
places referrals hold stay held, so an offer's free places become the new
capacity less those.

A question about a whole partner ("what if Taalschool X had ten places
more?") becomes such changes through ``partner_extra_places``: the extra
places spread over the partner's open offers by ``spread``.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

import matching
import matching.eligibility
from models.capacity import held_places, places_left
from models.coalition import Offer, Partner
from models.errors import InvalidInput
from models.matching_bridge import build_scenario
from models.vocabulary import DOMAINS


def check_changes(session: Session, changes: list[tuple[int, int]]) -> None:
    """Refuse unknown or closed offers, an offer changed twice (which would be meant?) and
    negative capacities, naming each field."""
    errors = change_errors(session, changes)
    if errors:
        raise InvalidInput("De wijzigingen kloppen niet", errors)


def change_errors(session: Session, changes: list[tuple[object, object]]) -> list[dict]:
    """What ``check_changes`` refuses, as errors. From a body that failed validation a value
    may be of another type: an id that is no integer, a capacity no number are not named."""
    changes = [(o if _whole(o) and 1 <= o <= MAX_ID else None, c if _whole(c) else None)
               for o, c in changes]
    ids = [offer_id for offer_id, _ in changes]
    open_ids = set(
        session.scalars(select(Offer.id).where(Offer.id.in_(ids), Offer.closed_at.is_(None)))
    )
    errors = []
    for k, (offer_id, capacity) in enumerate(changes):
        if offer_id is None:
            pass
        elif offer_id not in open_ids:
            errors.append({"field": f"changes.{k}.offer_id",
                           "message": f"geen open aanbod met id {offer_id}"})
        elif offer_id in ids[:k]:
            errors.append({"field": f"changes.{k}.offer_id",
                           "message": f"aanbod {offer_id} staat er al in, als "
                                      f"changes.{ids.index(offer_id)}"})
        if capacity is not None and capacity < 0:
            errors.append({"field": f"changes.{k}.capacity",
                           "message": "het aantal plaatsen kan niet negatief zijn"})
    return errors


MAX_ID = 2**31 - 1  # the database's integer ids; a larger number names nothing


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class ExtraPlaces:
    """One offer's share of a partner's extra places."""

    offer_id: int
    title: str
    capacity: int  # places in total now
    extra: int

    @property
    def change(self) -> tuple[int, int]:
        """The ``(offer_id, capacity)`` change for ``what_if``: the places in total then."""
        return self.offer_id, self.capacity + self.extra


def spread(places: int, offer_ids: Sequence[int]) -> dict[int, int]:
    """``places`` over the offers as evenly as possible; the lowest ids get one more first.

    >>> spread(10, [7, 3, 5])
    {3: 4, 5: 3, 7: 3}
    """
    if not offer_ids:
        raise ValueError("no offers to spread over")
    share, rest = divmod(places, len(offer_ids))
    return {offer_id: share + (k < rest) for k, offer_id in enumerate(sorted(offer_ids))}


def partner_extra_places(
    session: Session, partner_id: int, places: int, domain: str | None = None
) -> list[ExtraPlaces]:
    """``places`` more spread over the partner's open offers (in ``domain``), by offer id.

    Refuses, naming the field, an unknown partner, a domain outside the
    vocabulary, fewer than one place, and a partner without open offers (in
    that domain). Reads only.
    """
    errors = []
    partner = session.get(Partner, partner_id)
    if partner is None:
        errors.append({"field": "partner_id", "message": f"geen aanbieder met id {partner_id}"})
    if domain is not None and domain not in DOMAINS:
        errors.append({"field": "domain", "message": f"onbekend domein {domain!r}"})
    if places < 1:
        errors.append({"field": "places", "message": "het aantal extra plaatsen is minstens 1"})
    if errors:
        raise InvalidInput("De extra plaatsen kloppen niet", errors)
    query = select(Offer).where(Offer.partner_id == partner_id, Offer.closed_at.is_(None))
    offers = {o.id: o for o in session.scalars(query)}
    in_domain = [o.id for o in offers.values() if domain is None or o.domain == domain]
    if not offers:
        raise InvalidInput("De extra plaatsen kloppen niet", [
            {"field": "partner_id", "message": f"{partner.name} heeft geen open aanbod"}])
    if not in_domain:
        raise InvalidInput("De extra plaatsen kloppen niet", [
            {"field": "domain", "message": f"{partner.name} heeft geen open aanbod in dit domein"}])
    return [
        ExtraPlaces(offer_id, offers[offer_id].title, offers[offer_id].capacity, extra)
        for offer_id, extra in spread(places, in_domain).items()
    ]


def what_if(
    session: Session, changes: list[tuple[int, int]], matcher: matching.Matcher | None = None
) -> dict:
    """``{"before": R, "after": R}`` for changes ``[(offer_id, capacity)]`` (see API.md).

    ``matcher``, when given, is one already built over ``build_scenario(session)``
    (the web's cache); the "after" allocation shares its learned model.
    """
    return what_if_explained(session, changes, matcher)[0]


def what_if_explained(
    session: Session, changes: list[tuple[int, int]], matcher: matching.Matcher | None = None
) -> tuple[dict, list["ChangeEffect"]]:
    """``what_if``'s answer, and per offer given more places whom they could help and,
    where that is no one, the rules that keep the people without a place out."""
    check_changes(session, changes)
    matcher = matcher or matching.Matcher(build_scenario(session))
    scenario = matcher.scenario
    held = held_places(session, [offer_id for offer_id, _ in changes])
    free = {str(offer_id): places_left(capacity, held[offer_id]) for offer_id, capacity in changes}
    after = replace(scenario, offers=[
        replace(o, capacity=free[o.id]) if o.id in free else o for o in scenario.offers
    ])
    before_allocation = matching.allocate(matcher)
    result = {
        "before": _summary(scenario, before_allocation),
        "after": _summary(after, matching.allocate(matcher.with_people(after))),
    }
    effects = [
        _effect(matcher, before_allocation, offer, free[offer.id] - offer.capacity, result)
        for offer in scenario.offers if offer.id in free and free[offer.id] > offer.capacity
    ]
    return result, effects


@dataclass(frozen=True)
class ChangeEffect:
    """What more free places at one offer can do for the needs the allocation leaves open.

    ``waiting``: the needs in the offer's domain without a place before the change;
    ``eligible``: how many of those the offer could take (every rule but the places);
    ``excluded_by``: for each rule, how many of the others it keeps out (a need can
    fail several), the most first; ``gained``: the domain's needs placed after less before.
    """

    offer_id: int
    domain: str
    extra: int
    waiting: int
    eligible: int
    excluded_by: list[tuple[str, int]]
    gained: int


def _effect(matcher, allocation, offer, extra: int, result: dict) -> ChangeEffect:
    t = matcher.tables
    domain = offer.domain
    waiting = [u.inburgeraar_id for u in allocation.unassigned if u.domain == domain]
    row = t.offer_index[offer.id]
    people = np.array([t.person_index[i] for i in waiting], dtype=np.int64)
    fits = (matching.eligibility.eligible(t, people, row, ignore_capacity=True)
            if len(people) else np.zeros(0, dtype=bool))
    excluded = Counter(failure.rule for p in people[~fits]
                       for failure in matching.eligibility.explain(t, int(p), row))
    zero = {"served": 0}
    gained = (result["after"]["by_domain"].get(domain, zero)["served"]
              - result["before"]["by_domain"].get(domain, zero)["served"])
    return ChangeEffect(int(offer.id), domain, extra, len(waiting), int(fits.sum()),
                        excluded.most_common(), gained)


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
