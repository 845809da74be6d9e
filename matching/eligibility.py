"""The nine hard rules of the contract, each a vectorised predicate.

Every ``rule_*`` function takes the :class:`~matching.tables.ScenarioTables`
and broadcastable integer arrays of person rows ``p`` and offer rows ``o``
(a column of people against a row of offers, or two aligned lists of pairs)
and returns a boolean array: True where the pair satisfies the rule. A value
the person did not give (level, leerroute, birth year) cannot satisfy a bound
that the offer sets. A place without any location is reachable from anywhere
(an online offer), so the distance rule holds where the distance is unknown.
"""

from dataclasses import dataclass

import numpy as np

from matching import vocab
from matching.dutch import LEERROUTE_NAMES, format_km
from matching.geo import haversine_km

__all__ = [
    "RULES",
    "RuleFailure",
    "distances",
    "eligible",
    "explain",
    "rule_age",
    "rule_capacity",
    "rule_distance",
    "rule_history",
    "rule_leerroute",
    "rule_level",
    "rule_need",
    "rule_schedule",
    "rule_women_only",
    "shortage_reasons",
]


@dataclass(frozen=True, slots=True)
class RuleFailure:
    """A hard rule a (person, offer) pair fails, with the Dutch explanation."""

    rule: str
    message: str


def distances(t, p, o):
    """Haversine km between people ``p`` and offers ``o`` (NaN where unknown).

    Computed per distinct location pair, since many objects share a PC4 centroid.
    """
    people, offers = t.people, t.offers
    p_loc, o_loc = people.loc[p], offers.loc[o]
    if np.ndim(p) == 2 and np.ndim(o) == 2 and p.shape[1] == 1 and o.shape[0] == 1:
        up, p_inv = np.unique(p_loc[:, 0], return_inverse=True)
        km = haversine_km(people.loc_lat[up][:, None], people.loc_lon[up][:, None],
                          offers.loc_lat[None, :], offers.loc_lon[None, :])
        return km[p_inv.reshape(-1)][:, o_loc[0]]
    return haversine_km(people.loc_lat[p_loc], people.loc_lon[p_loc],
                        offers.loc_lat[o_loc], offers.loc_lon[o_loc])


def rule_capacity(t, p, o):
    """Rule 1: the offer has at least one free place."""
    return np.broadcast_to(t.offers.capacity[o] >= 1, np.broadcast_shapes(np.shape(p), np.shape(o)))


def rule_need(t, p, o):
    """Rule 2: the person has a need > 0 in the offer's domain."""
    return t.people.needs[p, t.offers.domain[o]] > 0


def rule_level(t, p, o):
    """Rule 3: the person's level lies within the offer's min and max level."""
    level = t.people.level[p]
    low, high = t.offers.min_level[o], t.offers.max_level[o]
    unbounded = (low < 0) & (high >= len(vocab.LEVELS))
    return unbounded | ((level >= 0) & (level >= low) & (level <= high))


def rule_leerroute(t, p, o):
    """Rule 4: the offer names no leerroutes, or the person's leerroute."""
    routes = t.offers.leerroutes[o]
    route = t.people.leerroute[p]
    bit = np.where(route >= 0, np.left_shift(1, np.maximum(route, 0)), 0)
    return (routes == 0) | ((routes & bit) != 0)


def rule_women_only(t, p, o):
    """Rule 5: the offer is not for women only, or the person is a woman (``v``)."""
    return ~t.offers.women_only[o] | t.people.female[p]


def rule_schedule(t, p, o):
    """Rule 6: schedule or availability not given, or they share a day part."""
    schedule, available = t.offers.schedule[o], t.people.availability[p]
    return (schedule == 0) | (available == 0) | ((schedule & available) != 0)


def rule_distance(t, p, o, km=None):
    """Rule 7: the distance is at most the person's ``max_travel_km`` (default 15)."""
    km = distances(t, p, o) if km is None else km
    return ~(km > t.people.max_travel[p])


def rule_age(t, p, o):
    """Rule 8: the age on the reference date lies within the offer's age bounds."""
    age = t.people.age[p]
    low, high = t.offers.min_age[o], t.offers.max_age[o]
    unbounded = (low < 0) & (high > 200)
    return unbounded | ((age >= 0) & (age >= low) & (age <= high))


