"""What the history allows at best: the true rule known, only the hidden quality learned.

A yardstick, not a policy on offer: it reads the simulator's truth (the rule
and the spread of the partners' and offers' quality) and learns from the
logged history only what no one can know without outcomes, each partner's
and offer's quality. The estimate is the posterior mode of a logistic model
with the true rule as offset and the true spread as the prior of its random
effects (per partner, per partner and beginner group, per offer), the
outcomes weighed alike, by age with a half-life, or each partner's record
moving back in time from its level now as a random walk (the engine's drift,
:func:`matching.learning.drift_design`). The share of the oracle without
luck it reaches is about what any learner could reach from this history;
what the best use of time adds here is about what time weighting can add.
"""

import numpy as np

from matching.eligibility import distances
from matching.history import outcomes_of
from matching.learning import DRIFT_STEP_DAYS, drift_design

__all__ = ["ATTAINABLE_TIMES", "attainable_name", "has_hidden_quality", "learned_quality"]

# Every outcome alike (None), the engine's candidate half-lives and a shorter one, and
# records that move (drift: the variance of a partner's log-odds per year).
ATTAINABLE_TIMES = (None, ("h", 730.0), ("h", 365.0), ("h", 182.0), ("h", 91.0), ("d", 0.1),
                    ("d", 0.3), ("d", 1.0))


def attainable_name(time):
    """The yardstick's name in the results: ``attainable``, ``attainable_h182``, ``..._d0.3``."""
    return "attainable" if time is None else f"attainable_{time[0]}{time[1]:g}"


def has_hidden_quality(truth):
    """Whether the world has partner or offer quality to learn."""
    return bool(truth.partner_sd or truth.partner_beginner_sd or truth.offer_sd)


def learned_quality(sim, time=None):
    """Per offer and beginner group: the hidden quality as learned from ``sim``'s history.

    ``time``: None (every outcome alike), ("h", half-life in days) or ("d", drift).

    Returns
    -------
    numpy.ndarray
        Shape (offers, 2), on the log-odds scale, the offers in the scenario's order.
    """
    from scipy import sparse
    from scipy.optimize import minimize

    from matching.evaluation.simulator import beginner

    truth = sim.truth
    found = outcomes_of(sim.history_scenario)
    t, p, o, y = found.tables, found.p, found.o, found.y.astype(float)
    offset = truth.logit(t, p, o, distances(t, p, o))
    n_partners, n_offers = len(t.partner_index), len(t.offers.ids)
    partner = t.offers.partner[o]
    columns = np.column_stack([partner, n_partners + 2 * partner + beginner(t, p),
                               3 * n_partners + o])
    # A spread of 0 is a random effect held at 0: a very strong penalty.
    precision = [1 / max(sd, 1e-3) ** 2 for sd in (truth.partner_sd, truth.partner_beginner_sd,
                                                    truth.offer_sd)]
    penalty = np.r_[np.full(n_partners, precision[0]), np.full(2 * n_partners, precision[1]),
                    np.full(n_offers, precision[2])]
    half_life = time[1] if time and time[0] == "h" else None
    weight = np.ones(len(y)) if half_life is None else 0.5 ** (found.age_days / half_life)
    weight = weight / weight.mean()
    moving = bool(time) and time[0] == "d"
    steps = (drift_design(partner, np.nan_to_num(found.age_days), n_partners) if moving
             else sparse.csr_matrix((len(y), 0)))
    # The steps back in time after the effects, each a Gaussian step of a quarter.
    n_effects = len(penalty)
    if steps.shape[1]:
        penalty = np.r_[penalty, np.full(steps.shape[1], 365 / (time[1] * DRIFT_STEP_DAYS))]
    design = sparse.hstack([_indicators(columns, n_effects), steps], format="csr")
    design_t = design.T.tocsr()

    def loss(theta):
        eta = offset + theta[0] + design @ theta[1:]
        residual = weight * (1 / (1 + np.exp(-eta)) - y)
        grad = np.r_[residual.sum(), design_t @ residual + penalty * theta[1:]]
        value = weight @ (np.logaddexp(0, eta) - y * eta) + 0.5 * penalty @ theta[1:] ** 2
        return value / len(y), grad / len(y)

    theta = minimize(loss, np.zeros(1 + len(penalty)), jac=True, method="L-BFGS-B",
                     options={"maxiter": 2000, "gtol": 1e-8}).x
    effects = theta[1:]
    by_partner = effects[:n_partners, None] + effects[n_partners:3 * n_partners].reshape(-1, 2)
    return (theta[0] + by_partner[t.offers.partner]
            + effects[3 * n_partners:3 * n_partners + n_offers, None])


def _indicators(columns, n):
    from scipy import sparse

    rows, k = columns.shape
    return sparse.csr_matrix((np.ones(rows * k), columns.reshape(-1),
                              np.arange(0, rows * k + 1, k)), shape=(rows, n))
