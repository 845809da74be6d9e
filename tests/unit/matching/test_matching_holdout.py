"""The held-out split drawn without scikit-learn is scikit-learn's own."""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

from matching.holdout import stratified_holdout


@pytest.mark.parametrize("seed", range(12))
def test_the_split_is_train_test_split_stratified(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 5000))
    # Two or three classes, some rare: ties among the remainders happen too.
    y = rng.choice(3, size=n, p=[0.6, 0.3, 0.1] if seed % 2 else [0.7, 0.3, 0.0])
    y[:2], y[2:4] = 0, 1
    train, test = stratified_holdout(y, 0.25, seed)
    expected = train_test_split(np.arange(n), test_size=0.25, stratify=y, random_state=seed)
    assert np.array_equal(train, expected[0]) and np.array_equal(test, expected[1])


def test_each_class_is_held_out_in_proportion():
    y = np.array([0] * 80 + [1] * 20)
    train, test = stratified_holdout(y, 0.25, 0)
    assert sorted(np.r_[train, test].tolist()) == list(range(100))
    assert np.bincount(y[test]).tolist() == [20, 5]
