"""Why a match scores what it scores: each component's share of the chance, in Dutch.

A component's contribution is what it changes in the chance of success,
the others held as they are: ``P(all parts) - P(all parts but this one)``,
in percentage points. Contributions do not add up to the score exactly
(the chance is not linear in its parts), but each says truthfully what that
factor does. Components that do not apply are left out; the portal shows
them as "n.v.t.".
"""

from typing import NamedTuple

import numpy as np

from matching.collector import gc_paused
from matching.learning import LITTLE_DATA
from matching.pairs import PairFacts
from matching.scoring import REGISTRY

__all__ = ["OLD_RECORD_REASON", "Explanation", "explain_pairs", "format_points", "gc_paused"]

LITTLE_DATA_REASON = "weinig gegevens over deze aanbieder"
PRIOR_ONLY_REASON = "schatting vooraf: nog geen afgeronde eerdere verwijzingen om van te leren"
OLD_RECORD_REASON = "gegevens over deze aanbieder zijn grotendeels ouder dan een jaar"


class Explanation(NamedTuple):
    # A named tuple: one is made per match shown, and it is cheaper to make than a dataclass.
    components: dict
    reasons: list
    record: tuple
    little_data: bool


class ReasonContext:
    """Aligned pairs and their facts, for the components' reason functions: each
    gives the texts of an index array of these pairs at once."""

    __slots__ = ("t", "facts", "p", "o", "km", "rate", "count")

    def __init__(self, t, facts, p, o, km, rate, count):
        self.t, self.facts, self.p, self.o, self.km = t, facts, p, o, km
        # The partner's record for people like each pair's person: rate and referrals.
        self.rate, self.count = rate, count


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
    with gc_paused():
        return _explain(t, model, p, o, km)


def _explain(t, model, p, o, km):
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
    rate, count = model.records(t, o, facts.beginner)
    # Each component's reasons for all the pairs it is shown for at once, as codes into
    # its texts; each (points, text) is written once. A shown component without a reason
    # (no place known) is left out of the reasons.
    context = ReasonContext(t, facts, p, o, km, rate, count)
    code, texts = np.zeros(len(shown), dtype=np.int64), []
    for j, name in enumerate(names):
        mine = np.flatnonzero(shown == j)
        if len(mine):
            codes, options = REGISTRY[name].reason(context, at[mine])
            code[mine] = len(texts) + codes
            texts += options
    has_text = np.array([text is not None for text in texts], dtype=bool)
    said = np.flatnonzero(has_text[code])
    pct = np.rint(100 * value[said]).astype(np.int64)
    _, first, which = np.unique((pct + 100) * len(texts) + code[said],
                                      return_index=True, return_inverse=True)
    made = [_POINTS_TEXT[k] + texts[c]
            for k, c in zip(pct[first].tolist(), code[said][first].tolist(), strict=True)]
    reasons_flat = [made[w] for w in which.reshape(-1).tolist()]
    reason_ends = np.cumsum(np.bincount(at[said], minlength=len(p))).tolist()
    name_flat = np.array(names, dtype=object)[shown].tolist()
    value_flat, ends = value.tolist(), np.cumsum(shown_count).tolist()
    # What is appended to every pair's reasons: how much the record says.
    learned = model.learned
    old = model.mostly_old(t, o)
    little = count < LITTLE_DATA
    if not learned:
        tails = [[PRIOR_ONLY_REASON]] * len(p)
    else:
        codes = (little + 2 * old.astype(bool)).tolist()
        options = [[], [LITTLE_DATA_REASON], [OLD_RECORD_REASON],
                   [LITTLE_DATA_REASON, OLD_RECORD_REASON]]
        tails = [options[c] for c in codes]
    out = []
    start = reason_start = 0
    for success, n, small, tail, end, reason_end in zip(
            rate.tolist(), count.tolist(), little.tolist(), tails, ends, reason_ends,
            strict=True):
        components = dict(zip(name_flat[start:end], value_flat[start:end], strict=True))
        out.append(Explanation(components, reasons_flat[reason_start:reason_end] + tail,
                               (success, n), small))
        start, reason_start = end, reason_end
    return out


def _points_text(points):
    if points == 0:
        return "0 %-punt"
    return f"{'+' if points > 0 else '−'}{abs(points)} %-punt"


# Every whole number of points a contribution can be, with the reason's colon.
_POINTS_TEXT = {k: f"{_points_text(k)}: " for k in range(-100, 101)}
