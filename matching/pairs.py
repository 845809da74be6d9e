"""What is known about (person, offer) pairs: the facts the prior and the model read.

:class:`PairFacts` holds aligned pair arrays and derives, once each and only
when asked, the quantities the score components need: kilometres, the share
of the offer's day parts the person is free, whether the offer supports a
language the person speaks, and so on. Each fact comes with whether it is
*known* for the pair: a fact that is not (no languages given, no childcare
needed, no level bound declared) contributes nothing to the score.

Nothing here reads gender, age, nationality or the languages a person speaks
as such: only whether an offer supports one of them.
"""

from functools import cached_property

import numpy as np

from matching import vocab

__all__ = ["PairFacts", "person_traits"]

_POPCOUNT = np.array([bin(k).count("1") for k in range(16)])
# Domains whose offers teach: their level bounds describe the class, not a minimum.
_COURSES = np.array([d in ("taal", "opleiding") for d in vocab.DOMAINS])
_TAAL = vocab.DOMAINS.index("taal")
_BEGINNER_LEVELS = (vocab.LEVELS.index("A0"), vocab.LEVELS.index("A1"))


def person_traits(t):
    """Per-person and per-offer flags the facts need, computed once per tables.

    ``beginner`` is the group the model learns partner effects for apart:
    level A0 or A1, or still learning to read and write the Latin script.
    """
    cached = t.__dict__.get("_pair_traits")
    if cached is None:
        people, offers = t.people, t.offers
        cached = {
            "beginner": np.isin(people.level, _BEGINNER_LEVELS) | (people.latin == 0),
            "person_languages": (people.languages != 0).any(axis=-1),
            "offer_languages": (offers.languages != 0).any(axis=-1),
            "person_sectors": (people.sectors != 0).any(axis=-1),
            "offer_sectors": (offers.sectors != 0).any(axis=-1),
            "anchored": np.array([bool(a) for a in t.anchors], dtype=bool),
        }
        t.__dict__["_pair_traits"] = cached
    return cached


def _schedule_lookups():
    """Per code (an offer's day parts, then a person's: see ``PairFacts._schedule_code``)
    whether both give day parts, and the share of the offer's the person is free."""
    code = np.arange(1 << 2 * len(vocab.DAYPARTS))
    mask, available = code >> len(vocab.DAYPARTS), code & ((1 << len(vocab.DAYPARTS)) - 1)
    known = (mask != 0) & (available != 0)
    free = _POPCOUNT[mask & available]
    return known, np.where(known, free / np.maximum(_POPCOUNT[mask], 1), 0.0)


_SCHEDULE_KNOWN, _SCHEDULE_SHARE = _schedule_lookups()


def _level_lookups(t):
    """Per code (an offer's row, then a person's level from -1: see
    ``PairFacts._level_code``) the level facts, computed once per offer and level
    instead of once per pair."""
    cached = t.__dict__.get("_pair_levels")
    if cached is None:
        n = len(vocab.LEVELS)
        level = np.arange(-1, n)[None, :]
        low, high = t.offers.min_level[:, None], t.offers.max_level[:, None]
        course = _COURSES[t.offers.domain][:, None]
        known = (level >= 0) & ((low >= 0) | (high < n))
        has_low, has_high = low >= 0, high < n
        centre = np.where(has_low & has_high, (low + high) / 2, np.where(has_low, low, high))
        gap = np.where(known & course, np.abs(level - centre), 0.0)
        surplus = np.where(known & ~course & (low >= 0), np.clip(level - low, 0, 2), 0.0)
        cached = tuple(x.reshape(-1) for x in (known, gap, surplus))
        t.__dict__["_pair_levels"] = cached
    return cached


def _shared(a, b):
    return ((a & b) != 0).any(axis=-1)


