"""The scenario encoded as numpy arrays, built once per scenario.

Rules and scores are evaluated over many (person, offer) pairs at once; this
module turns the dataclasses into the arrays they need: level codes, bitmasks
of day parts and leerroutes, packed bit sets of languages and sectors,
coordinates, bounds, and the coalition graph's hop distances.

A person's closeness to a partner is measured from their *anchors*: their
mentor, and each partner at which they completed an earlier referral. A
dropped, ongoing or declined referral anchors nothing.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from matching import vocab
from matching.errors import ScenarioError
from matching.geo import pc4_table
from matching.scenario import DEFAULT_MAX_TRAVEL_KM

__all__ = ["OfferTable", "PersonTable", "ScenarioTables", "blocks_pair", "build_tables"]

# Hop distances beyond this count as "not close" in the coalition graph.
MAX_HOPS = 4
_NO_BOUND_LOW, _NO_BOUND_HIGH = -1, 10_000
# At most about this many flags per level of the breadth-first search (ScenarioTables.hops).
_HOP_FLAGS = 4_000_000


def _codes(values, allowed, path):
    lookup = {v: k for k, v in enumerate(allowed)}
    lookup[None] = -1
    out = np.array([lookup.get(v, -2) for v in values], dtype=np.int16).reshape(-1)
    if (out == -2).any():
        k = int(np.argmax(out == -2))
        raise ScenarioError(path(k), f"{values[k]!r} is not {vocab.a_noun_for(allowed)}")
    return out


def _distinct(lists):
    """Per list its row among the distinct ones (many objects share one), and those."""
    index = {}
    rows = [index.setdefault(tuple(items), len(index)) for items in lists]
    return np.array(rows, dtype=np.int64), list(index)


def _masks(lists, allowed):
    lookup = {v: 1 << k for k, v in enumerate(allowed)}
    rows, distinct = _distinct(lists)
    return np.array([sum(lookup[v] for v in set(items)) for items in distinct],
                    dtype=np.int64)[rows]


def _bitsets(lists, vocabulary):
    """Packed bit sets, one row per object, 64 members per uint64 word."""
    rows, distinct = _distinct(lists)
    words = max(1, -(-len(vocabulary) // 64))
    out = np.zeros((len(distinct), words), dtype=np.uint64)
    row = np.array([r for r, items in enumerate(distinct) for _ in items], dtype=np.int64)
    k = np.array([vocabulary[item] for items in distinct for item in items], dtype=np.int64)
    np.bitwise_or.at(out, (row, k // 64), np.left_shift(np.uint64(1), (k % 64).astype(np.uint64)))
    return out[rows]


def _location(obj):
    if obj.lat is not None and obj.lon is not None:
        return float(obj.lat), float(obj.lon)
    if obj.postcode is not None and obj.postcode in pc4_table():
        pc4 = pc4_table()[obj.postcode]
        return pc4.lat, pc4.lon
    return np.nan, np.nan


def _unique_locations(lat, lon):
    # Many objects share a PC4 centroid; distances are computed per location.
    points = np.column_stack([lat, lon])
    unique, inverse = np.unique(points, axis=0, return_inverse=True)
    return unique[:, 0], unique[:, 1], inverse.reshape(-1).astype(np.int32)


@dataclass(frozen=True, eq=False)
class OfferTable:
    """Per-offer arrays; row ``k`` is ``scenario.offers[k]``."""

    ids: list
    partner: np.ndarray
    domain: np.ndarray
    kind: np.ndarray
    capacity: np.ndarray
    min_level: np.ndarray
    max_level: np.ndarray
    leerroutes: np.ndarray
    schedule: np.ndarray
    women_only: np.ndarray
    childcare: np.ndarray
    alfa: np.ndarray
    min_age: np.ndarray
    max_age: np.ndarray
    languages: np.ndarray
    sectors: np.ndarray
    hours: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    loc_lat: np.ndarray
    loc_lon: np.ndarray
    loc: np.ndarray
    id_rank: np.ndarray


@dataclass(frozen=True, eq=False)
class PersonTable:
    """Per-inburgeraar arrays; row ``k`` is ``scenario.inburgeraars[k]``."""

    ids: list
    needs: np.ndarray
    level: np.ndarray
    leerroute: np.ndarray
    female: np.ndarray
    availability: np.ndarray
    age: np.ndarray
    max_travel: np.ndarray
    languages: np.ndarray
    sectors: np.ndarray
    childcare_needed: np.ndarray
    duaal: np.ndarray
    latin: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    loc_lat: np.ndarray
    loc_lon: np.ndarray
    loc: np.ndarray


class ScenarioTables:
    """All arrays the rules and scores read, with id lookups and graph hops.

    Parameters
    ----------
    scenario : Scenario
        A checked scenario.
    """

    def __init__(self, scenario):
        self.scenario = scenario
        self.partner_index = {p.id: k for k, p in enumerate(scenario.partners)}
        self.offer_index = {o.id: k for k, o in enumerate(scenario.offers)}
        self.person_index = {i.id: k for k, i in enumerate(scenario.inburgeraars)}
        languages = sorted({c for x in (*scenario.partners, *scenario.offers,
                                        *scenario.inburgeraars) for c in x.languages})
        sectors = sorted({s for x in (*scenario.offers, *scenario.inburgeraars) for s in x.sectors})
        self.language_vocab = {c: k for k, c in enumerate(languages)}
        self.sector_vocab = {s: k for k, s in enumerate(sectors)}
        self.offers = self._offer_table(scenario)
        self.people = self._person_table(scenario)
        blocked = [(self.person_index[h.inburgeraar_id], self.offer_index[h.offer_id])
                   for h in scenario.history if blocks_pair(h)]
        self.blocked_keys = np.unique(np.array([p * len(self.offers.ids) + o for p, o in blocked],
                                               dtype=np.int64))
        self.blocked_people = np.zeros(len(self.people.ids), dtype=bool)
        self.blocked_people[self.blocked_keys // max(len(self.offers.ids), 1)] = True
        self.anchors = self._anchors(scenario)
        self._closeness = {}
        self._hops = {}

    def _offer_table(self, s):
        offers = s.offers
        path = lambda field: lambda k: f"offers[{k}].{field}"  # noqa: E731
        partners = s.partners
        locs = []
        for o in offers:
            lat, lon = _location(o)
            if np.isnan(lat):
                lat, lon = _location(partners[self.partner_index[o.partner_id]])
            locs.append((lat, lon))
        lat = np.array([p[0] for p in locs], dtype=float).reshape(-1)
        lon = np.array([p[1] for p in locs], dtype=float).reshape(-1)
        min_level = _codes([o.min_level for o in offers], vocab.LEVELS, path("min_level"))
        max_level = _codes([o.max_level for o in offers], vocab.LEVELS, path("max_level"))
        order = sorted(range(len(offers)), key=lambda k: offers[k].id)
        id_rank = np.empty(len(offers), dtype=np.int64)
        id_rank[order] = np.arange(len(offers))
        offer_languages = [o.languages or partners[self.partner_index[o.partner_id]].languages
                           for o in offers]
        return OfferTable(
            ids=[o.id for o in offers],
            partner=np.array([self.partner_index[o.partner_id] for o in offers], dtype=np.int64),
            domain=_codes([o.domain for o in offers], vocab.DOMAINS, path("domain")),
            kind=_codes([o.kind for o in offers], vocab.OFFER_KINDS, path("kind")),
            capacity=np.array([o.capacity for o in offers], dtype=np.int64),
            min_level=np.where(min_level < 0, _NO_BOUND_LOW, min_level),
            max_level=np.where(max_level < 0, _NO_BOUND_HIGH, max_level),
            leerroutes=_masks([o.leerroutes for o in offers], vocab.LEERROUTES),
            schedule=_masks([o.schedule for o in offers], vocab.DAYPARTS),
            women_only=np.array([bool(o.women_only) for o in offers], dtype=bool),
            childcare=np.array([bool(o.childcare) for o in offers], dtype=bool),
            alfa=np.array([bool(o.alfa) for o in offers], dtype=bool),
            min_age=np.array([_NO_BOUND_LOW if o.min_age is None else o.min_age for o in offers],
                             dtype=np.int64),
            max_age=np.array([_NO_BOUND_HIGH if o.max_age is None else o.max_age for o in offers],
                             dtype=np.int64),
            languages=_bitsets(offer_languages, self.language_vocab),
            sectors=_bitsets([o.sectors for o in offers], self.sector_vocab),
            hours=np.array([np.nan if o.hours_per_week is None else o.hours_per_week
                            for o in offers], dtype=float),
            lat=lat, lon=lon, **dict(zip(("loc_lat", "loc_lon", "loc"),
                                         _unique_locations(lat, lon), strict=True)),
            id_rank=id_rank,
        )

    def _person_table(self, s):
        people = s.inburgeraars
        path = lambda field: lambda k: f"inburgeraars[{k}].{field}"  # noqa: E731
        needs = np.zeros((len(people), len(vocab.DOMAINS)))
        domain_code = {d: k for k, d in enumerate(vocab.DOMAINS)}
        for row, person in enumerate(people):
            for domain, weight in person.needs.items():
                needs[row, domain_code[domain]] = weight
        locs = [_location(i) for i in people]
        lat = np.array([p[0] for p in locs], dtype=float).reshape(-1)
        lon = np.array([p[1] for p in locs], dtype=float).reshape(-1)
        year = s.reference_date.year
        return PersonTable(
            ids=[i.id for i in people],
            needs=needs,
            level=_codes([i.level for i in people], vocab.LEVELS, path("level")).astype(np.int64),
            leerroute=_codes([i.leerroute for i in people], vocab.LEERROUTES,
                             path("leerroute")).astype(np.int64),
            female=np.array([i.gender == "v" for i in people], dtype=bool),
            availability=_masks([i.availability for i in people], vocab.DAYPARTS),
            age=np.array([-1 if i.birth_year is None else year - i.birth_year for i in people],
                         dtype=np.int64),
            max_travel=np.array([DEFAULT_MAX_TRAVEL_KM if i.max_travel_km is None
                                 else i.max_travel_km for i in people], dtype=float),
            languages=_bitsets([i.languages for i in people], self.language_vocab),
            sectors=_bitsets([i.sectors for i in people], self.sector_vocab),
            childcare_needed=np.array([bool(i.childcare_needed) for i in people], dtype=bool),
            duaal=np.array([bool(i.duaal) for i in people], dtype=bool),
            latin=np.array([-1 if i.latin_literate is None else int(i.latin_literate)
                            for i in people], dtype=np.int64),
            lat=lat, lon=lon, **dict(zip(("loc_lat", "loc_lon", "loc"),
                                         _unique_locations(lat, lon), strict=True)),
        )

    def _anchors(self, s):
        """Per person: the partners it is already linked to, mentor first, then the
        partners of its completed referrals."""
        anchors = [[] for _ in s.inburgeraars]
        for k, person in enumerate(s.inburgeraars):
            if person.mentor_id is not None:
                anchors[k].append(("mentor", self.partner_index[person.mentor_id]))
        for h in s.history:
            # Only a completed referral links: a drop-out is no recommendation, and an
            # ongoing or declined one says nothing yet about the person with that partner.
            if h.outcome == "completed":
                partner = int(self.offers.partner[self.offer_index[h.offer_id]])
                anchors[self.person_index[h.inburgeraar_id]].append(("eerder", partner))
        return anchors

    @cached_property
    def _neighbours(self):
        """The ties graph (undirected, no loops) as per partner row the start of its
        neighbours in the second array, and one more start for the end."""
        edges = {(a, b) for p in self.scenario.partners for tie in p.ties
                 if (a := self.partner_index[p.id]) != (b := self.partner_index[tie])}
        edges = np.array(sorted(edges | {(b, a) for a, b in edges}), dtype=np.int64)
        edges = edges.reshape(-1, 2)
        start = np.searchsorted(edges[:, 0], np.arange(len(self.partner_index) + 1))
        return start, edges[:, 1]

    def hops(self, sources):
        """Hop distances in the ties graph from each partner row of ``sources`` to all (a row
        each; inf if unreachable).

        Breadth first from many sources at once, a level a step: a partner is
        reached when one of its neighbours was in the last level. For the
        coalition's few hundred partners a few array operations per level,
        where a graph library's import alone costs a fifth of a second.
        """
        sources = np.asarray(sources, dtype=np.int64).reshape(-1)
        _, neighbour = self._neighbours
        # Sources at a time so that a level's neighbours stay a few million flags.
        step = max(1, _HOP_FLAGS // max(len(neighbour), len(self.partner_index), 1))
        parts = [self._hops_of(sources[k:k + step]) for k in range(0, len(sources), step)]
        return np.concatenate(parts) if parts else np.full((0, len(self.partner_index)), np.inf)

    def _hops_of(self, sources):
        n = len(self.partner_index)
        start, neighbour = self._neighbours
        linked = np.flatnonzero(np.diff(start) > 0)
        out = np.full((len(sources), n), np.inf)
        seen = np.zeros((len(sources), n), dtype=bool)
        level = np.zeros_like(seen)
        level[np.arange(len(sources)), sources] = True
        for steps in range(n):
            if not level.any():
                break
            out[level] = steps
            seen |= level
            reached = np.zeros_like(seen)
            if len(linked):
                reached[:, linked] = np.logical_or.reduceat(level[:, neighbour], start[linked],
                                                            axis=1)
            level = reached & ~seen
        return out

    def hops_from(self, partner):
        """Hop distances in the ties graph from one partner to all (inf if unreachable)."""
        if partner not in self._hops:
            self._hops[partner] = self.hops([partner])[0]
        return self._hops[partner]

    @cached_property
    def _anchor_hops(self):
        """Hop distances from each partner that anchors someone to every partner: a row per
        anchor (looked up by partner row), of one search for all of them."""
        used = sorted({a for anchors in self.anchors for _, a in anchors})
        return {a: k for k, a in enumerate(used)}, self.hops(used)

    def anchor_closeness(self, mentor_only=False):
        """The closeness of people to partners through their anchors (with ``mentor_only``,
        the mentor alone), as lookups: ``(group, hops, values)``.

        People with the same set of anchors form a group; ``hops[group[p], partner]``
        is the code of person ``p``'s nearest anchor's hops to ``partner`` (at most
        ``MAX_HOPS + 1``: farther or unreachable; ``MAX_HOPS + 2``: no anchors) and
        ``values[code]`` its closeness (NaN without anchors). A few lookups per pair,
        where a pair's anchors one by one cost many times more.
        """
        key = "_anchor_closeness_mentor" if mentor_only else "_anchor_closeness"
        if key not in self.__dict__:
            sets = {}
            group = np.empty(len(self.anchors), dtype=np.int64)
            for person, anchors in enumerate(self.anchors):
                mine = frozenset(a for role, a in anchors[:1] if role == "mentor") if (
                    mentor_only) else frozenset(a for _, a in anchors)
                group[person] = sets.setdefault(mine, len(sets)) if mine else -1
            group[group < 0] = len(sets)
            row, rows = self._anchor_hops
            members = [[row[a] for a in sorted(anchors)] for anchors in sets]
            sizes = np.array([len(m) for m in members], dtype=np.int64)
            hops = np.full((len(sets) + 1, len(self.partner_index)), MAX_HOPS + 2, dtype=np.int8)
            if len(sets):
                nearest = np.minimum.reduceat(rows[[k for m in members for k in m]],
                                              np.cumsum(sizes) - sizes, axis=0)
                hops[:-1] = np.minimum(nearest, MAX_HOPS + 1)
            codes = np.arange(MAX_HOPS + 3, dtype=float)
            values = np.where(codes <= MAX_HOPS, 1 - codes / (MAX_HOPS + 1), 0.0)
            values[-1] = np.nan
            self.__dict__[key] = (group, hops, values)
        return self.__dict__[key]

    def mentor_closeness(self, person):
        """Like :meth:`closeness`, from the person's mentor alone (None without one)."""
        anchors = self.anchors[person]
        if not anchors or anchors[0][0] != "mentor":
            return None
        best = self.hops_from(anchors[0][1])
        values = np.where(best <= MAX_HOPS, 1 - best / (MAX_HOPS + 1), 0.0)
        return values, np.zeros(len(best), dtype=np.int64), best

    def closeness(self, person):
        """Per partner, how close it is to the person's anchors, or None without anchors.

        Returns ``(values, nearest)``: closeness ``1 - hops / (MAX_HOPS + 1)``
        (0 beyond ``MAX_HOPS``), and for each partner the index into
        ``anchors[person]`` of the anchor that gives it.
        """
        if not self.anchors[person]:
            return None
        if person not in self._closeness:
            hops = np.array([self.hops_from(a) for _, a in self.anchors[person]])
            nearest = np.argmin(hops, axis=0)
            best = hops[nearest, np.arange(hops.shape[1])]
            values = np.where(best <= MAX_HOPS, 1 - best / (MAX_HOPS + 1), 0.0)
            self._closeness[person] = (values, nearest, best)
        return self._closeness[person]


def blocks_pair(entry):
    """Rule 9: a declined, dropped or ongoing referral keeps the pair apart.

    A decline for ``vol`` does not: the offer was full, which says nothing
    about the pair.
    """
    if entry.outcome == "declined":
        return entry.reason_code != "vol"
    return entry.outcome in ("dropped", "ongoing")


def build_tables(scenario):
    """Encode a checked scenario as :class:`ScenarioTables`.

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> t = build_tables(read_scenario("matching/contract/example-scenario.json"))
    >>> t.offers.capacity.tolist()
    [2, 1, 1, 1, 0]
    """
    return ScenarioTables(scenario)
