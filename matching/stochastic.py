"""Places over time as a two-stage stochastic program: how many places the batch may take.

``allocate(..., forecast_method="stochastic")``. The joint solve takes the
forecast people as the people who will come (the certainty equivalent); but
who comes varies, and a place kept for a kind of person is worth only as
much as the chance that such a person actually arrives. Here the forecast is
a pool that stands for the distribution of arrivals (for example every
arrival of the last weeks), and ``arrivals`` says how many are expected. The
pool is resampled into ``SCENARIOS`` futures of that many people (drawn with
replacement; seeded), and one linear program per domain chooses this batch's
places and each future's places on what the batch leaves, maximising the
batch's need x chance plus the mean of the futures' (a sample average
approximation of the two-stage problem). Of its solution only the number of
places the batch takes per offer is kept; the allocation then assigns the
batch exactly within those (the flow, and the duaal rule). Of the places
left, those the futures use (their mean, rounded up) count as kept, each
worth the mean over the futures of what one more place there would add (the
capacity constraints' dual prices); places nobody expected would use are
merely left.

Measured on the dynamic evaluation (docs/evaluation/dynamic.md): ahead of
the joint solve and the potentials, most where places are small and
specialised. Drawn from a forecast already cut to the number expected (a
subsample of the pool) instead of the whole pool, the futures vary too little
and the gain is gone (measured: 94.2 against 95.5, seeds 1-3).

Its size grows with the futures times the people drawn. A future holds each
pool person as often as it was drawn (one node with that many places), and
keeps its best ``_FUTURE_ARCS`` arcs. When a domain's program (the batch's
arcs and the futures') would hold more than ``_BUDGET`` arcs, fewer futures
are solved, and with fewer than two
:func:`batch_places` returns None: the caller then solves jointly. (20
futures instead of 10 moved the evaluation by -0.2 to +0.3 points, within
the spread, at twice the time.)
"""

import numpy as np
import scipy.sparse as sparse
from scipy.optimize import linprog

from matching.errors import MatchingError
from matching.grouping import best_per_group

__all__ = ["SCENARIOS", "batch_places"]

SCENARIOS = 10
_SEED = 20261127
_FUTURE_ARCS = 16
_BUDGET = 100_000
_TIE = 1e-6


def batch_places(t, arcs, capacity, batch, arrivals, scenarios=SCENARIOS):
    """Per offer row, the places this batch may take and the worth of one kept place.

    Parameters
    ----------
    t : Tables
        Batch people first (rows ``0 .. batch-1``), then the pool.
    arcs : dict
        Domain index -> ``(p, o, score, value)`` eligible arcs, person-major.
    capacity : numpy.ndarray
        Free places per offer row.
    batch : int
        The number of batch people.
    arrivals : int
        The number of people expected, each drawn from the pool.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray) or None
        Per offer row: the places the batch may take (at most ``capacity``);
        the places kept, those of the rest the futures use (rounded up from
        their mean); and the expected worth of a kept place (need x chance).
        None when the program would be too large for two futures.
    """
    pool = len(t.people.ids) - batch
    # Only domains the batch has arcs in have anything to decide.
    short = [_shortened(p, o, value, batch) for p, o, _, value in arcs.values()
             if (p < batch).any()]
    # A future holds about this share of the pool at least once; the batch's arcs are in
    # every program whole.
    drawn = 1 - np.exp(-arrivals / max(pool, 1))
    k = min((int((_BUDGET - (p < batch).sum()) / max(drawn * (p >= batch).sum(), 1))
             for p, _, _ in short), default=scenarios)
    if min(scenarios, k) < 2:
        return None
    rng = np.random.default_rng(_SEED)
    counts = rng.multinomial(arrivals, np.full(pool, 1 / pool), size=min(scenarios, k))
    allowed, kept, worth = capacity.copy(), np.zeros_like(capacity), np.zeros(len(capacity))
    for p, o, value in short:
        _domain(p, o, value, batch, counts, capacity, (allowed, kept, worth))
    return allowed, kept, worth


def _shortened(p, o, value, batch):
    """The batch's arcs and each pool person's best ``_FUTURE_ARCS``."""
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]]) if len(p) else p[:0]
    rank = np.argsort(np.lexsort((-value, p)))  # best first within each person
    keep = (p < batch) | best_per_group(starts, rank, _FUTURE_ARCS)
    return p[keep], o[keep], value[keep]


def _domain(p, o, value, batch, counts, capacity, out):
    """One domain's program; writes into ``out`` the batch's places, the places kept and
    their worth."""
    allowed, kept, worth = out
    k = len(counts)
    mine = p < batch
    offers, col = np.unique(o, return_inverse=True)
    # Variables: the batch's arcs, then each future's arcs of the people it drew.
    blocks = [np.flatnonzero(mine)]
    for s in range(k):
        blocks.append(np.flatnonzero(~mine & (counts[s, np.maximum(p - batch, 0)] > 0)))
    var = np.concatenate(blocks)
    scenario = np.repeat(np.arange(-1, k), [len(b) for b in blocks])
    # Rows: each batch person one place; each future's person as many as it was drawn;
    # each future's offer its capacity, shared with the batch's arcs.
    people = int(p.max()) + 1
    nodes, node_row = np.unique((scenario + 1) * people + p[var], return_inverse=True)
    node_scenario, node_person = nodes // people - 1, nodes % people
    node_limit = np.where(node_scenario < 0, 1.0,
                          counts[np.maximum(node_scenario, 0), np.maximum(node_person - batch, 0)])
    n_cols = len(offers)
    first_cap = len(nodes)
    rows, cols = [node_row], [np.arange(len(var))]
    for s in range(k):
        here = np.flatnonzero((scenario == s) | (scenario < 0))
        rows.append(first_cap + s * n_cols + col[var[here]])
        cols.append(here)
    matrix = sparse.csr_matrix((np.ones(sum(len(r) for r in rows)),
                                (np.concatenate(rows), np.concatenate(cols))),
                               shape=(first_cap + k * n_cols, len(var)))
    limit = np.r_[node_limit, np.tile(capacity[offers].astype(float), k)]
    # A future's arc weighs a hair less: a place is kept only for a larger expected gain.
    gain = np.where(scenario < 0, value[var], value[var] / k * (1 - _TIE))
    result = linprog(-gain, A_ub=matrix, b_ub=limit, bounds=(0, None), method="highs")
    if result.status != 0:
        raise MatchingError(f"stochastic allocation: HiGHS ended with {result.message}")
    taken = np.bincount(col[var[scenario < 0]], weights=result.x[scenario < 0],
                        minlength=n_cols)
    allowed[offers] = np.minimum(capacity[offers], np.rint(taken).astype(np.int64))
    used = np.bincount(col[var[scenario >= 0]], weights=result.x[scenario >= 0],
                       minlength=n_cols) / k
    kept[offers] = np.minimum(capacity[offers] - allowed[offers],
                              np.ceil(used - 1e-9).astype(np.int64))
    # A place's dual price in each future is what it adds there (x 1/k in the objective):
    # their sum is the mean over the futures.
    prices = -result.ineqlin.marginals[first_cap:].reshape(k, n_cols)
    worth[offers] = prices.sum(axis=0)
