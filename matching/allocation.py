"""Allocation: the optimal division of scarce places.

Maximise the sum of need weight x score (the chance of success) over assignments, with at most one
offer per (inburgeraar, domain of need) and no offer over its capacity. That
is a maximum-weight b-matching, solved exactly as a min-cost flow with
OR-Tools: source -> (person, domain) with capacity 1; (person, domain) ->
offer for each eligible pair, cost -weight; offer -> sink with the offer's
capacity; and (person, domain) -> sink at cost 0, so a node may stay empty.
Weights are scaled to integers with 2**30 as the largest, so rounding moves
the objective by far less than 1e-6.

Large instances have millions of eligible pairs, so the flow is solved by
column generation, which stays exact: solve with each node's best few arcs,
compute optimal dual prices of the restricted problem (a shortest-path
problem on its residual structure), and add every left-out arc whose reduced
weight ``w - y_u - z_o`` is positive. When no such arc remains, the duals
are feasible for the full problem with equal objective, so by LP duality
(the constraint matrix is totally unimodular) the restricted optimum is the
optimum of the full problem.

Places over time (the scenario's ``forecast``). The contract asks for the
maximum of this batch's total plus the expected total of the forecast people
on the places left. Each forecast person stands for one expected arrival, so
that expected total is the optimum of the same b-matching over the forecast
people, and the problem is solved exactly by one b-matching over batch and
forecast together, of which the batch's part is kept (the forecast's part
says which places are left free). This is the deterministic counterpart of
Annie MOORE's potentials (Ahani et al., 2024): the optimal duals ``z_o`` of
the joint problem are the prices of the places over the expected future, and
a batch person gets place ``o`` exactly when its weight covers ``z_o``; we
solve the joint problem rather than price first, so that nothing is lost to
sampling and the result is optimal for the stated problem. A forecast arc
weighs one integer unit less (2**-30 of the largest), so a place is only kept
for a strictly larger gain; with an empty forecast nothing changes. The
forecast's people share the batch's learned model (``Matcher.with_people``).
"""

from dataclasses import dataclass, field, replace

import numpy as np
from ortools.graph.python import min_cost_flow

from matching import vocab
from matching.duaal import COUPLED, keep_duaal, needs_duaal
from matching.eligibility import shortage_reasons
from matching.errors import MatchingError
from matching.grouping import best_per_group
from matching.ranking import Matcher

__all__ = ["FULL", "KEPT", "Allocation", "Assignment", "Unassigned", "allocate"]

FULL = "alle passende plekken zijn vol"
# An unassigned need's reason starts so when a place it could have had was kept.
KEPT = "plek bewaard"
_FORECAST_ID = "\x00forecast:"
_TOP = 2**30
_INF = 2**60


@dataclass(frozen=True, slots=True)
class Assignment:
    """One person placed in one offer for one domain of need."""

    inburgeraar_id: str
    offer_id: str
    domain: str
    score: float
    weight: float


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A (person, domain of need) left without an offer, and why."""

    inburgeraar_id: str
    domain: str
    reason: str


@dataclass(frozen=True, slots=True)
class Allocation:
    """The result of :func:`allocate`."""

    assignments: list
    unassigned: list
    objective: float
    # Offer id -> places left free for forecast people (not in the contract's JSON).
    kept: dict = field(default_factory=dict)

    def to_dict(self):
        """The contract's JSON shape, numbers rounded to 4 decimals."""
        return {
            "assignments": [{"inburgeraar_id": a.inburgeraar_id, "offer_id": a.offer_id,
                             "domain": a.domain, "score": round(a.score, 4)}
                            for a in self.assignments],
            "unassigned": [{"inburgeraar_id": u.inburgeraar_id, "domain": u.domain,
                            "reason": u.reason} for u in self.unassigned],
            "objective": round(self.objective, 4),
        }


def _domain_arcs(matcher, d):
    """Eligible arcs of domain ``d`` as (person, offer, score, need x score), person-major."""
    t = matcher.tables
    parts = []
    for p, o, km in matcher.eligible_pairs(domain=vocab.DOMAINS[d]):
        scores = matcher.score_pairs(p, o, km)
        parts.append((p, o, scores, t.people.needs[p, d] * scores))
    arcs = tuple(np.concatenate(c) for c in zip(*parts, strict=True)) if parts else ()
    return arcs if arcs and len(arcs[0]) else None


