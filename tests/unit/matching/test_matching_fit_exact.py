"""The success model's penalised fit reaches its optimum, whatever it starts from."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import minimize

from matching.evaluation.simulator import Simulator
from matching.history import outcomes_of
from matching.learning import _Design, _fit_penalised, _predict_rows, _sigmoid, drift_design


@pytest.fixture(scope="module")
def history():
    found = outcomes_of(Simulator(2, cohorts=1, people=10, offers=60,
                                  history=600).history_scenario)
    d = _Design(found.tables, found.p, found.o, found.y)
    return found, d


def _objective(d, lam_beta, lam_effect, weight=None):
    """The penalised, weighted log loss per outcome over every parameter, written out
    densely: what the fit must minimise (intercept free, domains 1, features ``lam_beta``,
    effects ``lam_effect`` times their scale)."""
    n = len(d.y)
    effects = sparse.csr_matrix((np.ones(d.effects.size), d.effects.reshape(-1),
                                 np.arange(0, d.effects.size + 1, d.effects.shape[1])),
                                shape=(n, d.n_effects)).toarray()
    x = np.column_stack([np.ones(n), d.domain, d.scaled, d.by_domain.toarray(), effects])
    penalty = np.r_[0.0, np.ones(d.domain.shape[1]),
                    np.full(d.scaled.shape[1] + d.by_domain.shape[1], lam_beta),
                    lam_effect * d.effect_scale]
    w = np.ones(n) if weight is None else weight

    def value_and_gradient(theta):
        eta = d.offset + x @ theta
        value = w @ (np.logaddexp(0, eta) - d.y * eta) + 0.5 * penalty @ theta ** 2
        gradient = x.T @ (w * (_sigmoid(eta) - d.y)) + penalty * theta
        return value / n, gradient / n

    return value_and_gradient


@pytest.mark.parametrize("weighted", [False, True])
def test_the_fit_reaches_the_optimum_lbfgs_stopped_short_of(history, weighted):
    found, d = history
    every = np.arange(len(d.y))
    weight = None
    if weighted:
        weight = 0.5 ** (np.nan_to_num(found.age_days) / 365)
        weight /= weight.mean()
    objective = _objective(d, 30.0, 10.0, weight)
    theta = _fit_penalised(d, every, 30.0, 10.0, weight=weight)
    value, gradient = objective(theta)
    # Every coefficient at its optimum: no gradient left (per outcome).
    assert np.abs(gradient).max() < 1e-10
    # As low as L-BFGS-B gets, as the fit was solved before and with a tight tolerance.
    for gtol in (1e-6, 1e-9):
        lbfgs = minimize(objective, np.zeros(len(theta)), jac=True, method="L-BFGS-B",
                         options={"maxiter": 5000, "gtol": gtol})
        assert value <= lbfgs.fun + 1e-15


def _two_starts(fit, n_parameters, seed=4):
    """The fit from nothing and from a start far from its optimum."""
    far = np.random.default_rng(seed).normal(scale=2.0, size=n_parameters)
    return fit(None), fit(far)


def test_two_starts_give_the_same_scores(history):
    _, d = history
    every = np.arange(len(d.y))
    n = 1 + d.domain.shape[1] + d.scaled.shape[1] + d.by_domain.shape[1] + d.n_effects
    cold, warm = _two_starts(lambda start: _fit_penalised(d, every, 3.0, 2.0, start=start), n)
    scores = _sigmoid(_predict_rows(d, cold, every)), _sigmoid(_predict_rows(d, warm, every))
    assert np.abs(scores[0] - scores[1]).max() < 1e-8
    # Not trivially: the start was far away, the fit moved the scores.
    assert np.abs(scores[0] - _sigmoid(d.offset)).max() > 0.05


def test_two_starts_give_the_same_records_with_the_features_held_and_drifting(history):
    found, d = history
    every = np.arange(len(d.y))
    features = _fit_penalised(d, every, 30.0, 10.0)
    age = np.nan_to_num(found.age_days)
    partner = found.tables.offers.partner[found.o]
    steps = drift_design(partner, age, len(found.tables.partner_index))
    drift = (steps, 365 / (0.3 * 91))
    n = len(features) + steps.shape[1]
    cold, warm = _two_starts(
        lambda start: _fit_penalised(d, every, 30.0, 10.0, features=features, drift=drift,
                                     start=None if start is None else
                                     np.r_[features, np.zeros(steps.shape[1])] + start),
        n)
    assert steps.nnz and np.abs(cold[len(features):]).max() > 1e-3
    # The records now (the steps back in time are not scored) and the steps themselves.
    scores = [_sigmoid(_predict_rows(d, theta[:len(features)], every)) for theta in (cold, warm)]
    assert np.abs(scores[0] - scores[1]).max() < 1e-8
    assert np.abs(cold - warm).max() < 1e-6


def test_fitting_the_model_imports_no_optimiser():
    # Ranking fits the model before its first answer: importing scipy.optimize costs 0.15 s.
    # (Dated history: the folds are split on time, without scikit-learn, which imports it.)
    code = """if True:
        import datetime as dt, sys
        from matching import Matcher, generate_scenario, load_scenario
        doc = generate_scenario(2000, 500, seed=4)
        for k, entry in enumerate(doc["history"]):
            entry["referred_on"] = (dt.date(2026, 11, 1) - dt.timedelta(days=k % 700)).isoformat()
        sys.modules["scipy.optimize"] = None  # importing it fails
        model = Matcher(load_scenario(doc), check=False).model
        assert model.kind_ == "model", model.kind_
        """
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[3],
                   check=True)


def _start_far(d, kind, seed):
    """A start whose log-odds are far out for most outcomes: random coefficients twice the
    scale of the test above, or every outcome's log-odds at +-40 through the intercept."""
    n = 1 + d.domain.shape[1] + d.scaled.shape[1] + d.by_domain.shape[1] + d.n_effects
    if kind == "random":
        return np.random.default_rng(seed).normal(scale=4.0, size=n)
    start = np.zeros(n)
    start[0] = 40.0 if kind == "saturated" else -40.0
    return start


@pytest.mark.parametrize("kind, seed", [("random", 2), ("random", 6), ("saturated", 0),
                                        ("saturated below", 0)])
def test_a_start_far_out_reaches_the_same_optimum(history, kind, seed):
    # Where the log-odds are far out, the curvature is ~0 in the intercept (unpenalised): a
    # plain Newton step there overflowed, could not be factored, or was too long for any
    # halving of the line search, which then returned the start as it was.
    _, d = history
    every = np.arange(len(d.y))
    objective = _objective(d, 30.0, 10.0)
    cold = _fit_penalised(d, every, 30.0, 10.0)
    far = _fit_penalised(d, every, 30.0, 10.0, start=_start_far(d, kind, seed))
    assert np.abs(objective(far)[1]).max() < 1e-10
    scores = _sigmoid(_predict_rows(d, cold, every)), _sigmoid(_predict_rows(d, far, every))
    assert np.abs(scores[0] - scores[1]).max() < 1e-8
