"""The allocation policies compared, over the same eligible pairs and capacities.

A policy sees a :class:`Market`: the engine's matcher over the cohort's
scenario, the eligible (person, offer) arcs, the needs and the free places.
It returns the arcs it chooses, at most one per (person, domain of need) and
no offer over capacity. Only :func:`oracle` is also given the hidden truth.
"""

from dataclasses import dataclass

import numpy as np

from matching import vocab
from matching.allocation import allocate, solve_b_matching
from matching.ranking import Matcher
from matching.scoring import COMPONENTS, WEIGHTS

__all__ = ["DIAGNOSTICS", "LABELS", "POLICIES", "Market", "build_market", "oracle", "optimal_arcs",
           "pair_components"]

# Largest integer weight in the flow; rounding moves the objective by < 1e-8 relative.
_TOP = 2**36
_RANDOM_STREAM = 5


@dataclass(frozen=True, eq=False)
class Market:
    """One cohort as a policy sees it: arcs, needs, places; never the hidden truth.

    Arc arrays (``person``, ``offer``, ``km``, ``node``) are aligned; ``node``
    indexes ``nodes`` (key ``person * 7 + domain``) and ``need`` (its weight).
    """

    matcher: Matcher
    person: np.ndarray
    offer: np.ndarray
    km: np.ndarray
    node: np.ndarray
    nodes: np.ndarray
    need: np.ndarray
    capacity: np.ndarray
    random_seed: tuple


def build_market(cohort, seed):
    """The engine's matcher over a cohort's scenario and the cohort's eligible arcs."""
    matcher = Matcher(cohort.scenario)
    t = matcher.tables
    parts = list(matcher.eligible_pairs(people=cohort.people))
    p, o, km = (np.concatenate(c) for c in zip(*parts, strict=True)) if parts else (
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    n_domains = len(vocab.DOMAINS)
    needs = t.people.needs[cohort.people]
    nodes = (cohort.people[:, None] * n_domains + np.arange(n_domains))[needs > 0]
    node = np.searchsorted(nodes, p * n_domains + t.offers.domain[o])
    return Market(matcher, p, o, km, node, nodes, needs[needs > 0],
                  np.maximum(t.offers.capacity, 0), (seed, _RANDOM_STREAM, cohort.index))


def optimal_arcs(market, value):
    """Arcs maximising the total ``value`` under the market's limits (min-cost flow).

    Parameters
    ----------
    market : Market
    value : numpy.ndarray
        Per arc; arcs with value <= 0 are never worth choosing.

    Returns
    -------
    numpy.ndarray of int
        Indices of the chosen arcs.
    """
    use = np.flatnonzero(value > 0)
    if len(use) == 0:
        return use
    weight = np.rint(value[use] * (_TOP / value[use].max())).astype(np.int64)
    chosen = solve_b_matching(
        len(market.nodes), market.capacity, market.node[use], market.offer[use], weight)
    return np.sort(use[chosen[chosen >= 0]])


def oracle(market, truth):
    """The best possible: exact optimum of need weight x true probability."""
    return optimal_arcs(market, market.need[market.node] * truth)


def wegwijs(market):
    """The engine as deployed: learned and fixed components, exact allocation."""
    t = market.matcher.tables
    arc_of = {(p, o): a for a, (p, o) in enumerate(zip(market.person.tolist(),
                                                        market.offer.tolist(), strict=True))}
    chosen = [arc_of[t.person_index[a.inburgeraar_id], t.offer_index[a.offer_id]]
              for a in allocate(market.matcher).assignments]
    return np.sort(np.array(chosen, dtype=np.int64))


_WITHOUT_LEARNING = np.array([0.0 if c == "learned" else WEIGHTS[c] for c in COMPONENTS])


def pair_components(market):
    """The arcs' component values, shape (n, 9), and the engine's scores (n,)."""
    values, scores = market.matcher.score_pairs(market.person, market.offer, market.km)
    # The engine may hand the components over as a list of columns.
    return (np.column_stack(values) if isinstance(values, list) else values), scores


def wegwijs_without_learning(market):
    """The engine's allocation with the learned component left out, weights renormalised."""
    values, _ = pair_components(market)
    score = values @ (_WITHOUT_LEARNING / _WITHOUT_LEARNING.sum())
    return optimal_arcs(market, market.need[market.node] * score)


def learned_only(market):
    """Diagnostic: the exact allocation on the learned probability alone."""
    values, _ = pair_components(market)
    return optimal_arcs(market, market.need[market.node] * values[:, COMPONENTS.index("learned")])


def _in_order(market, order):
    """Walk arcs in ``order``; take an arc when its need is open and its offer has room."""
    taken = np.zeros(len(market.nodes), dtype=bool).tolist()
    room = market.capacity.tolist()
    node, offer = market.node.tolist(), market.offer.tolist()
    chosen = []
    for a in order.tolist():
        n, o = node[a], offer[a]
        if not taken[n] and room[o] > 0:
            taken[n] = True
            room[o] -= 1
            chosen.append(a)
    return np.sort(np.array(chosen, dtype=np.int64))


def greedy_nearest(market):
    """All eligible pairs, shortest distance first, across the whole cohort."""
    rank = market.matcher.tables.offers.id_rank[market.offer]
    return _in_order(market, np.lexsort((rank, market.person, market.km)))


def first_come_first_served(market):
    """People in order of arrival (row order); each need gets the nearest open place."""
    t = market.matcher.tables
    domain = t.offers.domain[market.offer]
    rank = t.offers.id_rank[market.offer]
    return _in_order(market, np.lexsort((rank, market.km, domain, market.person)))


def random_allocation(market):
    """People in random order; each need gets a random eligible open place."""
    rng = np.random.default_rng(market.random_seed)
    people = np.unique(market.person)
    turn = np.zeros(int(people.max()) + 1 if len(people) else 0)
    turn[people] = rng.permutation(len(people))
    return _in_order(market, np.lexsort((rng.random(len(market.offer)), market.node,
                                         turn[market.person])))


# Every policy but the oracle, which also needs the truth.
POLICIES = {
    "wegwijs": wegwijs,
    "wegwijs_without_learning": wegwijs_without_learning,
    "greedy_nearest": greedy_nearest,
    "first_come_first_served": first_come_first_served,
    "random": random_allocation,
}
# Not policies on offer, but yardsticks that show where the gap to the oracle lies.
DIAGNOSTICS = {"learned_only": learned_only}
LABELS = {
    "oracle": "Oracle (true probabilities)",
    "wegwijs": "Wegwijs (learned + optimal)",
    "wegwijs_without_learning": "Wegwijs without learning",
    "greedy_nearest": "Greedy nearest-first",
    "first_come_first_served": "First come, first served",
    "random": "Random",
    "oracle_systematic": "Oracle without luck (true rule, no hidden draws)",
    "learned_only": "Learned probability only, optimal",
}