def _shortest_from(source, n, tail, head, length):
    """Bellman-Ford distances from ``source``, relaxing only edges of changed nodes."""
    order = np.argsort(tail, kind="stable")
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
    raise MatchingError("allocation duals: negative cycle (the restricted flow was not optimal)")


def solve_b_matching(n_nodes, capacity, node, offer, weight):
    """Optimal b-matching on the given arcs; returns the index of each node's arc or -1.

    Each node takes at most one arc, each offer at most ``capacity`` arcs;
    the integer ``weight`` summed over the chosen arcs is maximal. The
    evaluation's policies (``matching.evaluation.policies``) solve with it too.
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


def _duals(n_nodes, capacity, node, offer, weight, chosen):
    """Optimal dual prices (y per node, z per offer) of a solved restricted problem.

    Complementary slackness turns them into difference constraints on z, with
    a zero node Z (offer index ``len(capacity)``), solved by shortest paths:
    a matched node u at offer m pays ``y_u = w_um - z_m >= w_uo - z_o`` for each
    of its arcs (edge o -> m of length w_um - w_uo) and ``y_u >= 0`` (edge Z -> m,
    w_um); an unmatched node has ``y_u = 0``, so ``z_o >= w_uo`` (edge o -> Z,
    -w_uo); ``z >= 0`` (edges o -> Z, 0); an offer with room has ``z = 0``
    (edges Z -> o, 0).
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
    z = _shortest_from(zero, n_offers + 1, tail, head, length)[:n_offers]
    y = np.zeros(n_nodes, dtype=np.int64)
    y[node[best]] = weight[best] - z[offer[best]]
    return y, z


def _optimal(n_nodes, capacity, node, offer, weight, key, initial_arcs):
    """Column generation over arcs grouped by node: each node's chosen arc or -1, and duals.

    The duals ``(y, z)`` (per node, per offer) are optimal and feasible for
    every arc, so ``weight - y[node] - z[offer] <= 0`` throughout.

    ``key`` orders a node's arcs best first (unique per node); the solver gets
    the kept arcs node by node in that order, so ties resolve the same way.
    """
    starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]]) if len(node) else node[:0]
    kept = best_per_group(starts, key, initial_arcs)
    while True:
        idx = np.flatnonzero(kept)
        idx = idx[np.lexsort((key[idx], node[idx]))]
        local = solve_b_matching(n_nodes, capacity, node[idx], offer[idx], weight[idx])
        chosen = np.full(n_nodes, -1, dtype=np.int64)
        chosen[local >= 0] = idx[local[local >= 0]]
        y, z = _duals(n_nodes, capacity, node[idx], offer[idx], weight[idx], local)
        gain = weight - y[node] - z[offer]
        violated = np.flatnonzero((gain > 0) & ~kept)
        if len(violated) == 0:
            return chosen, y, z
        # Add each node's most violated arcs, as many as it started with.
        order = violated[np.lexsort((key[violated], -gain[violated], node[violated]))]
        first = np.r_[True, node[order][1:] != node[order][:-1]]
        group = np.cumsum(first) - 1
        within = np.arange(len(order)) - np.flatnonzero(first)[group]
        kept[order[within < initial_arcs]] = True


