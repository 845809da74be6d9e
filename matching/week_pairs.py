"""Duale trajecten for one person: the best taal and werk offers that fit in one week together.

A person with ``duaal`` follows taal and werk side by side, so a taal offer
and a werk offer go together only when their schedules share no day part (an
offer without a schedule fits any), the rule :func:`~matching.allocate`
keeps. :func:`week_pairs` lists such pairs for one person, best first by what
the allocation maximises for that person: need weight × chance of taal plus
need weight × chance of werk.

Every eligible offer of both domains counts, not only the best few singles:
the chances are the :class:`~matching.Matcher`'s own, over its eligible pairs.
Yet no pair of all taal × werk offers is looked at. Group each domain's
offers by their schedule (a mask of day parts: at most ``2 ** 4`` groups),
and keep in each group its ``top`` best offers by chance (ties: lower id).
Every pair in the answer is made of kept offers, so the kept ones paired
with each other (at most ``16 top`` × ``16 top``, in numpy) give the exact
answer. Why: within a group all offers share a schedule, so they fit with
exactly the same offers of the other domain. If a taal offer ``t`` is not
kept, its group has ``top`` offers ``t'`` before it, and each ``(t', w)``
fits whenever ``(t, w)`` does and comes before it in the order below: its
chance is not lower, so its value is not lower (products and sums of
non-negative floats are monotone under rounding), and on an equal value the
higher taal chance or, equal too, the lower id comes first. So ``top``
pairs come before every pair with ``t``, and it is in no answer. The same
holds for werk with its chance and id.

The order: value; among equal values the higher taal chance, then the higher
werk chance, then the lower taal offer id, then the lower werk offer id.
(Ties by id alone would not do: a higher chance can give the same value
once rounded to a float, and a lower id there would put a pair before a
better one of its own group, so the pruning above would not be exact.)

Once the person holds one half (a referral under way to a taal course, say),
:func:`offers_beside` gives the other half: the best eligible offers of the
other domain whose schedule shares no day part with the held offer, best
first by need weight × chance (for one domain the same order as the chance),
ties to the lower id. The held offer need not be eligible any more: the
person's own referral to it blocks it, and it may be full or closed; only its
schedule counts.
"""

from dataclasses import dataclass

import numpy as np

from matching import vocab
from matching.errors import MatchingError, UnknownObjectError
from matching.explanation import explain_pairs
from matching.ranking import Match

__all__ = ["OfferBeside", "WeekPair", "offers_beside", "week_pairs"]

_TAAL, _WERK = vocab.DOMAINS.index("taal"), vocab.DOMAINS.index("werk")
_OTHER = {"taal": "werk", "werk": "taal"}


@dataclass(frozen=True, slots=True)
class WeekPair:
    """A taal and a werk offer that fit in one week, each with its chance and why.

    ``value`` is need weight × chance summed over the two, as the allocation
    counts them; ``taal_dayparts`` and ``werk_dayparts`` are the day parts
    each offer uses (Dutch, in the order of ``vocab.DAYPARTS``; empty: the
    offer has no fixed day parts and fits any week).
    """

    taal: Match
    werk: Match
    value: float
    taal_dayparts: tuple = ()
    werk_dayparts: tuple = ()


def week_pairs(matcher, inburgeraar_id, top=5):
    """The best ``top`` taal and werk pairs that fit in one week for one person.

    Parameters
    ----------
    matcher : Matcher
    inburgeraar_id : str
    top : int, default 5

    Returns
    -------
    list of WeekPair
        Best first. Empty for a person who is not ``duaal`` or does not
        need both taal and werk, and when no eligible taal and werk offers
        fit together.

    Raises
    ------
    UnknownObjectError
        When no inburgeraar has this id.

    Examples
    --------
    >>> import datetime as dt
    >>> from matching import Inburgeraar, Matcher, Offer, Partner, Scenario
    >>> offer = lambda id, domain, *parts: Offer(id=id, partner_id="p1", domain=domain,
    ...                                          capacity=1, postcode="3512", schedule=parts)
    >>> m = Matcher(Scenario(
    ...     reference_date=dt.date(2026, 11, 24), partners=[Partner(id="p1", kind="overig")],
    ...     offers=[offer("t1", "taal", "ochtend"), offer("w1", "werk", "ochtend"),
    ...             offer("w2", "werk", "middag", "avond")],
    ...     inburgeraars=[Inburgeraar(id="i1", needs={"taal": 2, "werk": 1},
    ...                               postcode="3512", duaal=True)]))
    >>> [(x.taal.offer_id, x.werk.offer_id, x.werk_dayparts) for x in week_pairs(m, "i1")]
    [('t1', 'w2', ('middag', 'avond'))]
    """
    t = matcher.tables
    try:
        person = t.person_index[inburgeraar_id]
    except KeyError:
        raise UnknownObjectError("inburgeraar", inburgeraar_id) from None
    need = t.people.needs[person]
    if top < 1 or not t.people.duaal[person] or need[_TAAL] <= 0 or need[_WERK] <= 0:
        return []
    taal = _kept(matcher, person, "taal", top)
    werk = _kept(matcher, person, "werk", top)
    schedule = t.offers.schedule
    # Imported here: duaal loads OR-Tools, and the package imports this module at once.
    from matching.duaal import collide

    fits = ~collide(schedule[taal.o][:, None], schedule[werk.o][None, :])
    i, j = np.nonzero(fits)
    if len(i) == 0:
        return []
    value = need[_TAAL] * taal.score[i] + need[_WERK] * werk.score[j]
    rank = t.offers.id_rank
    order = np.lexsort((rank[werk.o[j]], rank[taal.o[i]], -werk.score[j], -taal.score[i],
                        -value))[:top]
    i, j, value = i[order], j[order], value[order]
    taal_matches, werk_matches = taal.matches(matcher, person, i), werk.matches(matcher, person, j)
    return [WeekPair(taal_matches[a], werk_matches[b], v,
                     _dayparts(int(schedule[taal.o[a]])), _dayparts(int(schedule[werk.o[b]])))
            for a, b, v in zip(i.tolist(), j.tolist(), value.tolist(), strict=True)]


