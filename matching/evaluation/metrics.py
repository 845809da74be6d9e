"""What an allocation achieved, per cohort and per group, and how good the learning is.

Expected successes are the sum of the hidden true probabilities of the
assigned pairs; the need-weighted variant multiplies each by the need's
priority weight, which is the objective the oracle and Wegwijs maximise.
"""

import numpy as np

from matching import vocab
from matching.coalition import area_of
from matching.eligibility import distances
from matching.history import outcomes_of
from matching.learning import SuccessModel
from matching.pairs import PairFacts

__all__ = ["DIMENSIONS", "GroupTally", "calibration", "confidence_interval",
           "learned_model_quality", "outcome_metrics"]

DIMENSIONS = ("area", "gender", "leerroute")
_GENDER = {"v": "vrouw", "m": "man", "x": "x"}


def outcome_metrics(market, truth, chosen):
    """Headline figures of one policy's arcs in one cohort.

    Returns
    -------
    dict
        ``expected`` (sum of true probabilities), ``weighted`` (need x true
        probability), ``served`` (share of needs given a place), ``mean_km``,
        ``p90_km``, ``utilisation`` (share of free places filled).
    """
    km = market.km[chosen]
    return {
        "expected": float(truth[chosen].sum()),
        "weighted": float((market.need[market.node[chosen]] * truth[chosen]).sum()),
        "served": len(chosen) / max(len(market.nodes), 1),
        "mean_km": float(km.mean()) if len(km) else float("nan"),
        "p90_km": float(np.percentile(km, 90)) if len(km) else float("nan"),
        "utilisation": len(chosen) / max(int(market.capacity.sum()), 1),
    }


def confidence_interval(values, level=0.95):
    """Mean and half-width of a t-based confidence interval (NaN for one value)."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float("nan")
    half = stats.t.ppf((1 + level) / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return mean, float(half)


def _person_groups(scenario, rows):
    people = [scenario.inburgeraars[r] for r in rows.tolist()]
    return {
        "area": [area_of(i.postcode, i.lat, i.lon, i.gemeente) for i in people],
        "gender": [_GENDER.get(i.gender, "onbekend") for i in people],
        "leerroute": [i.leerroute or "onbekend" for i in people],
    }


class GroupTally:
    """Needs, places and expected successes per group, pooled over cohorts.

    Gender is only a dimension of this report: no policy and no model reads it.
    """

    def __init__(self):
        self.totals = {}

    def add(self, policy, market, truth, chosen):
        """Count one policy's result in one cohort."""
        node_person = market.nodes // len(vocab.DOMAINS)
        served = np.zeros(len(market.nodes))
        success = np.zeros(len(market.nodes))
        served[market.node[chosen]] = 1
        success[market.node[chosen]] = truth[chosen]
        people, index = np.unique(node_person, return_inverse=True)
        groups = _person_groups(market.matcher.scenario, people)
        for dimension, labels in groups.items():
            for k, label in enumerate(np.asarray(labels)[index].tolist()):
                row = self.totals.setdefault((dimension, label, policy), [0, 0.0, 0.0])
                row[0] += 1
                row[1] += served[k]
                row[2] += success[k]

    def table(self, dimension):
        """``{group: {policy: (needs, served share, expected successes per need)}}``."""
        out = {}
        for (dim, label, policy), (needs, served, success) in sorted(self.totals.items()):
            if dim == dimension:
                out.setdefault(label, {})[policy] = (needs, served / needs, success / needs)
        return out


def learned_model_quality(history_scenario, true_success, seed, folds=5, bins=10):
    """Cross-validated AUC and calibration of the engine's success model on the history.

    Parameters
    ----------
    history_scenario : Scenario
        The training data: history people, offers and referrals only.
    true_success : numpy.ndarray
        The hidden probability of each history entry, for the ceiling an
        oracle would reach on the same outcomes.
    seed : int
    folds, bins : int

    Returns
    -------
    dict
        ``auc`` of held-out predictions, ``truth_auc`` (the hidden
        probabilities as a score), ``calibration`` (observed rate and mean
        prediction per bin), ``labelled`` and ``success_rate``.
    """
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    found = outcomes_of(history_scenario)
    t, p, o, y, age = found.tables, found.p, found.o, found.y, found.age_days
    km = distances(t, p, o)
    held_out = np.zeros(len(y))
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in split.split(p, y):
        model = SuccessModel(random_state=seed).fit(t, p[train], o[train], y[train], age[train])
        held_out[test] = model.predict(PairFacts(t, p[test], o[test], km[test]))
    labelled = np.array([h.outcome != "ongoing" and h.reason_code != "vol"
                         for h in history_scenario.history])
    observed, predicted = calibration_curve(y, held_out, n_bins=bins, strategy="quantile")
    return {
        "auc": float(roc_auc_score(y, held_out)),
        "truth_auc": float(roc_auc_score(y, np.asarray(true_success)[labelled])),
        "calibration": {"observed": observed.tolist(), "predicted": predicted.tolist()},
        "labelled": int(len(y)),
        "success_rate": float(y.mean()),
    }


def calibration(predicted, truth, bins=10):
    """How well predicted chances match the true ones, over pairs.

    Parameters
    ----------
    predicted, truth : numpy.ndarray
        The engine's chance and the hidden true chance of each pair.

    Returns
    -------
    dict
        ``ece``: expected calibration error (per decile of ``predicted``, the
        gap between mean predicted and mean true chance, weighted by the
        decile's size); ``brier``: the expected Brier score
        ``mean((predicted - truth)^2 + truth (1 - truth))``; ``curve``: mean
        predicted and mean true chance per decile.
    """
    predicted, truth = np.asarray(predicted, float), np.asarray(truth, float)
    if len(predicted) == 0:
        return {"ece": float("nan"), "brier": float("nan"),
                "curve": {"predicted": [], "observed": []}}
    edges = np.quantile(predicted, np.linspace(0, 1, bins + 1)[1:-1])
    band = np.searchsorted(edges, predicted, side="right")
    size = np.bincount(band, minlength=bins)
    used = size > 0
    mean_pred = np.bincount(band, predicted, minlength=bins)[used] / size[used]
    mean_true = np.bincount(band, truth, minlength=bins)[used] / size[used]
    return {
        "ece": float(np.sum(size[used] * np.abs(mean_pred - mean_true)) / len(predicted)),
        "brier": float(np.mean((predicted - truth) ** 2 + truth * (1 - truth))),
        "curve": {"predicted": mean_pred.tolist(), "observed": mean_true.tolist()},
    }