def allocate(source, domain=None, initial_arcs=8):
    """The optimal allocation of offers to inburgeraars.

    The problem falls apart by domain (each offer has one domain, and a
    (person, domain) node only reaches offers of it), so each domain is
    solved on its own; together they give the joint optimum. With a
    ``forecast`` in the scenario, its people join each domain's problem as
    nodes of their own (see the module's docstring); only this batch's
    assignments are returned.

    Parameters
    ----------
    source : Scenario or Matcher
        A scenario, or a matcher already built over one.
    domain : str, optional
        Only this domain.
    initial_arcs : int, default 8
        Arcs per (person, domain) in the first round of column generation; any
        value gives the same optimum.

    Returns
    -------
    Allocation

    Examples
    --------
    >>> from matching.scenario import read_scenario
    >>> result = allocate(read_scenario("matching/contract/example-scenario.json"))
    >>> [(a.inburgeraar_id, a.offer_id) for a in result.assignments]
    [('i1', 'o1'), ('i1', 'o4')]
    >>> [(u.inburgeraar_id, u.domain, u.reason) for u in result.unassigned][:1]
    [('i1', 'werk', 'geen aanbod op niveau A1')]
    """
    matcher = source if isinstance(source, Matcher) else Matcher(source)
    batch = len(matcher.tables.people.ids)
    if matcher.scenario.forecast:
        matcher = matcher.with_people(_with_forecast(matcher.scenario))
    t = matcher.tables
    n_domains = len(vocab.DOMAINS)
    needs = t.people.needs.copy()
    if domain is not None:
        needs[:, np.arange(n_domains) != vocab.DOMAINS.index(domain)] = 0
    node_keys = np.flatnonzero(needs[:batch].reshape(-1) > 0)
    chosen = _Chosen(len(node_keys))
    capacity = np.maximum(t.offers.capacity, 0)
    domains = np.unique(node_keys % n_domains).tolist()
    if needs_duaal(t, needs) and set(COUPLED) <= set(domains):
        # Taal and werk are one problem for duaal people: one weight scale for both.
        arcs = [_domain_arcs(matcher, d) for d in COUPLED]
        if all(a is not None for a in arcs):
            top = max(a[3].max() for a in arcs)
            pair = [_Problem.build(t, d, a, needs, capacity, batch, _TOP / top)
                    for d, a in zip(COUPLED, arcs, strict=True)]
            for problem in pair:
                problem.solve(initial_arcs)
            keep_duaal(t, *pair, initial_arcs=initial_arcs)
            for problem in pair:
                _record(t, chosen, node_keys, batch, problem)
            domains = [d for d in domains if d not in COUPLED]
    for d in domains:
        arcs = _domain_arcs(matcher, d)
        if arcs is None:
            continue
        problem = _Problem.build(t, d, arcs, needs, capacity, batch, _TOP / arcs[3].max())
        problem.solve(initial_arcs)
        _record(t, chosen, node_keys, batch, problem)
    return _result(t, node_keys, chosen)


class _Problem:
    """One domain's b-matching: arcs by person and offer row, and by node and local offer."""

    @classmethod
    def build(cls, t, d, arcs, needs, capacity, batch, scale):
        self = cls()
        p, o, score, value = arcs
        weight = np.maximum(np.rint(value * scale), 1).astype(np.int64)
        # A forecast person's arc weighs one unit (2**-30 of the largest) less: ties go
        # to the people who are here now.
        weight -= p >= batch
        if (weight <= 0).any():
            p, o, score, value, weight = (x[weight > 0] for x in (p, o, score, value, weight))
        self.d, self.p, self.o, self.score, self.value, self.weight = d, p, o, score, value, weight
        self.needy = np.flatnonzero(needs[:, d] > 0)
        self.cols = np.flatnonzero(t.offers.domain == d)
        self.capacity = capacity[self.cols]
        self.node = _positions(self.needy, len(t.people.ids))[p]
        self.offer = _positions(self.cols, len(capacity))[o]
        # Best first: higher weight, then lower offer id; unique per node.
        self.key = (_TOP - weight) * len(t.offers.ids) + t.offers.id_rank[o]
        self.here = int(np.searchsorted(self.needy, batch))  # nodes of this batch come first
        return self

    def solve(self, initial_arcs, use=None):
        """Each node's optimal arc (``self.arc``) and the duals, over the arcs in ``use``."""
        idx = np.arange(len(self.p)) if use is None else np.flatnonzero(use)
        arc, y, z = _optimal(len(self.needy), self.capacity, self.node[idx], self.offer[idx],
                             self.weight[idx], self.key[idx], initial_arcs)
        arc = np.where(arc >= 0, idx[np.maximum(arc, 0)], -1) if len(idx) else arc
        if use is None:
            self.arc, self.y, self.z = arc, y, z
        return arc


