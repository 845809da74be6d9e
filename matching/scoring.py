"""The score's components and the expert's prior: the estimate before any history.

A pair's score is the estimated chance that a referral succeeds (ends
``completed``). On the log-odds scale it is a sum of parts, one per
component of :data:`REGISTRY`; without history every part is the prior
below, so the documented prior *is* the engine's estimate::

    score = 1 / (1 + exp(-(PRIOR_INTERCEPT + sum of the components' prior terms)))

==========  =================================================================
component   prior term (log-odds); 0 where it does not apply ("n.v.t.")
==========  =================================================================
distance    ``0.4 - 0.3 * ln(1 + km)``: +0.40 at home, -0.14 at 5 km,
            -0.43 at 15 km; in kilometres, the same for everyone
schedule    ``0.6 * (share - 0.5)`` where both give day parts: +0.30 when
            the person is free on all of the offer's day parts
language    +0.40 when the offer supports a language the person speaks,
            -0.10 when both give languages and none is shared
childcare   where childcare is needed: +0.30 with it, -0.60 without
sector      where both give sectors: +0.50 when one is shared, -0.20 if not
level       where the person's level is known and the offer sets a bound:
            a course (taal, opleiding) ``0.4 - 0.4 * gap`` (levels between
            the person and the class); another offer +0.20
alfa        not latin-literate: +0.80 for an alfa course, -0.80 for another
            taal course; latin-literate: -0.80 for an alfa course
graph       ``0.5 * (1 - hops / 5)`` to the person's mentor or a partner
            where they completed an earlier referral (0 beyond 4 hops)
offer       learned only: the kind of offer and its hours
track       learned only: the partner's and the offer's own record
==========  =================================================================

``PRIOR_INTERCEPT`` is ``-0.2`` (a chance of 45 % for a pair about which
nothing is known). An offer that leaves a field open gets 0 on it, never
more than one that declares a fit. The history (``matching.learning``)
moves each part away from its prior as far as the outcomes carry it.

Fairness: no component reads nationality, ethnicity or religion, or a proxy
for them. Gender and age appear only in the hard rules (women_only, age);
the languages a person speaks count only as whether the offer supports one
of them, which is what the person needs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from matching import vocab
from matching.dutch import format_km, language_name

__all__ = ["COMPONENTS", "PRIOR_INTERCEPT", "REGISTRY", "Component", "prior_logit"]

PRIOR_INTERCEPT = -0.2


@dataclass(frozen=True)
class Component:
    """One factor of the score.

    ``prior`` gives its log-odds term for :class:`~matching.pairs.PairFacts`
    (0 where it does not apply), ``applies`` whether it says anything about
    a pair (else it reads "n.v.t." and contributes nothing), ``reason`` its
    Dutch reasons for some of the pairs (codes into a list of texts, None
    where there is none), ``label`` its Dutch name.
    """

    name: str
    label: str
    prior: Callable
    applies: Callable
    reason: Callable


def _none(f):
    return np.zeros(len(f))


def _distance_prior(f):
    return np.where(f.km_known, 0.4 - 0.3 * np.log1p(f.km), 0.0)


def _schedule_prior(f):
    return np.where(f.schedule_known, 0.6 * (f.schedule_share - 0.5), 0.0)


def _language_prior(f):
    return np.where(f.language_shared, 0.4, np.where(f.language_known, -0.1, 0.0))


def _childcare_prior(f):
    return np.where(f.children, np.where(f.childcare, 0.3, -0.6), 0.0)


def _sector_prior(f):
    return np.where(f.sector_shared, 0.5, np.where(f.sector_known, -0.2, 0.0))


def _level_prior(f):
    return np.where(f.level_known, np.where(f.course, 0.4 - 0.4 * f.course_gap, 0.2), 0.0)


def _alfa_applies(f):
    return f.alfa_needed_and_given | f.alfa_needed_not_given | f.alfa_not_needed


def _alfa_prior(f):
    return np.where(f.alfa_needed_and_given, 0.8, np.where(_alfa_applies(f), -0.8, 0.0))


def _graph_prior(f):
    return np.where(np.isnan(f.closeness), 0.0, 0.5 * np.nan_to_num(f.closeness))


# Reasons, for the matches shown: ``reason(x, k)`` gives the Dutch texts of pairs ``k``
# (an index array) of ``x``, a ReasonContext (matching.explanation) over aligned pairs,
# as ``(codes, texts)``: pair ``k[i]`` reads ``texts[codes[i]]`` (None: no reason). Many
# pairs share a text: each is made once per distinct value it depends on.

def _choice(codes, texts):
    return np.asarray(codes, dtype=np.int64), list(texts)


def _key(*columns):
    """One int64 per row of non-negative integer columns, equal where the rows are."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        key = key * (int(column.max(initial=0)) + 1) + column
    return key


