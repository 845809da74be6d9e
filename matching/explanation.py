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

__all__ = ["Explanation", "explain_match", "format_points"]

LITTLE_DATA_REASON = "weinig gegevens over deze aanbieder"
PRIOR_ONLY_REASON = "schatting vooraf: nog geen afgeronde eerdere verwijzingen om van te leren"


@dataclass(frozen=True)
class Explanation:
    components: dict
    reasons: list
    record: tuple
    little_data: bool


@dataclass(frozen=True)
class ExplainContext:
    """One pair, for the components' reason functions."""

    t: object
    p: int
    o: int
    km: float
    facts: PairFacts
    course: bool
    record: tuple | None


def format_points(value):
    """A contribution in percentage points as the portal writes it.

    Examples
    --------
    >>> format_points(0.061), format_points(-0.04), format_points(0.001)
    ('+6 %-punt', '−4 %-punt', '0 %-punt')
    """
    points = round(100 * value)
    if points == 0:
        return "0 %-punt"
    return f"{'+' if points > 0 else '−'}{abs(points)} %-punt"


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def explain_match(t, model, p, o, km):
    """The components, Dutch reasons and track record of one (person, offer) pair."""
    facts = PairFacts(t, np.array([p]), np.array([o]), np.array([km]))
    terms, base = model.parts(facts)
    total = float(base[0] + sum(v[0] for v in terms.values()))
    chance = _sigmoid(total)
    record = model.record(t, o, facts.beginner[0])
    context = ExplainContext(t, p, o, km, facts, bool(facts.course[0]), record)
    shown = []
    for name, component in REGISTRY.items():
        if not (bool(component.applies(facts)[0]) or model.applies(name)):
            continue
        points = float(chance - _sigmoid(total - terms[name][0]))
        shown.append((name, points, component.reason(context)))
    shown.sort(key=lambda item: -abs(item[1]))
    little_data = record[1] < LITTLE_DATA
    reasons = [f"{format_points(points)}: {text}" for _, points, text in shown if text]
    if not model.learned:
        reasons.append(PRIOR_ONLY_REASON)
    elif little_data:
        reasons.append(LITTLE_DATA_REASON)
    return Explanation({name: points for name, points, _ in shown}, reasons, record, little_data)
