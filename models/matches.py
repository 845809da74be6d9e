"""What the engine says about one person and about the coalition, for the API and the portal.

The web layer never imports ``matching``: it asks here. Each function reads
the worker's cached Matcher (``models.matcher_cache``) and turns the engine's
ids back into rows where the caller shows them.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import matching
from models.capacity import free_places
from models.coalition import Offer
from models.errors import NotFound
from models.matcher_cache import current_matcher
from models.people import Inburgeraar
from models.referral import Referral
from models.vocabulary import DAYPARTS, HOLDING_STATUSES
from models.waitlist_entry import WaitlistEntry

DUAAL_DOMAINS = ("taal", "werk")


def ranked(
    session: Session, inburgeraar_id: int, *, domain: str | None, top: int
) -> list[matching.Match]:
    """The engine's best eligible open offers for one person, best first (``Matcher.rank``)."""
    try:
        return current_matcher(session).rank(str(inburgeraar_id), domain=domain, top=top)
    except matching.UnknownObjectError:
        raise NotFound("Deze inburgeraar bestaat niet.") from None


def coalition_summary(session: Session) -> dict:
    """The coalition graph's summary, as ``python -m matching graph`` prints it."""
    return matching.graph_summary(current_matcher(session).scenario)


def matches_by_domain(session: Session, person: Inburgeraar, top: int) -> list[dict]:
    """Per domain of need (heaviest first): the engine's best offers with their details."""
    matcher = current_matcher(session)
    domains = sorted(person.needs_by_domain.items(), key=lambda item: (-item[1], item[0]))
    found = {domain: matcher.rank(str(person.id), domain=domain, top=top) for domain, _ in domains}
    offers, free = offers_with_free_places(
        session, {int(m.offer_id) for matches in found.values() for m in matches})
    return [
        {
            "domain": domain,
            "weight": weight,
            "matches": [
                {"match": m, "offer": offers[int(m.offer_id)], "free": free[int(m.offer_id)]}
                for m in found[domain]
            ],
        }
        for domain, weight in domains
    ]


def duaal_week(
    session: Session, person: Inburgeraar, referrals: Sequence[Referral], top: int
) -> dict:
    """What the section "Taal en werk in één week" shows for a duaal person.

    ``held`` maps taal and werk to the person's newest referral under way
    (one holding a place) in that domain, when there is one, and
    ``dayparts`` to its offer's day parts. With both held, ``clash`` lists the
    day parts the two offers share (normally none; a referral does not check
    it). With one held (in ``domain``), ``beside`` lists the offers of
    ``other`` that fit beside it. With none, ``pairs``.
    ``referrals`` are the person's, newest first.
    """
    held: dict[str, Referral] = {}
    for referral in referrals:
        if referral.status in HOLDING_STATUSES and referral.offer.domain in DUAAL_DOMAINS:
            held.setdefault(referral.offer.domain, referral)
    dayparts = {domain: _dayparts(referral.offer) for domain, referral in held.items()}
    if len(held) == 2:
        clash = [d for d in dayparts["taal"] if d in dayparts["werk"]]
        return {"held": held, "dayparts": dayparts, "clash": clash}
    if held:
        [(domain, referral)] = held.items()
        other = "werk" if domain == "taal" else "taal"
        return {"held": held, "dayparts": dayparts, "domain": domain, "other": other,
                "beside": _beside_rows(session, person, referral, top)}
    return {"held": held, "pairs": _week_pair_rows(session, person, top)}


def _dayparts(offer: Offer) -> list[str]:
    return [d for d in DAYPARTS if d in offer.schedule]


def _beside_rows(session: Session, person: Inburgeraar, referral: Referral, top: int) -> list:
    """The engine's best offers of the other domain that fit beside the referral's offer."""
    found = matching.offers_beside(
        current_matcher(session), str(person.id), str(referral.offer_id), top=top
    )
    offers, free = offers_with_free_places(session, {int(x.match.offer_id) for x in found})
    return [
        {"match": x.match, "offer": offers[int(x.match.offer_id)],
         "free": free[int(x.match.offer_id)], "dayparts": x.dayparts}
        for x in found
    ]


def _week_pair_rows(session: Session, person: Inburgeraar, top: int) -> list[dict]:
    """The engine's best taal and werk pairs that fit in one week, each offer with its details.

    Empty when the person needs not both taal and werk, or when nothing fits together.
    """
    pairs = matching.week_pairs(current_matcher(session), str(person.id), top=top)
    offers, free = offers_with_free_places(
        session, {int(m.offer_id) for pair in pairs for m in (pair.taal, pair.werk)})
    return [
        {
            "sides": [
                {"match": m, "offer": offers[int(m.offer_id)], "free": free[int(m.offer_id)],
                 "dayparts": dayparts}
                for m, dayparts in ((pair.taal, pair.taal_dayparts),
                                    (pair.werk, pair.werk_dayparts))
            ],
        }
        for pair in pairs
    ]


def offers_with_free_places(
    session: Session, offer_ids: set[int]
) -> tuple[dict[int, Offer], dict[int, int]]:
    """The offers by id, with their partner loaded, and their free places."""
    offers = {
        o.id: o
        for o in session.scalars(
            select(Offer).where(Offer.id.in_(offer_ids)).options(selectinload(Offer.partner))
        )
    }
    return offers, free_places(session, offer_ids)


def full_offers_to_wait_for(
    session: Session, person: Inburgeraar, limit: int = 5
) -> dict[str, list[Offer]]:
    """Per domain of the person's needs: open offers without a free place that the
    person is eligible for and neither holds nor waits for, up to ``limit`` each.

    A bounded number of queries however many offers are full: the offers and
    their held places in one read each, and eligibility from the worker's
    Matcher (the same hard rules ``refer`` checks, without capacity), not one
    scenario per offer.
    """
    taken = set(session.scalars(select(WaitlistEntry.offer_id).where(
        WaitlistEntry.inburgeraar_id == person.id, WaitlistEntry.status == "waiting")))
    taken |= set(session.scalars(select(Referral.offer_id).where(
        Referral.inburgeraar_id == person.id, Referral.status.in_(HOLDING_STATUSES))))
    domains = list(person.needs_by_domain)
    offers = session.scalars(
        select(Offer).where(Offer.domain.in_(domains), Offer.closed_at.is_(None))
        .options(selectinload(Offer.partner)).order_by(Offer.id)
    ).all()
    free = free_places(session, [o.id for o in offers])
    matcher = current_matcher(session)
    result: dict[str, list[Offer]] = {domain: [] for domain in domains}
    for offer in offers:
        fitting = result[offer.domain]
        if len(fitting) >= limit or free[offer.id] > 0 or offer.id in taken:
            continue
        if not _ineligible(matcher, person.id, offer.id):
            fitting.append(offer)
    return result


def _ineligible(matcher: matching.Matcher, person_id: int, offer_id: int) -> bool:
    try:
        return bool(matcher.explain_ineligible(str(person_id), str(offer_id)))
    except matching.UnknownObjectError:  # an offer opened after the Matcher was built
        return True
