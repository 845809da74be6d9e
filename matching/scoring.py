"""The score of an eligible (person, offer) pair and the reasons behind it.

``score = sum(WEIGHTS[c] * component[c])`` over the named components below,
each in [0, 1], so the score is in [0, 1]. ``components`` in the output are
these unweighted values; a klantmanager reads them beside the Dutch reasons.

=========  ======  ==========================================================
component  weight  value
=========  ======  ==========================================================
distance   0.18    ``1 - km / max_travel_km`` (1 at home, 0 at the limit)
schedule   0.11    share of the offer's day parts the person is available in
language   0.12    1 if the offer supports a language the person speaks, else 0
childcare  0.08    when childcare is needed: 1 if the offer has it, else 0
sector     0.08    1 if the offer is in a sector the person wants, else 0
level      0.08    courses (taal, opleiding): 1 - |level - course level| / 5;
                   other offers: 1 inside the level bounds
alfa       0.15    not latin-literate: 1 for an alfa course, 0 for another
                   language course; latin-literate: 0 for an alfa course
graph      0.08    ``1 - hops / 5`` from the offer's partner to the person's
                   mentor or a partner that served them before (0 beyond 4)
learned    0.12    calibrated probability of success learned from history
=========  ======  ==========================================================

A component that does not apply or cannot be known for a pair (childcare when
none is needed, no sectors given, no mentor and no earlier partner, too
little history, a place without location) takes ``NEUTRAL = 0.5``: the same
for all of that person's offers, so it never changes their order.

Fairness: no component reads nationality, ethnicity or religion, or a proxy
for them. Gender and age appear only in the hard rules (women_only, age);
the languages a person speaks are used only to tell whether the offer
supports one of them, which is what the person needs.
"""

import numpy as np

from matching import vocab
from matching.dutch import format_km, language_name

__all__ = ["COMPONENTS", "NEUTRAL", "WEIGHTS", "base_components", "reasons"]

NEUTRAL = 0.5
WEIGHTS = {
    "distance": 0.18,
    "schedule": 0.11,
    "language": 0.12,
    "childcare": 0.08,
    "sector": 0.08,
    "level": 0.08,
    "alfa": 0.15,
    "graph": 0.08,
    "learned": 0.12,
}
COMPONENTS = tuple(WEIGHTS)
# Domains whose offers teach: their level bounds describe the class, not a minimum.
_LEARNING = np.array([d in ("taal", "opleiding") for d in vocab.DOMAINS])
_TAAL = vocab.DOMAINS.index("taal")
_POPCOUNT = np.array([bin(k).count("1") for k in range(16)])


def _overlap(a, b):
    return ((a & b) != 0).any(axis=-1)


def _level(t, p, o):
    level = t.people.level[p]
    low, high = t.offers.min_level[o], t.offers.max_level[o]
    n = len(vocab.LEVELS)
    has_low, has_high = low >= 0, high < n
    centre = np.where(has_low & has_high, (low + high) / 2, np.where(has_low, low, high))
    outside = np.maximum(np.maximum(low - level, level - np.minimum(high, n - 1)), 0)
    deviation = np.where(_LEARNING[t.offers.domain[o]], np.abs(level - centre), outside)
    value = np.clip(1 - deviation / 5, 0, 1)
    return np.where((level >= 0) & (has_low | has_high), value, NEUTRAL)


def _alfa(t, p, o):
    latin, alfa = t.people.latin[p], t.offers.alfa[o]
    not_literate = np.where(alfa, 1.0, np.where(t.offers.domain[o] == _TAAL, 0.0, NEUTRAL))
    literate = np.where(alfa, 0.0, NEUTRAL)
    return np.where(latin == 0, not_literate, np.where(latin == 1, literate, NEUTRAL))


def _graph(t, p, o):
    out = np.full(len(p), NEUTRAL)
    if len(p) == 0:
        return out
    order = np.argsort(p, kind="stable")
    people, starts = np.unique(p[order], return_index=True)
    for person, start, stop in zip(people.tolist(), starts.tolist(),
                                   [*starts[1:].tolist(), len(p)], strict=True):
        close = t.closeness(person)
        if close is not None:
            rows = order[start:stop]
            out[rows] = close[0][t.offers.partner[o[rows]]]
    return out


