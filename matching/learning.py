"""Learned success: the chance a referral works out, learned from ``history``.

A referral that was ``completed`` counts as a success; ``dropped`` and
``declined`` count as failures; ``ongoing`` has no outcome yet and is left
out. The model is a logistic regression on standardised features, its
probabilities calibrated by Platt scaling (a sigmoid fitted to cross-validated
decision values), in scikit-learn's manner. Prediction is plain numpy on the
fitted coefficients: it runs for every ranking, where scikit-learn's input
checks would cost more than the arithmetic.

With too little history (fewer than ``min_rows`` labelled referrals, or fewer
than ``min_minority`` of the rarer outcome, which includes having one outcome
only) the model stays neutral: every pair gets ``NEUTRAL`` and the reason
says so, rather than a number the data cannot support.

Fairness: the features describe the *pair* (how far, how well the day parts,
level, language support, childcare, sector and alfa fit) and the offer (its
domain, kind and hours). They never include gender, age or birth year, the
languages a person speaks as such, nationality, education or anything else
about who the person is. The coalition-graph component is left out too: it is
built from the same history, so it would leak the outcome into the features.
"""

import numpy as np

from matching import vocab
from matching.errors import MatchingError
from matching.scoring import NEUTRAL

__all__ = ["FEATURE_COMPONENTS", "SuccessModel", "offer_features", "pair_features"]

TOO_LITTLE_HISTORY = "Te weinig eerdere verwijzingen om uit te leren"
FEATURE_COMPONENTS = ("distance", "schedule", "language", "childcare", "sector", "level", "alfa")
_OUTCOME_LABEL = {"completed": 1, "dropped": 0, "declined": 0}


def offer_features(t):
    """The offer's own features: hours, domain and kind, one row per offer.

    Parameters
    ----------
    t : ScenarioTables

    Returns
    -------
    numpy.ndarray, shape (n_offers, 19)
    """
    hours = t.offers.hours
    domain = np.eye(len(vocab.DOMAINS))[t.offers.domain]
    # Unknown kind is its own column (code -1 picks the last row).
    kind = np.eye(len(vocab.OFFER_KINDS) + 1)[t.offers.kind]
    return np.column_stack([np.nan_to_num(hours / 40, nan=NEUTRAL), np.isnan(hours), domain,
                            kind])


def pair_features(t, o, base):
    """The model's feature matrix for pairs: pair components, then offer features.

    Parameters
    ----------
    t : ScenarioTables
    o : numpy.ndarray of int
        Offer rows of the pairs.
    base : list of numpy.ndarray
        The pairs' :func:`~matching.scoring.base_components`.

    Returns
    -------
    numpy.ndarray, shape (n, 26)
    """
    return np.column_stack([*base[:len(FEATURE_COMPONENTS)], offer_features(t)[o]])


def history_rows(scenario):
    """Labelled (person row, offer row, label) arrays from a scenario's history."""
    people = {i.id: k for k, i in enumerate(scenario.inburgeraars)}
    offers = {o.id: k for k, o in enumerate(scenario.offers)}
    rows = [(people[h.inburgeraar_id], offers[h.offer_id], _OUTCOME_LABEL[h.outcome])
            for h in scenario.history if h.outcome in _OUTCOME_LABEL]
    p, o, y = (np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)) if rows else (
        np.zeros(0, dtype=np.int64),) * 3
    return p, o, y


class SuccessModel:
    """Calibrated probability that a referral succeeds, neutral without data.

    Parameters
    ----------
    min_rows : int, default 20
        Fewest labelled referrals to learn from.
    min_minority : int, default 5
        Fewest referrals of the rarer outcome to learn from.
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression.
    random_state : int or None
        Seeds the cross-validation folds of the calibration.

    Attributes
    ----------
    estimator_ : Pipeline or None
        The fitted scaler and logistic regression, None when there was too
        little history.
    coef_, intercept_ : numpy.ndarray, float
        The regression on unscaled features (set when learned).
    calibration_ : tuple of float
        Slope and offset of the sigmoid on the decision value (set when learned).
    n_labelled_ : int
        Number of labelled referrals seen by ``fit``.

    Notes
    -----
    Follows scikit-learn's conventions without deriving from its base class:
    scikit-learn is imported only when there is enough history to learn from,
    since importing it costs over a second on every command-line run.

    Examples
    --------
    >>> import numpy as np
    >>> model = SuccessModel().fit(np.zeros((3, 2)), np.array([1, 0, 1]))
    >>> model.predict_success(np.zeros((2, 2))).tolist(), model.reason()
    ([0.5, 0.5], 'Te weinig eerdere verwijzingen om uit te leren')
    """

    def __init__(self, min_rows=20, min_minority=5, C=1.0, random_state=None):
        self.min_rows = min_rows
        self.min_minority = min_minority
        self.C = C
        self.random_state = random_state

    def fit(self, X, y):
        """Learn from features ``X`` and outcomes ``y`` (1 success, 0 failure).

        Returns
        -------
        self
        """
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
        if X.ndim != 2 or len(X) != len(y):
            raise MatchingError(f"features of shape {X.shape} do not fit {len(y)} outcomes")
        self.n_features_in_ = X.shape[1]
        self.n_labelled_ = len(y)
        minority = int(min(np.count_nonzero(y == 1), np.count_nonzero(y == 0)))
        self.estimator_ = None
        if self.n_labelled_ >= self.min_rows and minority >= max(self.min_minority, 2):
            from sklearn.linear_model import LogisticRegression
            from sklearn.model_selection import StratifiedKFold, cross_val_predict
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            folds = StratifiedKFold(n_splits=min(3, minority), shuffle=True,
                                    random_state=self.random_state)
            model = make_pipeline(StandardScaler(), LogisticRegression(C=self.C))
            from threadpoolctl import threadpool_limits

            # One BLAS thread: the fits are small, and on a busy machine extra
            # threads only wait for each other.
            with threadpool_limits(limits=1):
                held_out = cross_val_predict(model, X, y, cv=folds, method="decision_function")
                platt = LogisticRegression(C=1e6).fit(held_out[:, None], y)
                model.fit(X, y)
            scaler, linear = model[0], model[1]
            self.estimator_ = model
            self.coef_ = linear.coef_[0] / scaler.scale_
            self.intercept_ = float(linear.intercept_[0] - self.coef_ @ scaler.mean_)
            self.calibration_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        return self

    def _check_fitted(self):
        if not hasattr(self, "n_labelled_"):
            raise MatchingError("SuccessModel is not fitted yet; call fit first")

    def predict_success(self, X):
        """Probability of success per row; ``NEUTRAL`` everywhere when not learned."""
        self._check_fitted()
        if self.estimator_ is None:
            return np.full(len(X), NEUTRAL)
        return self.probability(np.asarray(X, dtype=float) @ self.coef_ + self.intercept_)

    def probability(self, decision):
        """Calibrated probability of success for decision values ``X @ coef_ + intercept_``.

        Lets a caller that holds part of the features fixed (the offer's own)
        compute the decision in two parts.
        """
        slope, offset = self.calibration_
        return 1 / (1 + np.exp(-(slope * np.asarray(decision) + offset)))

    def reason(self, probability=None):
        """The Dutch reason for the learned component of one pair."""
        self._check_fitted()
        if self.estimator_ is None:
            return TOO_LITTLE_HISTORY
        return f"Kans op slagen volgens eerdere verwijzingen: {round(100 * probability)}%"
