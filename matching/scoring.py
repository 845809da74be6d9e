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

from matching.dutch import format_km, language_name

__all__ = ["COMPONENTS", "PRIOR_INTERCEPT", "REGISTRY", "Component", "prior_logit"]

PRIOR_INTERCEPT = -0.2


@dataclass(frozen=True)
class Component:
    """One factor of the score.

    ``prior`` gives its log-odds term for :class:`~matching.pairs.PairFacts`
    (0 where it does not apply), ``applies`` whether it says anything about
    a pair (else it reads "n.v.t." and contributes nothing), ``reason`` its
    Dutch reason for one pair (or None), ``label`` its Dutch name.
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


# Reasons: one pair at a time (``x`` is an ExplainContext: pair ``x.k`` of ``x.facts``),
# only for the matches shown.

def _distance_reason(x):
    return None if x.km != x.km else _at_km(round(x.km, 1))  # x != x: NaN, no place known


@lru_cache(maxsize=4096)
def _at_km(km):
    return f"op {format_km(km)} km van huis"


def _schedule_reason(x):
    fit = "passen bij" if x.facts.schedule_share[x.k] == 1 else "passen deels bij"
    return f"{'lesdagdelen' if x.facts.course[x.k] else 'dagdelen'} {fit} de beschikbaarheid"


def _language_reason(x):
    if not x.facts.language_shared[x.k]:
        return "geen begeleiding in een taal die de persoon spreekt"
    spoken = tuple(x.t.scenario.inburgeraars[x.p].languages)
    # Cached on the tables (many people speak the same languages): dies with them.
    cache = x.t.__dict__.setdefault("_language_reasons", {})
    if (x.o, spoken) not in cache:
        cache[x.o, spoken] = _language_text(x.t, x.o, spoken)
    return cache[x.o, spoken]


def _language_text(t, o, spoken):
    offer = t.scenario.offers[o]
    supported = offer.languages or t.scenario.partners[int(t.offers.partner[o])].languages
    shared = [c for c in spoken if c in supported]
    names = " en ".join(language_name(c) for c in ([c for c in shared if c != "nl"] or shared))
    speaker = {"taalcursus": "docent", "opleiding": "docent", "mentoraat": "mentor",
               "maatje": "maatje"}.get(offer.kind)
    return f"{speaker} spreekt {names}" if speaker else f"begeleiding in het {names}"


def _childcare_reason(x):
    return "met kinderopvang" if x.facts.childcare[x.k] else "geen kinderopvang"


def _sector_reason(x):
    if not x.facts.sector_shared[x.k]:
        return "niet in een gewenste sector"
    person, offer = x.t.scenario.inburgeraars[x.p], x.t.scenario.offers[x.o]
    return f"in de gewenste sector {', '.join(s for s in person.sectors if s in offer.sectors)}"


def _level_reason(x):
    level = x.t.scenario.inburgeraars[x.p].level
    if not x.facts.course[x.k]:
        return f"taalniveau {level} voldoet aan de eis"
    gap = float(x.facts.course_gap[x.k])
    if gap <= 0.5:
        return f"niveau van de cursus past bij taalniveau {level}"
    return f"cursus ligt {format_km(gap)} niveau van taalniveau {level} af"


def _alfa_reason(x):
    f = x.facts
    if f.alfa_needed_and_given[x.k]:
        return "alfabetiseringscursus, voor wie nog leert lezen en schrijven"
    if f.alfa_needed_not_given[x.k]:
        return "geen alfabetiseringscursus, terwijl lezen en schrijven nog nodig is"
    return "alfabetiseringscursus, terwijl de persoon al Latijns schrift leest"


def _graph_reason(x):
    t = x.t
    close = t.closeness(x.p)
    partner = int(t.offers.partner[x.o])
    hops, (role, _) = close[2][partner], t.anchors[x.p][int(close[1][partner])]
    whom = "de eigen mentor" if role == "mentor" else "een eerdere partner"
    if hops == 0:
        return ("aanbod van de eigen mentor" if role == "mentor"
                else "partner heeft deze persoon eerder begeleid")
    if hops <= 2:
        return (f"partner werkt samen met {whom}" if hops == 1
                else f"partner op 2 stappen van {whom} in de coalitie")
    return f"partner ver van {whom} in de coalitie"


def _offer_reason(x):
    return "soort aanbod en uren, volgens eerdere verwijzingen"


def _track_reason(x):
    record = x.record
    if record is None or record[1] == 0:
        return "geen eerdere verwijzingen naar deze aanbieder"
    rate, n = record
    return (f"bij deze aanbieder ronden vergelijkbare inburgeraars {round(100 * rate)} % af, "
            f"{n} verwijzing{'' if n == 1 else 'en'}")


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
