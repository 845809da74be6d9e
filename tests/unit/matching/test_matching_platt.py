"""The calibration's slope and offset: scikit-learn's fit on many outcomes (a prior on the
slope that a few cannot run off from), without importing scikit-learn."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from matching.learning import _platt

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("weighted", [False, True])
def test_platt_agrees_with_scikit_learns_logistic_regression(weighted):
    rng = np.random.default_rng(7)
    logit = rng.normal(0, 1.5, 2_000)
    y = (rng.random(2_000) < 1 / (1 + np.exp(-(0.6 * logit - 0.8)))).astype(float)
    weight = rng.uniform(0.2, 1.8, 2_000) if weighted else None
    fit = LogisticRegression(C=1e6).fit(logit[:, None], y, sample_weight=weight)
    slope, offset = _platt(logit, y, weight)
    assert slope == pytest.approx(fit.coef_[0, 0], abs=1e-3)
    assert offset == pytest.approx(fit.intercept_[0], abs=1e-3)
    assert slope == pytest.approx(0.6, abs=0.1) and offset == pytest.approx(-0.8, abs=0.1)


def test_a_few_separated_outcomes_leave_the_slope_finite():
    # 24 held-out outcomes whose log-odds separate them: a free slope runs off (19 and more
    # where the fit stops), scores of exactly 1.0 follow.
    logit = np.linspace(-1.5, 1.5, 24)
    y = (logit > 0).astype(float)
    slope, offset = _platt(logit, y)
    assert 1.0 < slope < 6.0
    calibrated = 1 / (1 + np.exp(-(slope * logit.max() + offset)))
    assert calibrated < 0.999


def test_calibrating_does_not_import_scikit_learn():
    code = ("import sys; import numpy as np; from matching.learning import _platt; "
            "_platt(np.array([-1.0, 0.0, 1.0, 2.0]), np.array([0, 1, 0, 1])); "
            "assert 'sklearn' not in sys.modules, 'scikit-learn imported'; "
            # Nor scipy.optimize (0.15 s before ranking's first answer).
            "assert 'scipy.optimize' not in sys.modules, 'scipy.optimize imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