def rule_history(t, p, o):
    """Rule 9: no earlier referral of this pair was declined (but for ``vol``), dropped or
    is still ongoing."""
    p, o = np.broadcast_arrays(p, o)
    ok = np.ones(p.shape, dtype=bool)
    if len(t.blocked_keys) == 0:
        return ok
    # Only people with a blocked referral need the lookup: usually few pairs.
    at = t.blocked_people[p]
    keys = p[at] * len(t.offers.ids) + o[at]
    found = np.minimum(np.searchsorted(t.blocked_keys, keys), len(t.blocked_keys) - 1)
    ok[at] = t.blocked_keys[found] != keys
    return ok


RULES = {
    "capacity": rule_capacity,
    "need": rule_need,
    "level": rule_level,
    "leerroute": rule_leerroute,
    "women_only": rule_women_only,
    "schedule": rule_schedule,
    "distance": rule_distance,
    "age": rule_age,
    "history": rule_history,
}


def eligible(t, p, o, km=None, ignore_capacity=False, skip=()):
    """Whether each (person, offer) pair satisfies all nine rules.

    Parameters
    ----------
    t : ScenarioTables
    p, o : array_like of int
        Broadcastable person and offer rows.
    km : numpy.ndarray, optional
        Precomputed distances for the same pairs.
    ignore_capacity : bool
        Leave rule 1 out, for a caller that checks places itself under a lock.
    skip : tuple of str
        Rules the caller has already applied to these pairs.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> from matching.tables import build_tables
    >>> t = build_tables(read_scenario("matching/contract/example-scenario.json"))
    >>> eligible(t, 0, np.arange(5)).tolist()
    [True, False, False, True, False]
    """
    skip = set(skip) | ({"capacity"} if ignore_capacity else set())
    ok = np.ones(np.broadcast_shapes(np.shape(p), np.shape(o)), dtype=bool)
    if "distance" not in skip:
        ok &= rule_distance(t, p, o, distances(t, p, o) if km is None else km)
    for name, rule in RULES.items():
        if name != "distance" and name not in skip:
            ok &= rule(t, p, o)
    return ok


def _domain_name(code):
    return vocab.DOMAINS[code].replace("_", " ")


def _level_bounds(t, o):
    low, high = int(t.offers.min_level[o]), int(t.offers.max_level[o])
    return (vocab.LEVELS[low] if low >= 0 else None,
            vocab.LEVELS[high] if high < len(vocab.LEVELS) else None)


def _names(mask, allowed, names=None):
    items = [a for k, a in enumerate(allowed) if mask & (1 << k)]
    return ", ".join(names[i] if names else i for i in items)


def _message(t, rule, p, o, km):
    person, offers = t.scenario.inburgeraars[p], t.offers
    if rule == "capacity":
        return "Dit aanbod heeft geen vrije plek"
    if rule == "need":
        return f"Geen hulpvraag in het domein {_domain_name(offers.domain[o])}"
    if rule == "level":
        low, high = _level_bounds(t, o)
        if person.level is None:
            return "Taalniveau onbekend, terwijl dit aanbod een niveau vraagt"
        if low is not None and vocab.LEVELS.index(person.level) < vocab.LEVELS.index(low):
            return f"Taalniveau {person.level} ligt onder het minimum {low} van dit aanbod"
        return f"Taalniveau {person.level} ligt boven het maximum {high} van dit aanbod"
    if rule == "leerroute":
        routes = _names(int(offers.leerroutes[o]), vocab.LEERROUTES, LEERROUTE_NAMES)
        own = LEERROUTE_NAMES.get(person.leerroute, "onbekend")
        return f"Dit aanbod is voor {routes}; de leerroute is {own}"
    if rule == "women_only":
        return "Dit aanbod is alleen voor vrouwen"
    if rule == "schedule":
        return (f"Dagdelen van het aanbod ({_names(int(offers.schedule[o]), vocab.DAYPARTS)}) "
                f"passen niet bij de beschikbaarheid "
                f"({_names(int(t.people.availability[p]), vocab.DAYPARTS)})")
    if rule == "distance":
        return (f"Op {format_km(km)} km van huis, verder dan de maximale reisafstand van "
                f"{format_km(t.people.max_travel[p])} km")
    if rule == "age":
        low, high = int(offers.min_age[o]), int(offers.max_age[o])
        bounds = (f"{low}–{high} jaar" if low >= 0 and high <= 200
                  else f"minimaal {low} jaar" if low >= 0 else f"maximaal {high} jaar")
        if t.people.age[p] < 0:
            return f"Leeftijd onbekend, terwijl dit aanbod een leeftijdsgrens heeft ({bounds})"
        return f"Leeftijd {int(t.people.age[p])} valt buiten de leeftijdsgrens ({bounds})"
    return "Er loopt al een verwijzing naar dit aanbod, of een eerdere is afgewezen of afgebroken"