@dataclass(frozen=True, slots=True)
class OfferBeside:
    """An offer of the other domain that fits in one week beside the offer held.

    ``value`` is need weight × chance, as the allocation counts it;
    ``dayparts`` are the day parts the offer uses (Dutch, in the order of
    ``vocab.DAYPARTS``; empty: no fixed day parts, it fits beside anything).
    """

    match: Match
    value: float
    dayparts: tuple = ()


def offers_beside(matcher, inburgeraar_id, held_offer_id, top=5):
    """The best ``top`` offers of the other domain that fit beside a taal or werk offer held.

    Parameters
    ----------
    matcher : Matcher
    inburgeraar_id : str
    held_offer_id : str
        A taal or a werk offer the person holds (a referral under way). It
        need not be eligible: only its schedule is read.
    top : int, default 5

    Returns
    -------
    list of OfferBeside
        Of the other domain (werk beside taal, taal beside werk), each
        eligible and sharing no day part with the held offer, best first.
        Empty for a person who is not ``duaal`` or has no need in the other
        domain, and when nothing fits.

    Raises
    ------
    UnknownObjectError
        When no inburgeraar or no offer has this id.
    MatchingError
        When the held offer is neither taal nor werk: nothing goes beside it.

    Examples
    --------
    >>> import datetime as dt
    >>> from matching import Inburgeraar, Matcher, Offer, Partner, Scenario
    >>> offer = lambda id, domain, *parts: Offer(id=id, partner_id="p1", domain=domain,
    ...                                          capacity=1, postcode="3512", schedule=parts)
    >>> m = Matcher(Scenario(
    ...     reference_date=dt.date(2026, 11, 24), partners=[Partner(id="p1", kind="overig")],
    ...     offers=[offer("t1", "taal", "ochtend"), offer("w1", "werk", "ochtend"),
    ...             offer("w2", "werk", "middag", "avond")],
    ...     inburgeraars=[Inburgeraar(id="i1", needs={"taal": 2, "werk": 1},
    ...                               postcode="3512", duaal=True)]))
    >>> [(x.match.offer_id, x.dayparts) for x in offers_beside(m, "i1", "t1")]
    [('w2', ('middag', 'avond'))]
    """
    t = matcher.tables
    try:
        person = t.person_index[inburgeraar_id]
    except KeyError:
        raise UnknownObjectError("inburgeraar", inburgeraar_id) from None
    try:
        held = t.offer_index[held_offer_id]
    except KeyError:
        raise UnknownObjectError("offer", held_offer_id) from None
    held_domain = vocab.DOMAINS[t.offers.domain[held]]
    if held_domain not in _OTHER:
        raise MatchingError(f"offer {held_offer_id!r} is {held_domain}, not taal or werk: "
                            "nothing goes beside it in a duaal week")
    other = _OTHER[held_domain]
    need = t.people.needs[person, vocab.DOMAINS.index(other)]
    if top < 1 or not t.people.duaal[person] or need <= 0:
        return []
    parts = list(matcher.eligible_pairs(np.array([person]), other))
    if not parts:
        return []
    p, o, km = (np.concatenate(c) for c in zip(*parts, strict=True))
    schedule = t.offers.schedule
    from matching.duaal import collide

    fits = ~collide(schedule[o], schedule[held])
    p, o, km = p[fits], o[fits], km[fits]
    score = matcher.score_pairs(p, o, km)
    order = np.lexsort((t.offers.id_rank[o], -score))[:top]
    found = _Kept(o, km, score).matches(matcher, person, order)
    return [OfferBeside(found[k], float(need * score[k]), _dayparts(int(schedule[o[k]])))
            for k in order.tolist()]


class _Kept:
    """One domain's eligible offers for the person, the best ``top`` per schedule."""

    def __init__(self, o, km, score):
        self.o, self.km, self.score = o, km, score

    def matches(self, matcher, person, used):
        """A :class:`Match` per kept offer in ``used`` (by position), explained as
        :meth:`Matcher.rank` explains its matches."""
        used = np.unique(used)
        found = explain_pairs(matcher.tables, matcher.model, np.full(len(used), person),
                              self.o[used], self.km[used])
        offers = matcher.scenario.offers
        return {k: Match(offers[o].id, offers[o].partner_id, offers[o].domain, score,
                         why.components, why.reasons, why.record, why.little_data)
                for k, o, score, why in zip(used.tolist(), self.o[used].tolist(),
                                            self.score[used].tolist(), found, strict=True)}


def _kept(matcher, person, domain, top):
    parts = list(matcher.eligible_pairs(np.array([person]), domain))
    if not parts:
        return _Kept(*(np.zeros(0, dtype=d) for d in (np.int64, float, float)))
    p, o, km = (np.concatenate(c) for c in zip(*parts, strict=True))
    score = matcher.score_pairs(p, o, km)
    t = matcher.tables
    schedule = t.offers.schedule[o]
    order = np.lexsort((t.offers.id_rank[o], -score, schedule))
    grouped = schedule[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    place = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    keep = order[place < top]
    return _Kept(o[keep], km[keep], score[keep])


def _dayparts(mask):
    return tuple(part for k, part in enumerate(vocab.DAYPARTS) if mask >> k & 1)
