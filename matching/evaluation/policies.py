"""The allocation policies compared, over the same eligible pairs and capacities.

A policy sees a :class:`Market`: the engine's matcher over the cohort's
scenario, the eligible (person, offer) arcs, the needs and the free places.
It returns the arcs it chooses, at most one per (person, domain of need) and
no offer over capacity. Only :func:`oracle` is also given the hidden truth.
"""

from dataclasses import dataclass

import numpy as np

from matching import vocab
from matching.allocation import allocate
from matching.flow import solve_b_matching
from matching.history import outcomes_of
from matching.learning import SuccessModel
from matching.pairs import PairFacts
from matching.ranking import Matcher
from matching.scoring import prior_logit

__all__ = ["DIAGNOSTICS", "LABELS", "POLICIES", "Market", "build_market", "engine_models",
           "oracle", "optimal_arcs", "prior_probability", "scores"]

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
    # The engine's variants (name -> success model), for the ablations in VARIANTS.
    variants: dict


def build_market(cohort, seed, models=None):
    """The engine's matcher over a cohort's scenario and the cohort's eligible arcs.

    ``models`` (from :func:`engine_models`, fitted once on the history, which
    every cohort shares) saves fitting the same model per cohort.
    """
    models = models or {}
    matcher = (Matcher(cohort.scenario) if "wegwijs" not in models
               else Matcher(cohort.scenario, check=False, success_model=models["wegwijs"]))
    t = matcher.tables
    parts = list(matcher.eligible_pairs(people=cohort.people))
    p, o, km = (np.concatenate(c) for c in zip(*parts, strict=True)) if parts else (
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    n_domains = len(vocab.DOMAINS)
    needs = t.people.needs[cohort.people]
    nodes = (cohort.people[:, None] * n_domains + np.arange(n_domains))[needs > 0]
    node = np.searchsorted(nodes, p * n_domains + t.offers.domain[o])
    return Market(matcher, p, o, km, node, nodes, needs[needs > 0],
                  np.maximum(t.offers.capacity, 0), (seed, _RANDOM_STREAM, cohort.index),
                  {k: v for k, v in models.items() if k != "wegwijs"})


def engine_models(history_scenario, seed=0):
    """The engine's success model fitted on the history, and its ablations.

    ``wegwijs`` is the engine as deployed; ``wegwijs_all_alike`` weighs every
    outcome alike and keeps each record still (no half-life, no drift);
    ``wegwijs_as_now`` learns from the persons as they are now, ignoring
    ``as_referred``.
    """
    as_referred = outcomes_of(history_scenario)
    as_now = outcomes_of(history_scenario, as_referred=False)
    return {
        "wegwijs": SuccessModel(random_state=seed).fit_outcomes(as_referred),
        "wegwijs_all_alike": SuccessModel(half_lives=(), drifts=(),
                                          random_state=seed).fit_outcomes(as_referred),
        "wegwijs_as_now": SuccessModel(random_state=seed).fit_outcomes(as_now),
    }


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


def wegwijs(market, variant=None):
    """The engine as deployed: learned and fixed components, exact allocation.

    ``variant`` names one of the market's ablated models instead.
    """
    matcher = market.matcher if variant is None else market.matcher.with_model(
        market.variants[variant])
    t = matcher.tables
    arc_of = {(p, o): a for a, (p, o) in enumerate(zip(market.person.tolist(),
                                                        market.offer.tolist(), strict=True))}
    chosen = [arc_of[t.person_index[a.inburgeraar_id], t.offer_index[a.offer_id]]
              for a in allocate(matcher).assignments]
    return np.sort(np.array(chosen, dtype=np.int64))


def _variant(name):
    def policy(market):
        return wegwijs(market, name) if name in market.variants else np.zeros(0, dtype=np.int64)

    policy.__doc__ = f"Wegwijs with the ablated model {name!r} (see engine_models)."
    return policy


def scores(market):
    """The engine's estimated chance of success of every arc."""
    return market.matcher.score_pairs(market.person, market.offer, market.km)


def prior_probability(market):
    """The prior's chance of success of every arc: what the engine says without history."""
    t = market.matcher.tables
    logit, _ = prior_logit(PairFacts(t, market.person, market.offer, market.km))
    return 1 / (1 + np.exp(-logit))


def prior_alone(market):
    """The exact allocation on the prior's chance: the engine without learning."""
    return optimal_arcs(market, market.need[market.node] * prior_probability(market))


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
    "prior_alone": prior_alone,
    "greedy_nearest": greedy_nearest,
    "first_come_first_served": first_come_first_served,
    "random": random_allocation,
}
# Not policies on offer, but yardsticks that show where the gap to the oracle lies:
# the engine without time weighting, and learning from the persons as now.
DIAGNOSTICS = {"wegwijs_all_alike": _variant("wegwijs_all_alike"),
               "wegwijs_as_now": _variant("wegwijs_as_now")}
LABELS = {
    "oracle": "Oracle (true probabilities)",
    "wegwijs": "Wegwijs (learned + optimal)",
    "prior_alone": "Prior alone (no learning), optimal",
    "greedy_nearest": "Greedy nearest-first",
    "first_come_first_served": "First come, first served",
    "random": "Random",
    "oracle_systematic": "Oracle without luck (true rule, no hidden draws)",
    "wegwijs_all_alike": "Wegwijs, every outcome weighed alike (no time weighting)",
    "wegwijs_as_now": "Wegwijs, learning from the persons as now (as_referred ignored)",
}
