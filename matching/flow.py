"""Maximum-weight b-matching by min-cost flow, its optimal prices, exactly.

Each node (a person's need in one domain) takes at most one arc, each offer
at most its capacity; the integer weights summed over the chosen arcs are
maximal. Solved as a min-cost flow with OR-Tools: source -> node with
capacity 1; node -> offer for each arc, cost -weight; offer -> sink with the
offer's capacity; and node -> sink at cost 0, so a node may stay empty.

Large instances have millions of arcs, so :func:`optimal` solves by column
generation, which stays exact: solve with each node's best few arcs, compute
optimal dual prices of the restricted problem (a shortest-path problem on its
residual structure), and add every left-out arc whose reduced weight
``w - y_u - z_o`` is positive. When no such arc remains, the duals are
feasible for the full problem with equal objective, so by LP duality (the
constraint matrix is totally unimodular) the restricted optimum is the
optimum of the full problem.

The optimal prices ``z`` of the places are not unique: like the competitive
prices of Shapley and Shubik's assignment game they form a lattice, from the
least (what the first left-out claimant would pay) to the greatest (what the
last winner can pay). :func:`optimal` returns the greatest, :func:`least_prices`
the least.
"""

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.errors import MatchingError
from matching.grouping import best_per_group

__all__ = ["integer_weights", "least_prices", "optimal", "solve_b_matching"]

_INF = 2**60


def integer_weights(value, scale):
    """``value`` (need x score) as the solver's integer weights, at least 1."""
    return np.maximum(np.rint(value * scale), 1).astype(np.int64)


def _shortest_from(source, n, tail, head, length):
    """Bellman-Ford distances from ``source``, relaxing only edges of changed nodes."""
    # A stable sort of small integers is a radix sort, ten times faster than of int64.
    order = np.argsort(tail.astype(np.int16) if n <= np.iinfo(np.int16).max else tail,
                       kind="stable")
    tail, head, length = tail[order], head[order], length[order]
    starts = np.searchsorted(tail, np.arange(n + 1))
    dist = np.full(n, _INF, dtype=np.int64)
    dist[source] = 0
    active = np.array([source])
    for _ in range(n + 1):
        counts = starts[active + 1] - starts[active]
        total = int(counts.sum())
        if total == 0:
            return dist
        first = np.repeat(starts[active] - np.cumsum(counts) + counts, counts)
        edges = first + np.arange(total)
        new = dist.copy()
        np.minimum.at(new, head[edges], dist[tail[edges]] + length[edges])
        active = np.flatnonzero(new < dist)
        dist = new
        if len(active) == 0:
            return dist
    raise MatchingError("b-matching prices: negative cycle (the restricted flow was not optimal)")