def _record(t, chosen, node_keys, batch, problem):
    """Copy a solved domain's batch assignments into ``chosen``; note the kept places."""
    n_domains = len(vocab.DOMAINS)
    here, arc, node, o = problem.here, problem.arc, problem.node, problem.o
    at = np.searchsorted(node_keys, problem.needy[:here] * n_domains + problem.d)
    chosen.has_arcs[at[np.bincount(node, minlength=len(problem.needy))[:here] > 0]] = True
    done = arc[:here][arc[:here] >= 0]
    chosen.offer[at[node[done]]] = o[done]
    chosen.score[at[node[done]]] = problem.score[done]
    chosen.value[at[node[done]]] = problem.value[done]
    held = arc[here:][arc[here:] >= 0]
    if len(held):
        _note_kept(t, chosen, at, here, arc, (node, o, problem.value), held)


def _with_forecast(scenario):
    """The scenario with its forecast people appended to the batch, under ids of their own."""
    expected = tuple(replace(f, id=f"{_FORECAST_ID}{k}") for k, f in enumerate(scenario.forecast))
    return replace(scenario, inburgeraars=(*scenario.inburgeraars, *expected), forecast=())


def _note_kept(t, chosen, at, here, arc, arcs, held):
    """Count the places forecast people hold, and tell each batch node left out why.

    A batch node without an offer whose arcs reach a held place is told about
    its most valuable such place, with the least value a forecast person
    holding it there adds: by optimality (no swap gains) that is at least its own.
    """
    node, o, value = arcs
    kept = np.bincount(o[held], minlength=len(t.offers.ids))
    least = np.full(len(t.offers.ids), np.inf)
    np.minimum.at(least, o[held], value[held])
    left = (node < here) & (arc[node] < 0) & (kept[o] > 0)
    rows = np.flatnonzero(left)
    rows = rows[np.lexsort((-value[rows], node[rows]))]
    first = rows[np.r_[True, node[rows][1:] != node[rows][:-1]]] if len(rows) else rows
    for a in first.tolist():
        chosen.kept_reason[int(at[node[a]])] = (
            f"{KEPT}: {t.offers.ids[o[a]]} blijft vrij voor verwachte inburgeraars die er meer "
            f"aan hebben (prioriteit × kans van slagen {_comma(least[o[a]])} tegen "
            f"{_comma(value[a])})")
    for k in np.flatnonzero(kept).tolist():
        chosen.kept[t.offers.ids[k]] = chosen.kept.get(t.offers.ids[k], 0) + int(kept[k])


def _comma(x):
    return f"{x:.2f}".replace(".", ",")


def _positions(rows, n):
    """Lookup from a row to its index in the sorted ``rows`` (a gather, not a search)."""
    out = np.full(n, -1, dtype=np.int64)
    out[rows] = np.arange(len(rows))
    return out


class _Chosen:
    """Per (person, domain) node: whether it has arcs, and its chosen arc's offer and values."""

    def __init__(self, n):
        self.has_arcs = np.zeros(n, dtype=bool)
        self.offer = np.full(n, -1, dtype=np.int64)
        self.score = np.zeros(n)
        self.value = np.zeros(n)
        self.kept_reason = {}
        self.kept = {}


def _result(t, node_keys, chosen):
    n_domains = len(vocab.DOMAINS)
    people, domains = node_keys // n_domains, node_keys % n_domains
    has_arcs = chosen.has_arcs
    reason = {}
    for d in np.unique(domains[~has_arcs]):
        rows = np.flatnonzero(~has_arcs & (domains == d))
        reason.update(zip(rows.tolist(), shortage_reasons(t, people[rows], int(d)), strict=True))
    assignments, unassigned = [], []
    person_ids, offer_ids = t.people.ids, t.offers.ids
    for k, (person, d, offer, score, value) in enumerate(zip(
            people.tolist(), domains.tolist(), chosen.offer.tolist(), chosen.score.tolist(),
            chosen.value.tolist(), strict=True)):
        if offer >= 0:
            assignments.append(Assignment(person_ids[person], offer_ids[offer],
                                          vocab.DOMAINS[d], score, value))
        else:
            unassigned.append(Unassigned(person_ids[person], vocab.DOMAINS[d],
                                         reason.get(k) or chosen.kept_reason.get(k, FULL)))
    # The contract's objective is over the scores as printed (4 decimals).
    objective = float(sum(t.people.needs[t.person_index[a.inburgeraar_id],
                                         vocab.DOMAINS.index(a.domain)] * round(a.score, 4)
                          for a in assignments))
    return Allocation(assignments, unassigned, objective, dict(sorted(chosen.kept.items())))