def _by_key(columns, text_of, fixed=()):
    """Texts made once per distinct row of ``columns`` (int arrays), by ``text_of(row)``,
    after the ``fixed`` texts (whose codes come first)."""
    if len(columns[0]) == 0:
        return np.zeros(0, dtype=np.int64), list(fixed)
    columns = [np.asarray(c, dtype=np.int64) for c in columns]
    _, first, inverse = np.unique(_key(*columns), return_index=True, return_inverse=True)
    rows = np.column_stack(columns)[first].tolist()
    return len(fixed) + inverse.reshape(-1), [*fixed, *(text_of(row) for row in rows)]


def _distance_reason(x, k):
    km = x.km[k]
    codes = np.zeros(len(k), dtype=np.int64)  # 0: no place known, no reason
    known = np.flatnonzero(~np.isnan(km))
    tenths = km[known] * 10
    # Away from a half, rint(10 km) / 10 is what round(km, 1) gives; at a half, round() decides.
    plain = np.abs(tenths - np.floor(tenths) - 0.5) > 1e-6
    codes[known[plain]], texts = _by_key([np.rint(tenths[plain])],
                                         lambda row: _at_km(row[0] / 10), fixed=[None])
    halves = km[known[~plain]].tolist()
    codes[known[~plain]] = len(texts) + np.arange(len(halves))
    return codes, texts + [_at_km(round(v, 1)) for v in halves]


@lru_cache(maxsize=4096)
def _at_km(km):
    return f"op {format_km(km)} km van huis"


_SCHEDULE_TEXTS = [f"{days} {fit} de beschikbaarheid" for days in ("dagdelen", "lesdagdelen")
                   for fit in ("passen deels bij", "passen bij")]


def _schedule_reason(x, k):
    f = x.facts
    return _choice(2 * f.course[k] + (f.schedule_share[k] == 1), _SCHEDULE_TEXTS)


def _language_reason(x, k):
    codes = np.zeros(len(k), dtype=np.int64)
    shared = np.flatnonzero(x.facts.language_shared[k])
    spoken_ids, spoken = _distinct_lists(x.t, "languages")
    # Cached on the tables (many people speak the same languages): dies with them.
    cache = x.t.__dict__.setdefault("_language_reasons", {})

    def text(row):
        o, said = row[0], spoken[row[1]]
        if (o, said) not in cache:
            cache[o, said] = _language_text(x.t, o, said)
        return cache[o, said]

    pairs = k[shared]
    codes[shared], texts = _by_key(
        [x.o[pairs], spoken_ids[x.p[pairs]]], text,
        fixed=["geen begeleiding in een taal die de persoon spreekt"])
    return codes, texts


def _distinct_lists(t, field):
    """Per person an id of their ``field`` (a tuple, in its order), and the tuples by id."""
    key = f"_distinct_{field}"
    if key not in t.__dict__:
        ids = {}
        per_person = np.array([ids.setdefault(tuple(getattr(i, field)), len(ids))
                               for i in t.scenario.inburgeraars], dtype=np.int64)
        t.__dict__[key] = (per_person, list(ids))
    return t.__dict__[key]


def _language_text(t, o, spoken):
    offer = t.scenario.offers[o]
    supported = offer.languages or t.scenario.partners[int(t.offers.partner[o])].languages
    shared = [c for c in spoken if c in supported]
    names = " en ".join(language_name(c) for c in ([c for c in shared if c != "nl"] or shared))
    speaker = {"taalcursus": "docent", "opleiding": "docent", "mentoraat": "mentor",
               "maatje": "maatje"}.get(offer.kind)
    return f"{speaker} spreekt {names}" if speaker else f"begeleiding in het {names}"


def _childcare_reason(x, k):
    return _choice(x.facts.childcare[k], ["geen kinderopvang", "met kinderopvang"])


def _sector_reason(x, k):
    codes = np.zeros(len(k), dtype=np.int64)
    shared = np.flatnonzero(x.facts.sector_shared[k])
    wanted_ids, wanted = _distinct_lists(x.t, "sectors")
    offers = x.t.scenario.offers

    def text(row):
        offered = offers[row[0]].sectors
        return f"in de gewenste sector {', '.join(s for s in wanted[row[1]] if s in offered)}"

    pairs = k[shared]
    codes[shared], texts = _by_key([x.o[pairs], wanted_ids[x.p[pairs]]], text,
                                   fixed=["niet in een gewenste sector"])
    return codes, texts