def solve_b_matching(n_nodes, capacity, node, offer, weight):
    """Optimal b-matching on the given arcs; returns the index of each node's arc or -1.

    Each node takes at most one arc, each offer at most ``capacity`` arcs;
    the integer ``weight`` summed over the chosen arcs is maximal; all arcs
    at once, no column generation.
    """
    n_offers = len(capacity)
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    nodes = np.arange(n_nodes) + 2
    offers = np.arange(n_offers) + 2 + n_nodes
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n_nodes, source), nodes,
                                              np.ones(n_nodes, dtype=np.int64),
                                              np.zeros(n_nodes, dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(nodes, np.full(n_nodes, sink),
                                              np.ones(n_nodes, dtype=np.int64),
                                              np.zeros(n_nodes, dtype=np.int64))
    flow.add_arcs_with_capacity_and_unit_cost(offers, np.full(n_offers, sink), capacity,
                                              np.zeros(n_offers, dtype=np.int64))
    arcs = flow.add_arcs_with_capacity_and_unit_cost(node + 2, offer + 2 + n_nodes,
                                                     np.ones(len(node), dtype=np.int64), -weight)
    flow.set_node_supply(source, n_nodes)
    flow.set_node_supply(sink, -n_nodes)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise MatchingError(f"min-cost flow failed with status {status}")
    used = np.flatnonzero(flow.flows(arcs) > 0)
    chosen = np.full(n_nodes, -1, dtype=np.int64)
    chosen[node[used]] = used
    return chosen


def _price_constraints(capacity, node, offer, weight, chosen):
    """Optimal prices as difference constraints ``z_head <= z_tail + length`` on the offers.

    Complementary slackness turns the duals of a solved problem into
    difference constraints on z, with a zero node Z (offer index
    ``len(capacity)``): a matched node u at offer m pays
    ``y_u = w_um - z_m >= w_uo - z_o`` for each of its arcs (edge o -> m of
    length w_um - w_uo) and ``y_u >= 0`` (edge Z -> m, w_um); an unmatched
    node has ``y_u = 0``, so ``z_o >= w_uo`` (edge o -> Z, -w_uo); ``z >= 0``
    (edges o -> Z, 0); an offer with room has ``z = 0`` (edges Z -> o, 0).
    ``chosen`` is each node's arc (an index into these arrays) or -1.
    """
    n_offers = len(capacity)
    zero = n_offers
    matched = chosen[node] >= 0
    at = np.where(matched, offer[np.maximum(chosen[node], 0)], -1)
    at_weight = np.where(matched, weight[np.maximum(chosen[node], 0)], 0)
    others = matched & (offer != at)
    used = np.bincount(offer[chosen[chosen >= 0]], minlength=n_offers)
    room = np.flatnonzero(used < capacity)
    best = chosen[chosen >= 0]
    tail = np.concatenate([offer[others], np.full(len(best), zero), offer[~matched],
                           np.arange(n_offers), np.full(len(room), zero)])
    head = np.concatenate([at[others], offer[best], np.full(np.count_nonzero(~matched), zero),
                           np.full(n_offers, zero), room])
    length = np.concatenate([at_weight[others] - weight[others], weight[best], -weight[~matched],
                             np.zeros(n_offers, dtype=np.int64), np.zeros(len(room), np.int64)])
    return tail, head, length


def _duals(n_nodes, capacity, node, offer, weight, chosen):
    """The optimal duals (y per node, z per offer) with the greatest prices z."""
    n_offers = len(capacity)
    tail, head, length = _price_constraints(capacity, node, offer, weight, chosen)
    z = _shortest_from(n_offers, n_offers + 1, tail, head, length)[:n_offers]
    return _node_duals(n_nodes, node, offer, weight, chosen, z), z


def _node_duals(n_nodes, node, offer, weight, chosen, z):
    best = chosen[chosen >= 0]
    y = np.zeros(n_nodes, dtype=np.int64)
    y[node[best]] = weight[best] - z[offer[best]]
    return y


def least_prices(n_nodes, capacity, node, offer, weight, chosen, considered):
    """The least optimal prices z of a solved problem, feasible for every arc.

    ``chosen`` and ``considered`` come from :func:`optimal`. The least prices
    are the greatest ones of the reversed constraints, negated; left-out arcs
    are added while one would be violated, as in the column generation.
    """
    n_offers = len(capacity)
    use = considered.copy()
    while True:
        idx = np.flatnonzero(use)
        local = np.full(len(weight), -1, dtype=np.int64)
        local[idx] = np.arange(len(idx))
        mine = np.where(chosen >= 0, local[np.maximum(chosen, 0)], -1)
        tail, head, length = _price_constraints(capacity, node[idx], offer[idx], weight[idx], mine)
        z = -_shortest_from(n_offers, n_offers + 1, head, tail, length)[:n_offers]
        y = _node_duals(n_nodes, node, offer, weight, chosen, z)
        violated = (weight - y[node] - z[offer] > 0) & ~use
        if not violated.any():
            return z
        use |= violated


def optimal(n_nodes, capacity, node, offer, weight, key, initial_arcs, start=None):
    """Column generation over arcs grouped by node: each node's chosen arc or -1, and duals.

    Returns ``(chosen, y, z, considered)``: the duals ``(y, z)`` (per node, per
    offer, z the greatest prices) are optimal and feasible for every arc, so
    ``weight - y[node] - z[offer] <= 0`` throughout; ``considered`` marks the
    arcs the last restricted problem had.

    ``key`` orders a node's arcs best first (unique per node); the solver gets
    the kept arcs node by node in that order, so ties resolve the same way.
    ``start``, a mask of arcs, replaces each node's ``initial_arcs`` best as
    the first round's arcs (a similar problem's ``considered`` saves rounds).
    """
    if start is not None:
        kept = start.copy()
    else:
        starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]]) if len(node) else node[:0]
        kept = best_per_group(starts, key, initial_arcs)
    while True:
        idx = _node_major(np.flatnonzero(kept), node, key)
        local = solve_b_matching(n_nodes, capacity, node[idx], offer[idx], weight[idx])
        chosen = np.full(n_nodes, -1, dtype=np.int64)
        chosen[local >= 0] = idx[local[local >= 0]]
        y, z = _duals(n_nodes, capacity, node[idx], offer[idx], weight[idx], local)
        gain = weight - y[node] - z[offer]
        violated = np.flatnonzero((gain > 0) & ~kept)
        if len(violated) == 0:
            return chosen, y, z, kept
        # Add each node's most violated arcs, as many as it started with.
        order = violated[np.lexsort((key[violated], -gain[violated], node[violated]))]
        first = np.r_[True, node[order][1:] != node[order][:-1]]
        group = np.cumsum(first) - 1
        within = np.arange(len(order)) - np.flatnonzero(first)[group]
        kept[order[within < initial_arcs]] = True


def _node_major(idx, node, key):
    """``idx`` ordered by node, then key: one stable sort of a combined key where it fits
    in 64 bits (on arcs already grouped by node that is nearly a merge), else a lexsort."""
    if len(idx) == 0:
        return idx
    nodes, keys = node[idx].astype(np.int64), key[idx]
    low, span = int(keys.min()), int(keys.max()) - int(keys.min()) + 1
    if (int(nodes.max()) + 1) * span >= 2**62:
        return idx[np.lexsort((keys, nodes))]
    return idx[np.argsort(nodes * span + (keys - low), kind="stable")]
