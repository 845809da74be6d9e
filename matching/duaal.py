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
3. Every round also rules arcs out: every solution x has
   ``value(x) <= UB + sum(rc_a x_a)`` with the round's reduced weights
   ``rc_a <= 0``, so an arc with ``rc_a < LB - UB`` is in no solution better
   than LB (reduced-cost fixing; the best solution's own arcs always stay).
   Later rounds solve without the arcs ruled out, so they get fast, and stop
   once they no longer rule many out. The arcs left go to OR-Tools CP-SAT as
   a 0/1 program: at most one arc per (person, domain), no offer over
   capacity, and for each duaal person and day part, at most one of its taal
   and werk places uses that day part. It must prove optimality; it starts
   from the best solution.

The weights are the flows' integers (one scale for taal and werk), so the
result is the exact optimum of the same integer problem the flow solves.
Where several optima tie, which one CP-SAT's parallel workers return may vary
between runs; the objective does not.

Measured (bench/bench_matching_dynamic.py, 5,000 x 2,000, a fifth duaal):
with a forecast solved jointly the rule costs 1.7-1.9x the time without (the
forecast keeps its places from the joint relaxation, and the batch's taal and
werk are coupled on the rest; allocation.py). Known limit: without a forecast,
many collisions leave the bound a ten-thousandth of the objective above the
best solution; rounds cannot close that (the Lagrangian bound is the linear
relaxation's), and CP-SAT takes seconds (2,000 x 800: 4.0-4.2 s against 0.13 s). Tried
and left for later: with the rule per arc (a taal arc and the werk arcs
colliding with it hold one place together) the linear relaxation was integral
on the generated coalitions, but column generation with HiGHS stalled on
degenerate duals and the whole program took minutes at 5,000 x 2,000; the same
per-arc rule given to CP-SAT did not make it faster.
"""

from dataclasses import dataclass

import numpy as np

from matching import vocab
from matching.errors import MatchingError
from matching.flow import optimal

__all__ = ["COUPLED", "collide", "conflicts", "keep_duaal", "needs_duaal", "schedule_mask"]

COUPLED = (vocab.DOMAINS.index("taal"), vocab.DOMAINS.index("werk"))
_DAY_PARTS = len(vocab.DAYPARTS)
_ROUNDS = 30
_STALL = 3
_FEW_ARCS = 4


def collide(schedule_a, schedule_b):
    """The duaal rule, the one place it is written: a duaal person's taal and werk places
    must not share a day part. Day-part bit masks (ints or arrays) in, whether they collide."""
    return (schedule_a & schedule_b) != 0


def schedule_mask(dayparts) -> int:
    """The bit mask of day-part names, as ``matching.tables`` builds it (bit k: DAYPARTS[k])."""
    return sum(1 << vocab.DAYPARTS.index(part) for part in set(dayparts))


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
    return both & collide(schedule[np.maximum(taal_offer, 0)], schedule[np.maximum(werk_offer, 0)])


def _repair(t, fixed, free, initial_arcs, fixed_arc, live):
    """Keep ``fixed``'s places (its arcs ``fixed_arc``); re-solve ``free`` on its ``live``
    arcs (indices) without those that collide with them. Returns the value and both
    problems' arcs, in order."""
    placed = _placed(t, fixed, fixed_arc)
    held = np.maximum(placed[free.p], 0)
    clash = (t.people.duaal[free.p] & (placed[free.p] >= 0)
             & collide(t.offers.schedule[held], t.offers.schedule[free.o]))
    use = np.zeros(len(clash), dtype=bool)
    use[live] = True
    arc = free.solve(initial_arcs, use=use & ~clash)
    value = int(fixed.weight[fixed_arc[fixed_arc >= 0]].sum() + free.weight[arc[arc >= 0]].sum())
    return Incumbent(value, (fixed_arc, arc) if fixed.d == COUPLED[0] else (arc, fixed_arc))


def keep_duaal(t, taal, werk, initial_arcs=8):
    """Make the solved taal and werk problems keep the duaal rule, optimally.

    ``taal`` and ``werk`` are solved domain problems (``arc``, ``y``, ``z``,
    ``considered``, ``weight``, ``node``, ``offer``, ``p``, ``o``, ``capacity``); their ``arc``
    is replaced by the coupled optimum when the relaxation broke the rule.
    """
    if not conflicts(t, _placed(t, taal), _placed(t, werk)).any():
        return
    # The Lagrangian's first round repairs the relaxation into the first solution.
    best = Incumbent(-1, ())
    upper, live = _lagrangian(t, (taal, werk), best, initial_arcs)
    if upper > best.value:
        # The best solution's own arcs are never ruled out; the union keeps it the hint.
        keep = [np.union1d(at, arc[arc >= 0]) for at, arc in zip(live, best.arcs, strict=True)]
        best = Incumbent(best.value, _solve(t, (taal, werk), keep, best.arcs))
    taal.arc, werk.arc = best.arcs


@dataclass
class Incumbent:
    """The best solution keeping the rule found so far: its value and each problem's arcs."""

    value: int
    arcs: tuple


def _lagrangian(t, problems, best, initial_arcs):
    """The Lagrangian bound of the coupled problem, and per problem the arcs it leaves.

    Each (duaal person, day part) constraint gets a price ``lam >= 0``; an arc
    pays the prices of its person's day parts its offer uses, and the two
    domains are two flows again. For every solution x keeping the rule,
    ``value(x) <= L(lam) + sum(rc_a x_a)`` with ``L`` the two flows' optimum
    plus the sum of the prices and ``rc_a <= 0`` the arc's reduced weight, so
    an arc with ``rc_a < best - L(lam)`` is in no solution better than the
    best: it is ruled out, and later rounds solve without it (every solution
    still worth finding lies in the arcs left, so their bounds stay valid, and
    the flows grow small and fast). The prices follow the subgradient (Polyak's
    step) for up to ``_ROUNDS`` rounds, or until the rounds stop ruling arcs
    out (``_settled``); a round whose flows keep the rule is a solution too
    (``best``), and so are the repairs of rounds that nearly keep it.
    """
    rows = np.flatnonzero(t.people.duaal)
    lam = np.zeros((len(t.people.ids), _DAY_PARTS), dtype=np.int64)
    bits = [_bits(t.offers.schedule[q.o]) & t.people.duaal[q.p][:, None] for q in problems]
    # Per problem the arcs still alive (indices), and which of them the last round considered.
    live = [np.arange(len(q.p)) for q in problems]
    start = [None, None]
    upper, step, stalled, fewest = None, 1.0, 0, np.inf
    left = []  # per round, the arcs still alive
    for round_ in range(_ROUNDS):
        value, cover, rcs = 0, np.zeros_like(lam), []
        chosen = []
        for k, (q, b) in enumerate(zip(problems, bits, strict=True)):
            at = live[k]
            weight = q.weight[at] - (b[at] * lam[q.p[at]]).sum(axis=1)
            if round_ == 0:  # no prices yet: the relaxation the caller solved
                arc, y, z, start[k] = q.arc, q.y, q.z, q.considered
            else:
                arc, y, z, start[k] = _penalised(q, at, weight, initial_arcs, start[k])
            done = arc[arc >= 0]
            value += int(weight[done].sum())
            np.add.at(cover, q.p[at[done]], b[at[done]])
            rcs.append(weight - y[q.node[at]] - z[q.offer[at]])
            chosen.append(np.where(arc >= 0, at[np.maximum(arc, 0)], -1) if len(at) else arc)
        bound = value + int(lam.sum())
        if upper is None or bound < upper:
            upper, stalled = bound, 0
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
            found = [_repair(t, problems[k], problems[1 - k], initial_arcs, chosen[k],
                             live[1 - k]) for k in (0, 1)]
        else:
            found = []
        for candidate in found:
            if candidate.value > best.value:
                best.value, best.arcs = candidate.value, candidate.arcs
        if upper <= best.value:
            break
        for k, rc in enumerate(rcs):
            keep = rc >= best.value - bound
            live[k], start[k] = live[k][keep], start[k][keep]
        left.append(sum(len(at) for at in live))
        if _settled(left, best):
            break
        gradient = (1 - cover)[rows]
        moving = (gradient < 0) | (lam[rows] > 0)
        norm = float((gradient[moving] ** 2).sum())
        if norm == 0:
            break
        lam[rows] = np.maximum(
            0, lam[rows] - np.rint(step * (bound - best.value) / norm * gradient)
        ).astype(np.int64)
    return upper, live


def _settled(left, best):
    """Whether more rounds are not worth their time: the arcs left for CP-SAT are already
    few (at most ``_FEW_ARCS`` per arc of the best solution) and the last ``_STALL``
    rounds took away less than a tenth of them."""
    chosen = sum(int((arc >= 0).sum()) for arc in best.arcs)
    return (len(left) > _STALL and left[-1] <= _FEW_ARCS * max(chosen, 1)
            and left[-1] > 0.9 * left[-1 - _STALL])


def _penalised(q, at, weight, initial_arcs, start):
    """``q``'s b-matching over its arcs ``at`` with other weights: each node's arc (an index
    into ``at``), the duals, and which of ``at`` were considered."""
    idx = np.flatnonzero(weight > 0)
    top = int(weight.max()) + 1 if len(idx) else 1
    offer = q.offer[at[idx]]
    key = (top - weight[idx]) * (int(q.offer.max()) + 1 if len(q.offer) else 1) + offer
    arc, y, z, considered = optimal(len(q.needy), q.capacity, q.node[at[idx]], offer,
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
    # Imported here: CP-SAT (and the pandas it loads) costs 0.3 s of CPU to import, and
    # only a batch with duaal people needing both taal and werk comes this far.
    from ortools.sat.python import cp_model

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
    # Two workers: CP-SAT's max_lp subsolver (the linear relaxation with all its cuts) proves
    # these near-flow programs optimal, the other finds and improves solutions (first-solution
    # and LNS). The default portfolio of 8 workers on the same cores took 2-3x as long
    # (measured at 5,000 x 2,000 with a forecast: 0.14-0.22 s against 0.24-0.53 s; 2,000 x 800
    # without: 1.5 s against 4.3 s); 4 default workers once took minutes.
    solver.parameters.num_workers = 2
    solver.parameters.subsolvers.append("max_lp")
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