def explain(t, p, o, ignore_capacity=True):
    """The rules one (person, offer) pair fails, with Dutch explanations.

    Parameters
    ----------
    t : ScenarioTables
    p, o : int
        Person and offer rows.
    ignore_capacity : bool
        Leave rule 1 out (default), for the referral service that checks
        places itself under a lock.

    Returns
    -------
    list of RuleFailure
        Empty when the pair is eligible; in the contract's rule order.

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> from matching.tables import build_tables
    >>> t = build_tables(read_scenario("matching/contract/example-scenario.json"))
    >>> [f.rule for f in explain(t, 1, 0)]
    ['leerroute', 'history']
    """
    km = float(distances(t, p, o))
    failures = []
    for name, rule in RULES.items():
        if ignore_capacity and name == "capacity":
            continue
        ok = rule(t, p, o, km) if name == "distance" else rule(t, p, o)
        if not bool(ok):
            failures.append(RuleFailure(name, _message(t, name, p, o, km)))
    return failures


# shortage_reasons weighs the people in chunks of about this many (person, offer) pairs,
# so a large domain never needs the whole rule matrix in memory at once.
PAIRS_PER_CHUNK = 1_000_000


def _shortage_text(t, p, rule):
    person = t.scenario.inburgeraars[p]
    return {
        "capacity": "het passende aanbod heeft geen vrije plekken",
        "level": f"geen aanbod op niveau {person.level or 'onbekend'}",
        "leerroute": f"geen aanbod voor de {LEERROUTE_NAMES.get(person.leerroute, 'leerroute')}",
        "women_only": "het passende aanbod is alleen voor vrouwen",
        "schedule": "geen aanbod op de beschikbare dagdelen",
        "distance": f"geen passend aanbod binnen {format_km(t.people.max_travel[p])} km",
        "age": "geen aanbod voor deze leeftijd",
        "history": "het passende aanbod loopt al of is eerder afgewezen of afgebroken",
    }[rule]


def shortage_reasons(t, people, domain):
    """Why people have no eligible offer in a domain, in Dutch, for ``allocate``.

    Names the rule that, on its own, keeps the most offers of the domain out
    (then the rule most offers fail; the first in the contract's order on a tie).

    Parameters
    ----------
    t : ScenarioTables
    people : numpy.ndarray of int
        Person rows, each with a need in the domain and no eligible offer.
    domain : int
        Domain code.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> from matching.tables import build_tables
    >>> t = build_tables(read_scenario("matching/contract/example-scenario.json"))
    >>> shortage_reasons(t, np.array([0]), 1)
    ['geen aanbod op niveau A1']
    """
    offers = np.flatnonzero(t.offers.domain == domain)
    if len(offers) == 0:
        return ["geen aanbod in dit domein"] * len(people)
    names = [name for name in RULES if name != "need"]
    out = []
    step = max(1, PAIRS_PER_CHUNK // len(offers))
    for start in range(0, len(people), step):
        p, o = np.asarray(people[start:start + step])[:, None], offers[None, :]
        km = distances(t, p, o)
        fails = np.stack([np.broadcast_to(
            ~(RULES[n](t, p, o, km) if n == "distance" else RULES[n](t, p, o)), km.shape)
            for n in names])
        alone = fails & (fails.sum(axis=0) == 1)
        # The rule that alone keeps the most offers out binds; else the most failed.
        rank = alone.sum(axis=2) * (len(offers) + 1) + fails.sum(axis=2)
        out += [_shortage_text(t, int(row), names[k])
                for row, k in zip(p[:, 0], np.argmax(rank, axis=0), strict=True)]
    return out
