"""Duale trajecten: taal and werk places that fit in one week, still optimal.

A person with ``duaal`` who gets both a taal and a werk place must get two
offers whose schedules share no day part (an offer without a schedule fits
any). That couples the taal and the werk b-matchings, and the coupled problem
is no longer a flow, so it is solved as an integer program, exactly:

1. Solve both domains as flows, ignoring the rule (a relaxation). If no duaal
   person's two places collide, that is optimal for the coupled problem too,
   and nothing more is done: the common case stays as fast as the flow.
2. Otherwise a feasible solution (the better of two repairs: keep the taal
   places and re-solve werk without the arcs that collide with them, or the
   other way round) gives a lower bound LB. Lagrangian relaxation of the rule
   gives an upper bound UB: each (duaal person, day part) gets a price, arcs
   pay the prices of the day parts they use, and taal and werk are two flows
   again; the prices follow the subgradient. Its rounds also give better
   solutions (those that keep the rule, and repairs of those that nearly do).
   If UB = LB, the best solution is optimal and nothing more is done.
3. Otherwise every solution x has ``value(x) <= UB + sum(rc_a x_a)`` with the
   Lagrangian reduced weights ``rc_a <= 0``; an arc with ``rc_a < LB - UB``
   is in no solution better than LB, so it is dropped (reduced-cost fixing;
   the best solution's own arcs always stay). The remaining arcs go to OR-Tools
   CP-SAT as a 0/1 program: at most one arc per (person, domain), no offer
   over capacity, and for each duaal person and day part, at most one of its
   taal and werk places uses that day part. It must prove optimality; it
   starts from the best solution.

The weights are the flows' integers (one scale for taal and werk), so the
result is the exact optimum of the same integer problem the flow solves.
Where several optima tie, which one CP-SAT's parallel workers return may vary
between runs; the objective does not.

Measured (bench/bench_matching_dynamic.py, 5,000 x 2,000, a fifth duaal):
with a forecast solved jointly the rule costs 2.9x the time without (the
forecast keeps its places from the joint relaxation, and the batch's taal and
werk are coupled on the rest; allocation.py); with potentials 1.08x, since
the batch's priced places rarely collide. Known limit: without a forecast,
many collisions leave the bounds a tenth of the largest weight apart, which
rules out few arcs, and CP-SAT takes seconds to minutes (2,000 x 800: 5.9 s
against 0.13 s). Tried and left for later: with the rule per arc (a taal arc and the
werk arcs colliding with it hold one place together) the linear relaxation was
integral on the generated coalitions, but column generation with HiGHS
stalled on degenerate duals and the whole program took minutes at 5,000 x 2,000.
"""

from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from matching import vocab
from matching.errors import MatchingError
from matching.flow import optimal

__all__ = ["COUPLED", "conflicts", "keep_duaal", "needs_duaal"]

COUPLED = (vocab.DOMAINS.index("taal"), vocab.DOMAINS.index("werk"))
_DAY_PARTS = len(vocab.DAYPARTS)
_WORKERS = 8
_ROUNDS = 30


def needs_duaal(t, needs):
    """Whether some duaal person needs both taal and werk (so the rule can bind).

    ``needs`` covers the first rows of the tables (this batch, without a forecast).
    """
    taal, werk = COUPLED
    duaal = t.people.duaal[:len(needs)]
    return bool((duaal & (needs[:, taal] > 0) & (needs[:, werk] > 0)).any())


def _placed(t, problem, arc=None):
    """Per person row, the offer row of its chosen arc in ``problem``, or -1."""
    arc = problem.arc if arc is None else arc
    out = np.full(len(t.people.ids), -1, dtype=np.int64)
    done = arc[arc >= 0]
    out[problem.p[done]] = problem.o[done]
    return out


def conflicts(t, taal_offer, werk_offer):
    """Per person row: duaal, placed in both, and the two schedules share a day part."""
    both = t.people.duaal & (taal_offer >= 0) & (werk_offer >= 0)
    schedule = t.offers.schedule
    shared = schedule[np.maximum(taal_offer, 0)] & schedule[np.maximum(werk_offer, 0)]
    return both & (shared != 0)


