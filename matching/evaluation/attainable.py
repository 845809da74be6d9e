"""What the history allows at best: the true rule known, only the hidden quality learned.

A yardstick, not a policy on offer: it reads the simulator's truth (the rule
and the spread of the partners' and offers' quality) and learns from the
logged history only what no one can know without outcomes, each partner's
and offer's quality. The estimate is the posterior mode of a logistic model
with the true rule as offset and the true spread as the prior of its random
effects (per partner, per partner and beginner group, per offer), the
outcomes weighed alike or by age with a half-life. The share of the oracle
without luck it reaches is about what any learner could reach from this
history; what weighing by age adds here is about what time weighting can add.
"""

import numpy as np

from matching.eligibility import distances
from matching.history import outcomes_of

__all__ = ["ATTAINABLE_HALF_LIVES", "attainable_name", "has_hidden_quality", "learned_quality"]

# Every outcome alike (None), and the engine's candidate half-lives.
ATTAINABLE_HALF_LIVES = (None, 730.0, 365.0, 182.0)


def attainable_name(half_life):
    """The yardstick's name in the results: ``attainable`` or ``attainable_h182``."""
    return "attainable" if half_life is None else f"attainable_h{half_life:g}"


def has_hidden_quality(truth):
    """Whether the world has partner or offer quality to learn."""
    return bool(truth.partner_sd or truth.partner_beginner_sd or truth.offer_sd)


def learned_quality(sim, half_life=None):
    """Per offer and beginner group: the hidden quality as learned from ``sim``'s history.

    Returns
    -------
    numpy.ndarray
        Shape (offers, 2), on the log-odds scale, the offers in the scenario's order.
    """
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
    weight = np.ones(len(y)) if half_life is None else 0.5 ** (found.age_days / half_life)
    weight = weight / weight.mean()

    def loss(theta):
        eta = offset + theta[0] + theta[1:][columns].sum(axis=1)
        residual = weight * (1 / (1 + np.exp(-eta)) - y)
        grad = np.r_[residual.sum(), np.bincount(columns.reshape(-1), np.repeat(residual, 3),
                                                 minlength=len(penalty)) + penalty * theta[1:]]
        value = weight @ (np.logaddexp(0, eta) - y * eta) + 0.5 * penalty @ theta[1:] ** 2
        return value / len(y), grad / len(y)

    theta = minimize(loss, np.zeros(1 + len(penalty)), jac=True, method="L-BFGS-B",
                     options={"maxiter": 2000, "gtol": 1e-8}).x
    effects = theta[1:]
    by_partner = effects[:n_partners, None] + effects[n_partners:3 * n_partners].reshape(-1, 2)
    return theta[0] + by_partner[t.offers.partner] + effects[3 * n_partners:, None]
