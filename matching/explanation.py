"""Why a match scores what it scores: each component's share of the chance, in Dutch.

A component's contribution is what it changes in the chance of success,
the others held as they are: ``P(all parts) - P(all parts but this one)``,
in percentage points. Contributions do not add up to the score exactly
(the chance is not linear in its parts), but each says truthfully what that
factor does. Components that do not apply are left out; the portal shows
them as "n.v.t.".
"""

from dataclasses import dataclass

import numpy as np

from matching.learning import LITTLE_DATA
from matching.pairs import PairFacts
from matching.scoring import REGISTRY

__all__ = ["OLD_RECORD_REASON", "Explanation", "explain_pairs", "format_points"]

LITTLE_DATA_REASON = "weinig gegevens over deze aanbieder"
PRIOR_ONLY_REASON = "schatting vooraf: nog geen afgeronde eerdere verwijzingen om van te leren"
OLD_RECORD_REASON = "gegevens over deze aanbieder zijn grotendeels ouder dan een jaar"


@dataclass(frozen=True)
class Explanation:
    components: dict
    reasons: list
    record: tuple
    little_data: bool


class ExplainContext:
    """Pair ``k`` of ``facts``, for the components' reason functions.

    A plain class with slots: one is made per match shown, so it must be cheap.
    """

    __slots__ = ("t", "facts", "k", "p", "o", "km", "record")

    def __init__(self, t, facts, k, p, o, km, record):
        self.t, self.facts, self.k, self.p, self.o, self.km = t, facts, k, p, o, km
        self.record = record


def format_points(value):
    """A contribution in percentage points as the portal writes it.

    Examples
    --------
    >>> format_points(0.061), format_points(-0.04), format_points(0.001)
    ('+6 %-punt', '−4 %-punt', '0 %-punt')
    """
    return _points_text(round(100 * value))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def explain_pairs(t, model, p, o, km):
    """The components, Dutch reasons and track record of pairs (one pass for all).

    Parameters
    ----------
    t : ScenarioTables
    model : SuccessModel
    p, o, km : numpy.ndarray
        Aligned person rows, offer rows and distances.

    Returns
    -------
    list of Explanation
    """
    facts = PairFacts(t, p, o, km)
    terms, base = model.parts(facts)
    total = base + sum(terms.values())
    chance = _sigmoid(total)
    names = list(REGISTRY)
    applies = np.column_stack([REGISTRY[n].applies(facts) | model.applies(n) for n in names])
    # Per pair: each component's contribution, rounded as printed, largest first.
    points = np.round(np.column_stack([chance - _sigmoid(total - terms[n]) for n in names]), 4)
    order = np.argsort(-np.where(applies, np.abs(points), -1.0), axis=1, kind="stable")
    # The components that apply come first in each row: keep those only, flattened row by
    # row (converting whole matrices to lists was most of the time for many pairs).
    shown_count = applies.sum(axis=1)
    shown = order[np.arange(len(names)) < shown_count[:, None]]
    at = np.repeat(np.arange(len(p)), shown_count)
    value = points[at, shown]
    shown_value, shown_pct = value.tolist(), np.rint(100 * value).astype(np.int64).tolist()
    shown, ends = shown.tolist(), np.cumsum(shown_count).tolist()
    out = []
    reason = [REGISTRY[n].reason for n in names]
    learned = model.learned
    rate, count = model.records(t, o, facts.beginner)
    old = model.mostly_old(t, o)
    rows = zip(p.tolist(), o.tolist(), km.tolist(), rate.tolist(), count.tolist(), old.tolist(),
               ends, strict=True)
    start = 0
    for k, (person, offer, distance, success, n, stale, end) in enumerate(rows):
        record = (success, n)
        context = ExplainContext(t, facts, k, person, offer, distance, record)
        mine = shown[start:end]
        components = dict(zip([names[j] for j in mine], shown_value[start:end], strict=True))
        reasons = [_POINTS_TEXT[pct] + text for j, pct in zip(mine, shown_pct[start:end],
                                                               strict=True)
                   if (text := reason[j](context))]
        start = end
        little_data = n < LITTLE_DATA
        if not learned:
            reasons.append(PRIOR_ONLY_REASON)
        elif little_data:
            reasons.append(LITTLE_DATA_REASON)
        if stale and learned:
            reasons.append(OLD_RECORD_REASON)
        out.append(Explanation(components, reasons, record, little_data))
    return out


def _points_text(points):
    if points == 0:
        return "0 %-punt"
    return f"{'+' if points > 0 else '−'}{abs(points)} %-punt"


# Every whole number of points a contribution can be, with the reason's colon.
_POINTS_TEXT = {k: f"{_points_text(k)}: " for k in range(-100, 101)}
