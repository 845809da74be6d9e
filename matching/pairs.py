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
    def schedule_known(self):
        return (self.t.offers.schedule[self.o] != 0) & (self.t.people.availability[self.p] != 0)

    @cached_property
    def schedule_share(self):
        """Share of the offer's day parts the person is free (where both are given)."""
        mask = self.t.offers.schedule[self.o]
        free = _POPCOUNT[mask & self.t.people.availability[self.p]]
        return np.where(self.schedule_known, free / np.maximum(_POPCOUNT[mask], 1), 0.0)

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
    def level_known(self):
        """The person's level is known and the offer declares a level bound."""
        low, high = self.t.offers.min_level[self.o], self.t.offers.max_level[self.o]
        return (self.level >= 0) & ((low >= 0) | (high < len(vocab.LEVELS)))

    @cached_property
    def course_gap(self):
        """Levels between the person and a course's centre (0 where not a bounded course)."""
        low, high = self.t.offers.min_level[self.o], self.t.offers.max_level[self.o]
        n = len(vocab.LEVELS)
        has_low, has_high = low >= 0, high < n
        centre = np.where(has_low & has_high, (low + high) / 2, np.where(has_low, low, high))
        return np.where(self.level_known & self.course, np.abs(self.level - centre), 0.0)

    @cached_property
    def level_surplus(self):
        """Levels above a non-course offer's minimum, at most 2 (0 where none)."""
        low = self.t.offers.min_level[self.o]
        return np.where(self.level_known & ~self.course & (low >= 0),
                        np.clip(self.level - low, 0, 2), 0.0)

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
