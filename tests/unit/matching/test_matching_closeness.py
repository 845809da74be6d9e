"""Closeness in the coalition graph for many pairs at once: the same values as person by
person (the nearest of several anchors, a mentor alone in training, unreachable partners)."""

import numpy as np
import pytest

from matching import build_tables, generate_scenario, load_scenario
from matching import tables as tables_module
from matching.pairs import PairFacts


@pytest.fixture(scope="module")
def tables():
    return build_tables(load_scenario(generate_scenario(400, 150, seed=6)))


def _one_by_one(t, p, o, mentor_only):
    out = np.full(len(p), np.nan)
    for k, (person, offer) in enumerate(zip(p.tolist(), o.tolist(), strict=True)):
        close = t.mentor_closeness(person) if mentor_only else t.closeness(person)
        if close is not None:
            out[k] = close[0][t.offers.partner[offer]]
    return out


@pytest.mark.parametrize("mentor_only", [False, True])
def test_pairs_get_the_closeness_of_their_persons_nearest_anchor(tables, mentor_only):
    t = tables
    anchors = t.anchors
    several = [k for k, a in enumerate(anchors) if len(a) > 1]
    no_mentor = [k for k, a in enumerate(anchors) if a and a[0][0] != "mentor"]
    assert several and no_mentor  # the cases that differ between the two ways
    p, o = np.meshgrid(np.arange(len(t.people.ids)), np.arange(len(t.offers.ids)))
    p, o = p.reshape(-1), o.reshape(-1)
    got = PairFacts(t, p, o, np.zeros(len(p)), mentor_only=mentor_only).closeness
    expected = _one_by_one(t, p, o, mentor_only)
    assert np.array_equal(got, expected, equal_nan=True)
    assert np.isnan(got).any() and (got > 0).any()
    if mentor_only:
        assert np.isnan(got[np.isin(p, no_mentor)]).all()
    else:
        assert (got == 0).any()  # partners beyond the hops that count, or unreachable


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hops_are_the_graph_librarys_shortest_paths(seed, monkeypatch):
    # Breadth first in numpy instead of importing scipy.sparse.csgraph before the worker
    # of an allocation can start (0.2 s of CPU, issue 24).
    import scipy.sparse as sp
    from scipy.sparse.csgraph import shortest_path

    rng = np.random.default_rng(seed)
    doc = generate_scenario(60, 300, seed=seed)
    ids = [p["id"] for p in doc["partners"]]
    for p in doc["partners"]:  # sparse ties: islands, lone partners, ties to itself, twice
        p["ties"] = [ids[k] for k in rng.integers(0, len(ids), rng.integers(0, 3))]
    t = build_tables(load_scenario(doc))
    n = len(ids)
    rows = [t.partner_index[p["id"]] for p in doc["partners"] for _ in p["ties"]]
    cols = [t.partner_index[tie] for p in doc["partners"] for tie in p["ties"]]
    graph = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    expected = shortest_path(graph, unweighted=True, directed=False)
    assert np.isinf(expected).any() and (expected >= 3).any()
    assert np.array_equal(t.hops(np.arange(n)), expected)
    assert np.array_equal(t.hops([n - 1, n - 1, 0]), expected[[n - 1, n - 1, 0]])
    assert np.array_equal(t.hops_from(n // 2), expected[n // 2])
    assert t.hops([]).shape == (0, n)
    monkeypatch.setattr(tables_module, "_HOP_FLAGS", 50)  # a few sources at a time
    assert np.array_equal(t.hops(np.arange(n)), expected)
