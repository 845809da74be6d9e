"""What keeps a large allocation's peak memory down: narrow index arrays, no copies of the
arcs on a full solve, and selections that leave their input alone."""

import numpy as np

from matching import Matcher, allocate, allocation, generate_scenario, load_scenario
from matching.grouping import best_per_group


def _matcher():
    return Matcher(load_scenario(generate_scenario(60, 25, seed=3)))


def test_domain_arcs_hold_rows_as_int32():
    matcher = _matcher()
    found = [a for d in range(7) if (a := allocation._domain_arcs(matcher, d)) is not None]
    assert found
    for p, o, score, value in found:
        assert p.dtype == np.int32 and o.dtype == np.int32
        assert score.dtype == np.float64 and value.dtype == np.float64


def test_a_full_solve_hands_the_problem_its_own_arrays_not_copies(monkeypatch):
    seen = []
    real = allocation.optimal

    def spy(n_nodes, capacity, node, offer, weight, key, *args, **kwargs):
        seen.append((node, offer, weight, key))
        return real(n_nodes, capacity, node, offer, weight, key, *args, **kwargs)

    monkeypatch.setattr(allocation, "optimal", spy)
    built = []
    monkeypatch.setattr(allocation._Problem, "__init__", _recording(built))
    result = allocate(_matcher())
    assert result.assignments and built
    for problem in built:  # each problem's full solve; a duaal repair may pass subsets too
        own = (problem.node, problem.offer, problem.weight, problem.key)
        assert any(all(a is b for a, b in zip(arrays, own, strict=True)) for arrays in seen)
        assert problem.node.dtype == np.int32 and problem.offer.dtype == np.int32


def _recording(built):
    init = allocation._Problem.__init__

    def record(self, *args, **kwargs):
        init(self, *args, **kwargs)
        built.append(self)
    return record


def test_best_per_group_leaves_the_keys_alone():
    key = np.array([5, 3, 9, 1, 7, 2, 8, 4], dtype=np.int64)
    before = key.copy()
    mask = best_per_group(np.array([0, 4]), key, 2)
    assert np.array_equal(key, before)
    assert mask.tolist() == [False, True, False, True, False, True, False, True]