def _repair(t, fixed, free, initial_arcs, fixed_arc=None):
    """Keep ``fixed``'s places (``fixed_arc``, else its solution); re-solve ``free`` without
    arcs that collide with them. Returns the value and both problems' arcs, in order."""
    fixed_arc = fixed.arc if fixed_arc is None else fixed_arc
    placed = _placed(t, fixed, fixed_arc)
    held = np.maximum(placed[free.p], 0)
    collide = (t.people.duaal[free.p] & (placed[free.p] >= 0)
               & ((t.offers.schedule[held] & t.offers.schedule[free.o]) != 0))
    arc = free.solve(initial_arcs, use=~collide)
    value = int(fixed.weight[fixed_arc[fixed_arc >= 0]].sum() + free.weight[arc[arc >= 0]].sum())
    return Incumbent(value, (fixed_arc, arc) if fixed.d == COUPLED[0] else (arc, fixed_arc))


def keep_duaal(t, taal, werk, initial_arcs=8):
    """Make the solved taal and werk problems keep the duaal rule, optimally.

    ``taal`` and ``werk`` are solved domain problems (``arc``, ``y``, ``z``,
    ``weight``, ``node``, ``offer``, ``p``, ``o``, ``capacity``); their ``arc``
    is replaced by the coupled optimum when the relaxation broke the rule.
    """
    if not conflicts(t, _placed(t, taal), _placed(t, werk)).any():
        return
    best = max(_repair(t, taal, werk, initial_arcs), _repair(t, werk, taal, initial_arcs),
               key=lambda s: s.value)
    upper, reduced = _lagrangian(t, (taal, werk), best, initial_arcs)
    if upper > best.value:
        keep = []
        for rc, arc in zip(reduced, best.arcs, strict=True):
            use = rc >= best.value - upper
            use[arc[arc >= 0]] = True
            keep.append(np.flatnonzero(use))
        best = Incumbent(best.value, _solve(t, (taal, werk), keep, best.arcs))
    taal.arc, werk.arc = best.arcs


@dataclass
class Incumbent:
    """The best solution keeping the rule found so far: its value and each problem's arcs."""

    value: int
    arcs: tuple


def _lagrangian(t, problems, best, initial_arcs):
    """The Lagrangian bound of the coupled problem, and each arc's reduced weight under it.

    Each (duaal person, day part) constraint gets a price ``lam >= 0``; an arc
    pays the prices of its person's day parts its offer uses, and the two
    domains are two flows again. For every solution x keeping the rule,
    ``value(x) <= L(lam) + sum(rc_a x_a)`` with ``L`` the two flows' optimum
    plus the sum of the prices and ``rc_a <= 0`` the arc's reduced weight, so
    the closer ``L`` comes to the best solution, the more arcs are ruled out.
    The prices follow the subgradient (Polyak's step) for up to ``_ROUNDS``
    rounds; a round whose flows keep the rule is a solution too (``best``).
    """
    rows = np.flatnonzero(t.people.duaal)
    lam = np.zeros((len(t.people.ids), _DAY_PARTS), dtype=np.int64)
    bits = [_bits(t.offers.schedule[q.o]) & t.people.duaal[q.p][:, None] for q in problems]
    start = [None, None]
    upper, reduced, step, stalled, fewest = None, None, 1.0, 0, np.inf
    for _ in range(_ROUNDS):
        value, cover, rcs = 0, np.zeros_like(lam), []
        chosen = []
        for k, (q, b) in enumerate(zip(problems, bits, strict=True)):
            weight = q.weight - (b * lam[q.p]).sum(axis=1)
            arc, y, z, considered = _penalised(q, weight, initial_arcs, start[k])
            start[k] = considered
            done = arc[arc >= 0]
            value += int(weight[done].sum())
            np.add.at(cover, q.p[done], b[done])
            rcs.append(weight - y[q.node] - z[q.offer])
            chosen.append(arc)
        bound = value + int(lam.sum())
        if upper is None or bound < upper:
            upper, reduced, stalled = bound, rcs, 0
        else:
            stalled += 1
            if stalled >= 2:
                step, stalled = step / 2, 0
        clashes = int((cover > 1).sum())
        if clashes == 0:
            true = sum(int(q.weight[a[a >= 0]].sum()) for q, a in zip(problems, chosen,
                                                                       strict=True))
            found = [Incumbent(true, tuple(chosen))]
        elif clashes <= fewest:
            # Near the rule: repaired, these solutions are far better than the first repair.
            fewest = clashes
            found = [_repair(t, problems[k], problems[1 - k], initial_arcs, chosen[k])
                     for k in (0, 1)]
        else:
            found = []
        for candidate in found:
            if candidate.value > best.value:
                best.value, best.arcs = candidate.value, candidate.arcs
        if upper <= best.value:
            break
        gradient = (1 - cover)[rows]
        moving = (gradient < 0) | (lam[rows] > 0)
        norm = float((gradient[moving] ** 2).sum())
        if norm == 0:
            break
        lam[rows] = np.maximum(
            0, lam[rows] - np.rint(step * (bound - best.value) / norm * gradient)
        ).astype(np.int64)
    return upper, reduced