def base_components(t, p, o, km):
    """All components but ``learned`` for aligned pair arrays.

    Parameters
    ----------
    t : ScenarioTables
    p, o : numpy.ndarray of int
        Aligned person and offer rows, one pair per element.
    km : numpy.ndarray
        Their distances (NaN where unknown).

    Returns
    -------
    list of numpy.ndarray
        One array per component, in the order of ``COMPONENTS[:-1]``.
    """
    people, offers = t.people, t.offers
    distance = np.where(np.isnan(km), NEUTRAL,
                        np.clip(1 - np.nan_to_num(km) / people.max_travel[p], 0, 1))
    schedule_mask, available = offers.schedule[o], people.availability[p]
    schedule = np.where((schedule_mask == 0) | (available == 0), NEUTRAL,
                        _POPCOUNT[schedule_mask & available]
                        / np.maximum(_POPCOUNT[schedule_mask], 1))
    p_lang, o_lang = people.languages[p], offers.languages[o]
    language = np.where((p_lang == 0).all(-1) | (o_lang == 0).all(-1), NEUTRAL,
                        _overlap(p_lang, o_lang).astype(float))
    childcare = np.where(people.childcare_needed[p], offers.childcare[o].astype(float), NEUTRAL)
    p_sect, o_sect = people.sectors[p], offers.sectors[o]
    sector = np.where((p_sect == 0).all(-1) | (o_sect == 0).all(-1), NEUTRAL,
                      _overlap(p_sect, o_sect).astype(float))
    return [distance, schedule, language, childcare, sector, _level(t, p, o), _alfa(t, p, o),
            _graph(t, p, o)]


def _graph_reason(t, p, o):
    close = t.closeness(p)
    if close is None:
        return None
    partner = int(t.offers.partner[o])
    hops, (role, _) = close[2][partner], t.anchors[p][int(close[1][partner])]
    whom = "de eigen mentor" if role == "mentor" else "een eerdere partner"
    if hops == 0:
        return ("Aanbod van de eigen mentor" if role == "mentor"
                else "Partner heeft deze persoon eerder begeleid")
    if hops == 1:
        return f"Partner werkt samen met {whom}"
    if hops == 2:
        return f"Partner op 2 stappen van {whom} in de coalitie"
    return None


def _language_reason(t, p, o):
    offer = t.scenario.offers[o]
    person = t.scenario.inburgeraars[p]
    supported = offer.languages or t.scenario.partners[int(t.offers.partner[o])].languages
    shared = [c for c in person.languages if c in supported]
    shown = [c for c in shared if c != "nl"] or shared
    names = " en ".join(language_name(c) for c in shown)
    speaker = {"taalcursus": "Docent", "opleiding": "Docent", "mentoraat": "Mentor",
               "maatje": "Maatje"}.get(offer.kind)
    return f"{speaker} spreekt {names}" if speaker else f"Begeleiding in het {names}"


def reasons(t, p, o, km, values, learned_reason):
    """The Dutch reasons for one pair, in component order.

    Parameters
    ----------
    t : ScenarioTables
    p, o : int
        Person and offer rows.
    km : float
        Their distance (NaN when unknown).
    values : dict of str to float
        The pair's component values.
    learned_reason : str or None
        The learned model's reason for this pair.

    Returns
    -------
    list of str
    """
    offer = t.scenario.offers[o]
    person = t.scenario.inburgeraars[p]
    course = offer.domain in ("taal", "opleiding")
    out = [] if np.isnan(km) else [f"Op {format_km(km)} km van huis"]
    if offer.schedule and person.availability:
        fit = "passen bij" if values["schedule"] == 1 else "passen deels bij"
        out.append(f"{'Lesdagdelen' if course else 'Dagdelen'} {fit} beschikbaarheid")
    if values["language"] == 1:
        out.append(_language_reason(t, p, o))
    if values["childcare"] == 1:
        out.append("Cursus met kinderopvang" if course else "Met kinderopvang")
    elif values["childcare"] == 0:
        out.append("Geen kinderopvang, terwijl die nodig is")
    if values["sector"] == 1:
        shared = [s for s in person.sectors if s in offer.sectors]
        out.append(f"Past bij de gewenste sector: {', '.join(shared)}")
    if values["level"] >= 0.9 and course:
        out.append(f"Niveau past bij taalniveau {person.level}")
    elif values["level"] == 1:
        out.append(f"Taalniveau {person.level} voldoet aan de eis van dit aanbod")
    if values["alfa"] == 1:
        out.append("Alfabetiseringscursus — past bij wie nog leert lezen en schrijven")
    elif values["alfa"] == 0 and person.latin_literate is False:
        out.append("Geen alfabetiseringscursus, terwijl lezen en schrijven nog nodig is")
    graph = _graph_reason(t, p, o)
    if graph:
        out.append(graph)
    if learned_reason:
        out.append(learned_reason)
    return out
