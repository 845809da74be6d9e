"""A stratified held-out split, the same as scikit-learn's, without importing it.

``sklearn.model_selection`` pulls in scipy.stats and most of scikit-learn:
0.6-0.8 s of a large allocation's CPU time (profiled, issue 24) spent to draw
one split of the history. :func:`stratified_holdout` draws the very split
``train_test_split(np.arange(n), test_size=..., stratify=y,
random_state=...)`` does (scikit-learn 1.9: StratifiedShuffleSplit with
its ``_approximate_mode``, the same random draws in the same order), so the
model learned, and every score, stay as they were; a test compares the two.
"""

from math import ceil

import numpy as np

__all__ = ["stratified_holdout"]


def stratified_holdout(y, test_size, random_state):
    """``(train, test)`` indices of ``y``: each class split in proportion, shuffled.

    Parameters
    ----------
    y : array_like
        Class labels; each class at least twice.
    test_size : float
        Share held out, in (0, 1).
    random_state : int
        Seeds ``numpy.random.RandomState``, as scikit-learn does.
    """
    y = np.asarray(y)
    n_test = ceil(test_size * len(y))
    n_train = len(y) - n_test
    _, classes, counts = np.unique(y, return_inverse=True, return_counts=True)
    members = np.split(np.argsort(classes, kind="stable"), np.cumsum(counts)[:-1])
    rng = np.random.RandomState(random_state)
    n_i = _approximate_mode(counts, n_train, rng)
    t_i = _approximate_mode(counts - n_i, n_test, rng)
    train, test = [], []
    for k, rows in enumerate(members):
        shuffled = rows.take(rng.permutation(counts[k]), mode="clip")
        train.extend(shuffled[:n_i[k]])
        test.extend(shuffled[n_i[k]:n_i[k] + t_i[k]])
    return rng.permutation(train), rng.permutation(test)


def _approximate_mode(counts, n_draws, rng):
    """Draws per class in proportion to ``counts``; the draws left over go to the largest
    remainders, ties broken at random (scikit-learn's ``utils.extmath._approximate_mode``)."""
    continuous = counts / counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (rows,) = np.where(remainder == value)
            now = min(len(rows), need)
            floored[rng.choice(rows, size=now, replace=False)] += 1
            need -= now
            if need == 0:
                break
    return floored.astype(int)