def _penalised(q, weight, initial_arcs, start):
    """``q``'s b-matching on other weights: each node's arc, the duals and the arcs considered."""
    use = weight > 0
    idx = np.flatnonzero(use)
    top = int(weight.max()) + 1 if len(idx) else 1
    key = (top - weight[idx]) * (int(q.offer.max()) + 1 if len(q.offer) else 1) + q.offer[idx]
    arc, y, z, considered = optimal(len(q.needy), q.capacity, q.node[idx], q.offer[idx],
                                    weight[idx], key, initial_arcs,
                                    start=None if start is None else start[idx])
    arc = np.where(arc >= 0, idx[np.maximum(arc, 0)], -1) if len(idx) else arc
    mask = np.zeros(len(weight), dtype=bool)
    mask[idx[considered]] = True
    return arc, y, z, mask


def _bits(schedule):
    """Per mask, its day parts as a 0/1 matrix."""
    return (schedule[:, None] >> np.arange(_DAY_PARTS)) & 1


def _solve(t, problems, keep, hint):
    """The 0/1 program over the kept arcs with CP-SAT; each problem's new ``arc``."""
    model = cp_model.CpModel()
    objective, parts = [], []
    for q, idx, arc in zip(problems, keep, hint, strict=True):
        x = [model.new_bool_var("") for _ in range(len(idx))]
        hinted = np.zeros(len(q.p), dtype=bool)
        hinted[arc[arc >= 0]] = True
        for var, h in zip(x, hinted[idx].tolist(), strict=True):
            model.add_hint(var, h)
        for group in _groups(q.node[idx]):
            model.add_at_most_one(x[k] for k in group)
        for group in _groups(q.offer[idx]):
            if len(group) > q.capacity[q.offer[idx[group[0]]]]:
                model.add(sum(x[k] for k in group) <= int(q.capacity[q.offer[idx[group[0]]]]))
        objective.append(cp_model.LinearExpr.weighted_sum(x, q.weight[idx].tolist()))
        parts.append((x, idx))
    _day_parts(model, t, problems, parts)
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    # CP-SAT's portfolio: its LP-based workers prove these near-flow programs optimal far
    # sooner than one search worker does (measured: 16 s against > 140 s on 40,000 arcs).
    solver.parameters.num_workers = _WORKERS
    status = solver.solve(model)
    if status != cp_model.OPTIMAL:
        raise MatchingError(f"duaal allocation: CP-SAT ended with {solver.status_name(status)}")
    out = []
    for q, (x, idx) in zip(problems, parts, strict=True):
        arc = np.full(len(q.needy), -1, dtype=np.int64)
        on = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        arc[q.node[idx[on]]] = idx[on]
        out.append(arc)
    return out


def _groups(labels):
    """Positions grouped by equal label."""
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [g.tolist() for g in np.split(order, cuts)] if len(labels) else []


def _day_parts(model, t, problems, parts):
    """Per duaal person and day part: its taal and werk places use it at most once."""
    terms = {}
    for q, (x, idx) in zip(problems, parts, strict=True):
        person = q.p[idx]
        schedule = t.offers.schedule[q.o[idx]]
        for k in np.flatnonzero(t.people.duaal[person]).tolist():
            for part in range(_DAY_PARTS):
                if schedule[k] >> part & 1:
                    terms.setdefault((int(person[k]), part), [set(), []])
                    terms[(int(person[k]), part)][0].add(q.d)
                    terms[(int(person[k]), part)][1].append(x[k])
    for domains, variables in terms.values():
        if len(domains) == 2:
            model.add(sum(variables) <= 1)