class PairFacts:
    """The facts of aligned (person, offer) pairs.

    Parameters
    ----------
    t : ScenarioTables
    p, o : numpy.ndarray of int
        Aligned person and offer rows.
    km : numpy.ndarray
        Their distances (NaN where a place is unknown, as for an online offer).
    """

    def __init__(self, t, p, o, km, mentor_only=False):
        self.t, self.p, self.o = t, np.asarray(p), np.asarray(o)
        # Training on the history: a referral must not count as its own "earlier
        # partner" (that would leak its outcome), so only mentors anchor the graph.
        self.mentor_only = mentor_only
        self.km_raw = np.asarray(km, dtype=float)
        self._traits = person_traits(t)

    def __len__(self):
        return len(self.p)

    @cached_property
    def km_known(self):
        return ~np.isnan(self.km_raw)

    @cached_property
    def km(self):
        """Kilometres, 0 where unknown (read together with ``km_known``)."""
        return np.nan_to_num(self.km_raw)

    @cached_property
    def domain(self):
        return self.t.offers.domain[self.o]

    @cached_property
    def course(self):
        return _COURSES[self.domain]

    @cached_property
    def beginner(self):
        return self._traits["beginner"][self.p]

    @cached_property
    def _schedule_code(self):
        """Per pair the offer's day parts and the person's as one number (a lookup's row)."""
        return ((self.t.offers.schedule[self.o] << len(vocab.DAYPARTS))
                | self.t.people.availability[self.p])

    @cached_property
    def schedule_known(self):
        return _SCHEDULE_KNOWN[self._schedule_code]

    @cached_property
    def schedule_share(self):
        """Share of the offer's day parts the person is free (where both are given)."""
        return _SCHEDULE_SHARE[self._schedule_code]

    @cached_property
    def language_known(self):
        return (self._traits["person_languages"][self.p]
                & self._traits["offer_languages"][self.o])

    @cached_property
    def language_shared(self):
        t = self.t
        return self.language_known & _shared(t.people.languages[self.p],
                                             t.offers.languages[self.o])

    @cached_property
    def children(self):
        return self.t.people.childcare_needed[self.p]

    @cached_property
    def childcare(self):
        return self.t.offers.childcare[self.o]

    @cached_property
    def sector_known(self):
        return self._traits["person_sectors"][self.p] & self._traits["offer_sectors"][self.o]

    @cached_property
    def sector_shared(self):
        t = self.t
        return self.sector_known & _shared(t.people.sectors[self.p], t.offers.sectors[self.o])

    @cached_property
    def level(self):
        return self.t.people.level[self.p]

    @cached_property
    def _level_code(self):
        """Per pair the offer's row and the person's level as one number (a lookup's row)."""
        return self.o.astype(np.int64) * (len(vocab.LEVELS) + 1) + (self.level + 1)

    @cached_property
    def level_known(self):
        """The person's level is known and the offer declares a level bound."""
        return _level_lookups(self.t)[0][self._level_code]

    @cached_property
    def course_gap(self):
        """Levels between the person and a course's centre (0 where not a bounded course)."""
        return _level_lookups(self.t)[1][self._level_code]

    @cached_property
    def level_surplus(self):
        """Levels above a non-course offer's minimum, at most 2 (0 where none)."""
        return _level_lookups(self.t)[2][self._level_code]

    @cached_property
    def latin(self):
        return self.t.people.latin[self.p]

    @cached_property
    def alfa_course(self):
        return self.t.offers.alfa[self.o]

    @cached_property
    def alfa_needed_and_given(self):
        return (self.latin == 0) & self.alfa_course

    @cached_property
    def alfa_needed_not_given(self):
        return (self.latin == 0) & ~self.alfa_course & (self.domain == _TAAL)

    @cached_property
    def alfa_not_needed(self):
        return (self.latin == 1) & self.alfa_course

    @cached_property
    def closeness(self):
        """``1 - hops / 5`` to the person's mentor or a partner of a completed referral;
        NaN without."""
        group, hops, values = self.t.anchor_closeness(mentor_only=self.mentor_only)
        return values[hops[group[self.p], self.t.offers.partner[self.o]]]
