"""Prices of places over sampled futures: Annie MOORE's potentials.

``allocate(..., forecast_method="potentials")``; the default solves batch and
forecast jointly, the contract's maximum exactly. One price per offer misses
that maximum where this batch takes several places of an offer that a
forecast person needs far more (the batch's own competition sets the price),
so the potentials stay the evaluated alternative.

With a ``forecast``, a place should go to someone of this batch only if it
does more for them than it is expected to do for the people still to come.
Following the dynamic Annie MOORE (Ahani, Gölz, Procaccia, Teytelboym and
Trapp, Operations Research 2024), each place gets a price, its *potential*:
the forecast is resampled into ``SAMPLES`` possible futures (each as many
people as the forecast, drawn with replacement); for each future, batch and
future together are solved exactly, and the optimal prices of the places in
that solution are read off; a place's potential is their mean over the
futures. The batch is then allocated on need x score less the potential of
the place, so a place stays free when its potential exceeds what it does for
anyone here now.

One future's optimal prices form a range (:mod:`matching.flow`): from the
least, what the first left-out claimant would pay, to the greatest, what the
last one placed could pay. Each future contributes the middle of its range:
with the batch in the future, the greatest price of a place a batch person
wins is that person's own value, and the least is the best future claimant's.

Measured on the dynamic evaluation (``python -m matching evaluate --dynamic``,
seeds 1-6, per cent of the hindsight optimum; docs/evaluation/dynamic.md):
potentials 94.2 against the joint solve's 93.7 with small offers, 96.3
against 96.4 with larger ones; 8 futures instead of 6 gave 94.3 at a third
more time. In a first comparison (4 seeds) the middle of the range beat its
ends: middle 95.4, least 95.0, greatest 94.5. To save time, a future person
keeps only its best ``_FUTURE_ARCS`` arcs (the same figures as with all of
them), and the futures are solved on a coarser weight scale (2**20 as the
largest). Only places a forecast person could take are priced, and a batch
person who gains exactly the price still gets the place.

Resampling is seeded, so the same scenario always gives the same prices.
"""

from dataclasses import dataclass

import numpy as np

from matching.flow import integer_weights, least_prices, optimal
from matching.grouping import best_per_group

__all__ = ["SAMPLES", "Potentials", "place_prices"]

SAMPLES = 6
_SEED = 20240101
_COARSE = 2**10
_FUTURE_ARCS = 32


@dataclass(frozen=True)
class Potentials:
    """Per offer row, the potential of one place: ``units / per`` of its domain's weight units.

    Kept as exact integers, so that comparing a weight with a price does not
    depend on rounding.
    """

    units: np.ndarray
    per: int

    @classmethod
    def none(cls, n_offers):
        """No place has a price."""
        return cls(np.zeros(n_offers, dtype=np.int64), 1)


def place_prices(t, arcs, capacity, batch, scale, initial_arcs=8, samples=SAMPLES):
    """Per offer row, the potential of one of its places (all zero without a forecast).

    Parameters
    ----------
    t : Tables
        Batch people first (rows ``0 .. batch-1``), then the forecast people.
    arcs : dict
        Domain index -> ``(p, o, score, value)`` eligible arcs, person-major.
    capacity : numpy.ndarray
        Free places per offer row.
    batch : int
        The number of batch people.
    scale : dict
        Domain index -> integer units per unit of value, as the allocation's.
    """
    n_forecast = len(t.people.ids) - batch
    if n_forecast == 0:
        return Potentials.none(len(t.offers.ids))
    units = np.zeros(len(t.offers.ids), dtype=np.int64)
    rng = np.random.default_rng(_SEED)
    futures = [np.r_[np.ones(batch, dtype=np.int64),
                     rng.multinomial(n_forecast, np.full(n_forecast, 1 / n_forecast))]
               for _ in range(samples)]
    for d, (p, o, _, value) in arcs.items():
        cols = np.flatnonzero(t.offers.domain == d)
        local = np.full(len(t.offers.ids), -1, dtype=np.int64)
        local[cols] = np.arange(len(cols))
        reach = np.zeros(len(t.offers.ids), dtype=bool)
        reach[o[p >= batch]] = True
        weight = integer_weights(value, scale[d] / _COARSE)
        # A forecast person's arc weighs one unit less: ties go to the people here now.
        weight -= p >= batch
        key = (weight.max() + 1 - weight) * len(t.offers.ids) + t.offers.id_rank[o]
        # A future person's arcs beyond its best few hardly ever set a price; without
        # them each future is a far smaller problem.
        short = (p < batch) | best_per_group(_starts(p), key, _FUTURE_ARCS)
        p, o, weight, key = p[short], o[short], weight[short], key[short]
        # Each future starts from each person's best arcs and every arc an earlier future
        # needed: the futures are alike, so most need a single round.
        useful = best_per_group(_starts(p), key, initial_arcs)
        for copies in futures:
            arc, node, n_nodes = _copies(p, copies)
            w, offer = weight[arc], local[o[arc]]
            chosen, _, greatest, considered = optimal(n_nodes, capacity[cols], node, offer, w,
                                                      key[arc], initial_arcs, start=useful[arc])
            useful[arc[considered]] = True
            least = least_prices(n_nodes, capacity[cols], node, offer, w, chosen, considered)
            # Only a place some forecast person could take has a price (without them, the
            # batch's own competition would set it); one without places has none at all.
            priced = (capacity[cols] > 0) & reach[cols]
            units[cols] += np.where(priced, least + greatest, 0) * _COARSE
    # The mean over the futures of the middle of each range.
    return Potentials(units, 2 * samples)


def _starts(p):
    """Where each person's arcs begin in the person-major ``p``."""
    return np.flatnonzero(np.r_[True, p[1:] != p[:-1]])


def _copies(p, copies):
    """Arc indices and node numbers with each person's arcs once per copy of the person.

    ``p`` is person-major (each person's arcs contiguous); ``copies`` counts
    per person row. Returns ``(arc, node, n_nodes)``, node-major.
    """
    starts = _starts(p)
    lengths = np.diff(np.r_[starts, len(p)])
    times = copies[p[starts]]
    first, length = np.repeat(starts, times), np.repeat(lengths, times)
    node = np.repeat(np.arange(len(first)), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    return np.repeat(first, length) + offset, node, len(first)