def _level_reason(x, k):
    f = x.facts
    # Course gaps are whole or half levels.
    return _by_key([f.level[k], f.course[k], np.rint(2 * f.course_gap[k])],
                   lambda row: _level_text(vocab.LEVELS[row[0]], row[1], row[2] / 2))


def _level_text(level, course, gap):
    if not course:
        return f"taalniveau {level} voldoet aan de eis"
    if gap <= 0.5:
        return f"niveau van de cursus past bij taalniveau {level}"
    return f"cursus ligt {format_km(gap)} niveau van taalniveau {level} af"


_ALFA_TEXTS = ["alfabetiseringscursus, terwijl de persoon al Latijns schrift leest",
               "alfabetiseringscursus, voor wie nog leert lezen en schrijven",
               "geen alfabetiseringscursus, terwijl lezen en schrijven nog nodig is"]


def _alfa_reason(x, k):
    f = x.facts
    given, missing = f.alfa_needed_and_given[k], f.alfa_needed_not_given[k]
    return _choice(np.where(given, 1, np.where(missing, 2, 0)), _ALFA_TEXTS)


def _graph_texts():
    texts = []
    for mentor in (False, True):
        whom = "de eigen mentor" if mentor else "een eerdere partner"
        texts += ["aanbod van de eigen mentor" if mentor
                  else "partner heeft deze persoon eerder begeleid",
                  f"partner werkt samen met {whom}",
                  f"partner op 2 stappen van {whom} in de coalitie",
                  f"partner ver van {whom} in de coalitie"]
    return texts


_GRAPH_TEXTS = _graph_texts()


def _graph_reason(x, k):
    t = x.t
    hops, mentor = np.zeros(len(k)), np.zeros(len(k), dtype=bool)
    people = x.p[k]
    order = np.argsort(people, kind="stable")
    persons, starts = np.unique(people[order], return_index=True)
    for person, at in zip(persons.tolist(), np.split(order, starts[1:]), strict=True):
        close = t.closeness(person)
        partner = t.offers.partner[x.o[k[at]]]
        hops[at] = close[2][partner]
        roles = np.array([role == "mentor" for role, _ in t.anchors[person]])
        mentor[at] = roles[close[1][partner]]
    # 0, 1 or 2 hops, or further (inf: not connected).
    return _choice(4 * mentor + np.minimum(hops, 3), _GRAPH_TEXTS)


def _offer_reason(x, k):
    return _choice(np.zeros(len(k)), ["soort aanbod en uren, volgens eerdere verwijzingen"])


def _track_reason(x, k):
    codes = np.zeros(len(k), dtype=np.int64)
    some = np.flatnonzero(x.count[k] > 0)
    pairs = k[some]
    # np.rint rounds halves to even, as round() does.
    codes[some], texts = _by_key(
        [np.rint(100 * x.rate[pairs]), x.count[pairs]],
        lambda row: (f"bij deze aanbieder ronden vergelijkbare inburgeraars {row[0]} % af, "
                     f"{row[1]} verwijzing{'' if row[1] == 1 else 'en'}"),
        fixed=["geen eerdere verwijzingen naar deze aanbieder"])
    return codes, texts


def _learned_only(f):
    return np.zeros(len(f), dtype=bool)


REGISTRY = {c.name: c for c in (
    Component("distance", "Afstand", _distance_prior, lambda f: f.km_known, _distance_reason),
    Component("schedule", "Dagdelen", _schedule_prior, lambda f: f.schedule_known,
              _schedule_reason),
    Component("language", "Taal van de begeleiding", _language_prior,
              lambda f: f.language_known, _language_reason),
    Component("childcare", "Kinderopvang", _childcare_prior, lambda f: f.children,
              _childcare_reason),
    Component("sector", "Sector", _sector_prior, lambda f: f.sector_known, _sector_reason),
    Component("level", "Niveau", _level_prior, lambda f: f.level_known, _level_reason),
    Component("alfa", "Alfabetisering", _alfa_prior, _alfa_applies, _alfa_reason),
    Component("graph", "Netwerk in de coalitie", _graph_prior,
              lambda f: ~np.isnan(f.closeness), _graph_reason),
    # Learned only: they apply once a model has learned them (see matching.learning).
    Component("offer", "Soort aanbod", _none, _learned_only, _offer_reason),
    Component("track", "Ervaring met deze aanbieder", _none, _learned_only, _track_reason),
)}
COMPONENTS = tuple(REGISTRY)


def prior_logit(facts):
    """The prior's log-odds for pairs, and each component's term (dict of arrays)."""
    terms = {name: c.prior(facts) for name, c in REGISTRY.items()}
    return PRIOR_INTERCEPT + sum(terms.values()), terms
