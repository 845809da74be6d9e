"""Prices of places: the range of optimal prices, and potentials over sampled futures."""

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from test_matching_forecast import ALFA, LATER, NOW, _person, _scenario

from matching import allocate
from matching.flow import least_prices, optimal


def _prices(capacity, node, offer, weight):
    capacity, node, offer, weight = (np.asarray(x, dtype=np.int64)
                                     for x in (capacity, node, offer, weight))
    order = np.lexsort((offer, node))
    node, offer, weight = node[order], offer[order], weight[order]
    n_nodes = int(node.max()) + 1
    key = -weight * len(capacity) + offer
    chosen, _, greatest, considered = optimal(n_nodes, capacity, node, offer, weight, key, 1)
    least = least_prices(n_nodes, capacity, node, offer, weight, chosen, considered)
    return least, greatest


def test_one_place_is_priced_between_the_first_loser_and_the_winner():
    least, greatest = _prices([1], [0, 1, 2], [0, 0, 0], [10, 7, 4])
    assert (least.tolist(), greatest.tolist()) == ([7], [10])
    least, greatest = _prices([2], [0, 1, 2], [0, 0, 0], [10, 7, 4])
    assert (least.tolist(), greatest.tolist()) == ([4], [7])


def _lp_price_range(capacity, node, offer, weight):
    """Per offer, the least and greatest z over the optimal duals, by linear programs."""
    n_nodes, n_offers = max(node) + 1, len(capacity)
    rows = np.zeros((len(node), n_nodes + n_offers))
    rows[np.arange(len(node)), node] = -1
    rows[np.arange(len(node)), n_nodes + np.asarray(offer)] = -1
    cost = np.r_[np.ones(n_nodes), capacity]
    bound = -np.asarray(weight, dtype=float)
    best = linprog(cost, A_ub=rows, b_ub=bound, bounds=(0, None)).fun
    # On the optimal face (objective within rounding of the optimum):
    face_rows, face_bound = np.vstack([rows, cost]), np.r_[bound, best + 1e-7]
    out = []
    for o in range(n_offers):
        pick = np.zeros(n_nodes + n_offers)
        pick[n_nodes + o] = 1
        low = linprog(pick, A_ub=face_rows, b_ub=face_bound, bounds=(0, None)).fun
        high = -linprog(-pick, A_ub=face_rows, b_ub=face_bound, bounds=(0, None)).fun
        out.append((low, high))
    return out


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_price_range_is_the_linear_programs(data):
    n_nodes = data.draw(st.integers(1, 6))
    n_offers = data.draw(st.integers(1, 3))
    pairs = data.draw(st.sets(st.tuples(st.integers(0, n_nodes - 1), st.integers(0, n_offers - 1)),
                              min_size=1))
    node, offer = (list(x) for x in zip(*sorted(pairs), strict=True))
    weight = data.draw(st.lists(st.integers(1, 20), min_size=len(node), max_size=len(node)))
    capacity = data.draw(st.lists(st.integers(1, 2), min_size=n_offers, max_size=n_offers))
    used = sorted(set(node))
    node = [used.index(u) for u in node]
    least, greatest = _prices(capacity, node, offer, weight)
    for o, (low, high) in enumerate(_lp_price_range(capacity, node, offer, weight)):
        assert abs(least[o] - low) < 1e-6 and abs(greatest[o] - high) < 1e-6


def test_potentials_are_the_same_for_the_same_scenario():
    forecast = [dataclasses.replace(LATER, id=f"l{k}") for k in range(3)] + [
        _person(f"n{k}", level="A1") for k in range(3)]
    first, again = (allocate(_scenario([ALFA], [NOW], forecast=forecast),
                             forecast_method="potentials") for _ in range(2))
    assert first == again
    assert first.kept == {"alfa": 1}
    assert "verwachte prioriteit" in first.unassigned[0].reason
