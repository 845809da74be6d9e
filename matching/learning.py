"""Learned success: the prior, moved by the outcomes of earlier referrals.

The target is whether a referral ends ``completed``. How history counts:

- ``completed`` is a success; ``dropped`` is a failure;
- ``declined`` is a failure, except with reason ``vol``: the offer was full,
  which says nothing about the pair, so it is left out;
- the other reason codes (``niveau``, ``rooster``, ``afstand``,
  ``doelgroep``, ``geen_reactie``, ``persoonlijk``, ``anders``) are failures
  like any decline or drop: the score is the chance of completion, and a
  referral that ended so did not complete;
- ``ongoing`` has no outcome yet and is left out (it holds the pair's place:
  rule 9 keeps the pair from being matched again).

The model is a hierarchical logistic regression with the prior as offset::

    logit P(completed) = prior(pair) + domain + features(pair) . (beta + beta_domain)
                         + partner + partner x group + offer + offer x group

``group`` is beginners (A0/A1 or not yet latin-literate) against the others.
The features extend the prior's components: a piecewise-linear distance (its
pieces around one shared slope), distance x childcare needed, language support x
level, alfa course x literacy, level gaps, sector, schedule, graph closeness,
the offer's kind and hours. Each pair feature has a coefficient shared by the
domains and, per domain, a deviation from it (``beta_domain``: distance may
weigh more for a course than for a job), penalised as the shared one, so a
domain with few outcomes keeps the shared coefficient.
Ridge penalties shrink every term towards the prior: the partner and
offer effects are random effects with a Gaussian prior (partial pooling: a
partner with three referrals hardly moves). scikit-learn's
``LogisticRegression`` takes no offset, so the penalised likelihood is
minimised by Newton's method to its optimum (conjugate gradients on each
step, preconditioned by the Hessian's blocks factored with scipy): the fit
does not depend on where it starts. scikit-learn splits the folds and scores
them.

Candidates, compared on held-out outcomes (later outcomes where the history
is dated, else stratified k-fold; one held-out quarter from 4,000 outcomes
on; log loss): the prior alone, recalibrated, and the model at a few penalty
strengths (a coordinate search: the feature penalty, then the use of time and
the effects' penalty at it). The simplest candidate within one standard
error of the best is kept (the prior before a free model), and so is the
feature penalty the search goes on from: a weaker one only where it predicts
the later outcomes clearly better. The recalibrated
prior is a slope and an offset on the prior's log-odds fitted on all
outcomes; the model is refitted on all outcomes and calibrated: the slope of
a Platt calibration of its held-out predictions stretches its log-odds, and an
offset keeps the refitted model's own level (its mean chance over the
outcomes, weighted as it was fitted, is their rate). The held-out offset is
not used: it is the sampling error of the held-out part of the history
(about 0.02 on the chance), and it moved every score by it.
With too little history (fewer than ``min_rows`` outcomes or ``min_minority``
of the rarer one) the estimate is exactly the prior.

Time: two ways to let the evidence age, each a candidate beside weighing every
outcome alike. A half-life: an outcome weighs ``0.5 ** (age / half_life)``
(age in days from ``referred_on`` to the reference date; an undated one is
given the median age). Or a drift: each partner's record moves back in time
from its level now as a random walk in steps of a quarter (a Gaussian prior
on each step, its variance per year among :data:`DRIFTS`), so the level now is
told mostly by recent outcomes and older ones count as far as the steps
between allow. Either way only the records (partner and offer effects, with
the level and the domains) are refitted: the features stay as learned from
every outcome alike. Where the history is dated the candidates are judged on
time: trained on the earlier outcomes, scored on the later ones (expanding
windows), so the future never predicts the past; the use of time is chosen
among "alike", :data:`HALF_LIVES` and :data:`DRIFTS` on those later outcomes
by the same one-standard-error rule (alike first, then the longest half-life,
then the slowest drift). The partner effects stay pooled: weighing old
outcomes less leaves a partner known mostly from them closer to the average.

Leaks: the features are those of the person *as referred* where the history
says (``as_referred``, see :mod:`matching.history`), so a level that rose
because the course was completed does not teach that a higher level
completes. The coalition-graph feature is measured in training from the
person's mentor only: a referral must not anchor its own pair. When ranking,
the mentor and the partners of completed earlier referrals anchor it; a
drop-out or an ongoing referral does not (:mod:`matching.tables`).

Fairness: no feature reads gender, age, nationality, the languages a person
speaks as such, or anything else about who the person is beyond the needs
they stated (childcare) and their level.
"""

import copy

import numpy as np

from matching import vocab
from matching.eligibility import distances
from matching.errors import MatchingError
from matching.history import label_of
from matching.holdout import stratified_holdout
from matching.pairs import PairFacts
from matching.scoring import PRIOR_INTERCEPT, prior_logit

__all__ = ["DRIFTS", "FEATURES", "HALF_LIVES", "LITTLE_DATA", "OLD_DAYS", "SuccessModel",
           "drift_design", "label_of"]

# Fewer labelled referrals than this for a partner and group is "little data".
LITTLE_DATA = 5
# From this many outcomes on, candidates are compared on one held-out quarter
# (1,000 held-out outcomes tell the candidates apart; k folds would cost k times more).
_ONE_SPLIT_FROM = 4_000
# Candidate half-lives of an outcome's weight, in days: two years, one, half a year.
HALF_LIVES = (730.0, 365.0, 182.0)
# A partner whose labelled referrals are mostly older than this has "a mostly old record".
OLD_DAYS = 365
# Candidate drifts of a partner's record (variance of its log-odds per year): a record that may
# move by about 0.3 or 0.55 a year (sd). The record moves in steps of a quarter.
DRIFTS = (0.1, 0.3)
DRIFT_STEP_DAYS = 91
# Components only the model has (see matching.scoring).
_LEARNED_ONLY = ("offer", "track")


def _km(f, low, high):
    return np.where(f.km_known, np.clip(f.km - low, 0, high - low), 0.0)


def _level_share(f):
    return np.where(f.level >= 0, np.maximum(f.level, 0) / (len(vocab.LEVELS) - 1), 0.5)


# (name, component, function of PairFacts); each is 0 where its component does not apply.
FEATURES = (
    ("km_0_2", "distance", lambda f: _km(f, 0, 2)),
    ("km_2_5", "distance", lambda f: _km(f, 2, 5)),
    ("km_5_10", "distance", lambda f: _km(f, 5, 10)),
    ("km_10_40", "distance", lambda f: _km(f, 10, 40)),
    # One slope over every distance beside the pieces' own: the pieces are then shrunk
    # towards a shared slope, not towards none, so a slope seen near (where the history's
    # pairs mostly are) carries to the far pairs an allocation also weighs.
    ("km", "distance", lambda f: _km(f, 0, 40)),
    ("km_with_children", "distance", lambda f: _km(f, 0, 20) * f.children),
    ("km_for_beginners", "distance", lambda f: _km(f, 0, 20) * f.beginner),
    ("schedule_share", "schedule", lambda f: f.schedule_share),
    ("schedule_known", "schedule", lambda f: f.schedule_known.astype(float)),
    ("language_shared", "language", lambda f: f.language_shared.astype(float)),
    ("language_shared_beginner", "language", lambda f: (f.language_shared & f.beginner) * 1.0),
    ("language_shared_level", "language", lambda f: f.language_shared * _level_share(f)),
    ("language_none", "language", lambda f: (f.language_known & ~f.language_shared) * 1.0),
    ("childcare_given", "childcare", lambda f: (f.children & f.childcare) * 1.0),
    ("childcare_missing", "childcare", lambda f: (f.children & ~f.childcare) * 1.0),
    ("childcare_missing_km", "childcare",
     lambda f: (f.children & ~f.childcare) * _km(f, 0, 20) / 10),
    ("sector_shared", "sector", lambda f: f.sector_shared.astype(float)),
    ("sector_none", "sector", lambda f: (f.sector_known & ~f.sector_shared) * 1.0),
    ("course_fit", "level", lambda f: (f.level_known & f.course) * 1.0),
    ("course_gap", "level", lambda f: f.course_gap),
    ("course_gap_squared", "level", lambda f: f.course_gap ** 2),
    ("level_fit", "level", lambda f: (f.level_known & ~f.course) * 1.0),
    ("level_surplus", "level", lambda f: f.level_surplus),
    ("alfa_given", "alfa", lambda f: f.alfa_needed_and_given * 1.0),
    ("alfa_missing", "alfa", lambda f: f.alfa_needed_not_given * 1.0),
    ("alfa_unneeded", "alfa", lambda f: f.alfa_not_needed * 1.0),
    ("closeness", "graph", lambda f: np.nan_to_num(f.closeness)),
    ("anchored", "graph", lambda f: (~np.isnan(f.closeness)) * 1.0),
)


def _offer_matrix(t):
    """Per offer: its kind (one-hot, unknown last) and hours; the ``offer`` component."""
    kind = np.eye(len(vocab.OFFER_KINDS) + 1)[t.offers.kind]
    hours = t.offers.hours
    return np.column_stack([kind, np.nan_to_num(hours / 40), np.isnan(hours)])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _log_loss(y, logit):
    # log(1 + e^x) - y x, computed stably.
    return float(np.mean(np.logaddexp(0, logit) - y * logit))


class _Design:
    """The training matrices of one history: offset, dense columns, effect indices."""

    def __init__(self, t, p, o, y):
        facts = PairFacts(t, p, o, distances(t, p, o), mentor_only=True)
        self.offset = prior_logit(facts)[0]
        self.y = y.astype(float)
        pair = np.column_stack([fn(facts) for _, _, fn in FEATURES]) if len(p) else (
            np.zeros((0, len(FEATURES))))
        self.n_pair = pair.shape[1]
        dense = np.column_stack([pair, _offer_matrix(t)[o]])
        self.mean, self.sd = dense.mean(axis=0), dense.std(axis=0)
        keep = self.sd > 1e-9
        self.scaled = np.where(keep, (dense - self.mean) / np.where(keep, self.sd, 1), 0.0)
        self.keep = keep
        self.by_domain = _by_domain(pair, t.offers.domain[o], self.sd[:self.n_pair], keep)
        self.domain = np.eye(len(vocab.DOMAINS))[t.offers.domain[o]]
        group = facts.beginner.astype(np.int64)
        n_partners, n_offers = len(t.partner_index), len(t.offers.ids)
        partner = t.offers.partner[o]
        # Effect columns: partner, partner x group, offer x group, offer (for both groups).
        self.effects = np.column_stack([partner, n_partners + 2 * partner + group,
                                        3 * n_partners + 2 * o + group,
                                        3 * n_partners + 2 * n_offers + o])
        self.n_effects = 3 * n_partners + 3 * n_offers
        # The partner's effect carries most of the variance; its group deviation and the
        # offer's own effect a quarter each, the offer's group deviation an eighth: together
        # they stay near the partner's own prior, and an offer with little evidence keeps
        # its partner's record (the offer's evidence of both groups pooled first).
        self.effect_scale = np.r_[np.ones(n_partners), np.full(2 * n_partners, 4.0),
                                  np.full(2 * n_offers, 8.0), np.full(n_offers, 4.0)]


def _by_domain(pair, domain, sd, keep):
    """Per feature and domain, the feature where the offer is of that domain (sparse, on the
    shared feature's scale, not centred: the domain's own shift takes its mean): a feature
    may matter more in one domain than in another, a deviation shrunk to the shared one."""
    from scipy import sparse

    n, k = pair.shape
    n_domains = len(vocab.DOMAINS)
    scaled = np.where(keep[:k], pair / np.where(keep[:k], sd, 1), 0.0)
    columns = np.arange(k) * n_domains + domain[:, None]
    matrix = sparse.csr_matrix((scaled.reshape(-1), columns.reshape(-1),
                                np.arange(0, n * k + 1, k)), shape=(n, k * n_domains))
    # Most features are 0 for most pairs (no children, within 10 km, ...): store none of those.
    matrix.eliminate_zeros()
    return matrix


def _fit_penalised(d, rows, lam_beta, lam_effect, start=None, weight=None, features=None,
                   drift=None):
    """Minimise the penalised, weighted log loss on ``rows``; returns the parameter vector.

    Parameters: intercept (free), domain shifts (penalty 1), standardised
    features (``lam_beta``), effects (``lam_effect``). ``weight`` (per row of
    ``rows``, mean 1) weighs each outcome; an old one counts for less, so the
    effects of a partner known mostly from old outcomes are pooled more.
    ``features`` (a parameter vector) holds the features' coefficients at its
    values: the structure learned from every outcome alike, only the level,
    the domains and the partners' and offers' records refitted.
    ``drift`` (a :func:`drift_design` of ``rows`` and the penalty of its steps)
    lets each partner's record move back in time from its level now (the partner
    effect); the steps follow the effects in the returned vector.
    """
    x_dense = np.column_stack([np.ones(len(rows)), d.domain[rows], d.scaled[rows]])
    x_domain = d.by_domain[rows]
    offset = d.offset[rows]
    n_dense = x_dense.shape[1]
    n_linear = n_dense + x_domain.shape[1]
    steps, step_penalty = (None, 0.0) if drift is None else drift
    penalty = np.r_[0.0, np.ones(d.domain.shape[1]),
                    np.full(d.scaled.shape[1] + x_domain.shape[1], lam_beta),
                    lam_effect * d.effect_scale,
                    np.full(0 if steps is None else steps.shape[1], step_penalty)]
    if features is None:
        theta0 = np.zeros(len(penalty)) if start is None else start
        return _minimise(offset, x_dense, x_domain, d, rows, weight, penalty, theta0, steps)
    # The features held: their part joins the offset, only the level, the domains and the
    # effects are fitted (a much smaller problem).
    first = 1 + d.domain.shape[1]
    offset = (offset + x_dense[:, first:] @ features[first:n_dense]
              + x_domain @ features[n_dense:n_linear])
    free = np.r_[np.arange(first), np.arange(n_linear, len(penalty))]
    theta = np.zeros(len(penalty))
    theta[:n_linear + d.n_effects] = features[:n_linear + d.n_effects]
    theta0 = (theta if start is None else start)[free]
    # A contiguous copy: the products over a column slice cost twice as much (same bits).
    theta[free] = _minimise(offset, np.ascontiguousarray(x_dense[:, :first]), None, d, rows,
                            weight, penalty[free], theta0, steps)
    return theta


def drift_design(partner, age, n_partners):
    """Per outcome, a 1 on each of its partner's steps between now and the outcome's quarter.

    A partner's record in the ``b``-th quarter before now is its level now plus
    its steps 1..b: a random walk back in time, anchored now. The level now is
    learned from the recent outcomes first; older ones tell it only as far as
    the steps between let them (a Gaussian prior on each step).
    """
    from scipy import sparse

    quarter = (np.maximum(age, 0) // DRIFT_STEP_DAYS).astype(np.int64)
    n_steps = int(quarter.max()) if len(quarter) else 0
    starts = np.r_[0, np.cumsum(quarter)]
    within = np.arange(starts[-1]) - np.repeat(starts[:-1], quarter)
    columns = np.repeat(partner, quarter) * n_steps + within
    return sparse.csr_matrix((np.ones(starts[-1]), columns, starts),
                             shape=(len(age), n_partners * n_steps))


# The fit stops where no coefficient's gradient is above this per outcome: Newton's
# quadratic convergence then leaves the optimum ~1e-9 away in the scores, whatever the start.
_GRADIENT_TOL = 1e-11
_MAX_NEWTON = 50
# Relative to the loss, a decrease below what its sum of outcomes resolves.
_ROUNDING = 1e-11
# Longest step (norm of the coefficients' change) the damping lets through: long enough that
# it hardly slows a fit from an ordinary start (1-4 % more Hessian products).
_MAX_STEP = 100.0


def _minimise(offset, x_dense, x_domain, d, rows, weight, penalty, theta0, steps=None):
    """The penalised, weighted log loss minimised over dense, sparse and effect columns (and
    the partners' drift ``steps``, after the effects): to its optimum, by Newton's method.

    The loss is convex, so its optimum is one, wherever the fit starts: a start
    (a neighbouring candidate's fit) saves iterations and changes no number.
    Each Newton step solves the Hessian's system by conjugate gradients
    (``scipy.sparse.linalg.cg``), preconditioned by the Hessian's two diagonal
    blocks at the first step, solved exactly: the linear terms' (dense, small:
    Cholesky) and the effects' (sparse: ``splu``). What remains between them
    is what CG converges on in a few iterations; L-BFGS took hundreds and
    stopped short of the optimum. A backtracking line search keeps every step
    downhill. scipy.optimize's Newton-CG and trust-region methods take no
    preconditioner (CG then needs hundreds of products a step) and Newton-CG
    stops on the step's size, not the gradient: hence this short loop.
    """
    from scipy import sparse

    # An effect none of these outcomes has is pulled by its penalty alone, so its optimum is
    # 0: left out, the solver carries a third fewer parameters on a large coalition.
    n_dense = x_dense.shape[1]
    n_linear = n_dense + (0 if x_domain is None else x_domain.shape[1])
    used = np.unique(d.effects[rows])
    column = np.zeros(d.n_effects, dtype=np.int64)
    column[used] = np.arange(len(used))
    keep = np.r_[np.arange(n_linear), n_linear + used]
    effects = _indicators(column[d.effects[rows]], len(used))
    if steps is not None:
        # Likewise a step no outcome lies beyond.
        used_steps = np.flatnonzero(np.bincount(steps.indices, minlength=steps.shape[1]))
        keep = np.r_[keep, n_linear + d.n_effects + used_steps]
        effects = sparse.hstack([effects, steps[:, used_steps]], format="csr")
    y = d.y[rows]
    w = np.ones(len(rows)) if weight is None else weight
    problem = _Problem(offset, x_dense, x_domain, effects, y, w, penalty[keep])
    theta = problem.solve(theta0[keep])
    result = np.zeros(len(theta0))
    result[keep] = theta
    return result


class _Problem:
    """One penalised logistic fit: the linear block (dense columns, then the domains' sparse
    deviations) and the effects' block (sparse 0/1 columns, then drift steps)."""

    def __init__(self, offset, x_dense, x_domain, effects, y, w, penalty):
        self.offset, self.x_dense, self.x_domain, self.effects = offset, x_dense, x_domain, effects
        # Transposed once, not at every product.
        self.x_domain_t = None if x_domain is None else x_domain.T.tocsr()
        self.effects_t = effects.T.tocsr()
        self.y, self.w, self.penalty = y, w, penalty
        self.n_dense = x_dense.shape[1]
        self.n_linear = self.n_dense + (0 if x_domain is None else x_domain.shape[1])

    def times(self, theta):
        """The design matrix times ``theta``."""
        eta = self.x_dense @ theta[:self.n_dense] + self.effects @ theta[self.n_linear:]
        if self.x_domain is not None:
            eta += self.x_domain @ theta[self.n_dense:self.n_linear]
        return eta

    def transposed_times(self, u):
        """The design matrix's transpose times ``u`` (per outcome)."""
        out = np.empty(len(self.penalty))
        out[:self.n_dense] = self.x_dense.T @ u
        if self.x_domain is not None:
            out[self.n_dense:self.n_linear] = self.x_domain_t @ u
        out[self.n_linear:] = self.effects_t @ u
        return out

    def loss(self, theta, eta):
        return (self.w @ (np.logaddexp(0, eta) - self.y * eta)
                + 0.5 * self.penalty @ theta ** 2)

    def solve(self, theta):
        from scipy.sparse.linalg import LinearOperator, cg

        theta = theta.copy()
        eta = self.offset + self.times(theta)
        value = self.loss(theta, eta)
        n, m = len(self.y), len(theta)
        preconditioner = None
        for _ in range(_MAX_NEWTON):
            p = _sigmoid(eta)
            grad = self.transposed_times(self.w * (p - self.y)) + self.penalty * theta
            if np.max(np.abs(grad)) <= _GRADIENT_TOL * n:
                break
            curvature = self.w * p * (1 - p)
            # Damped (Levenberg-Marquardt) in proportion to the gradient: where most log-odds
            # are far out the curvature of the unpenalised intercept is ~0, and a plain Newton
            # step overflowed, could not be factored, or was too long for the line search to
            # halve back. Damped, a step is at most _MAX_STEP long; at the optimum the damping
            # vanishes with the gradient, and convergence stays quadratic.
            damping = np.linalg.norm(grad) / _MAX_STEP
            hessian = LinearOperator(
                (m, m), dtype=float,
                matvec=lambda v, c=curvature, a=damping: (self.transposed_times(c * self.times(v))
                                                          + (self.penalty + a) * v))
            # Inexact Newton: the step's system solved as far as the gradient is still large
            # (superlinear convergence without solving far-off steps exactly).
            tolerance = min(0.1, np.sqrt(np.linalg.norm(grad) / n))
            if preconditioner is None:
                # Built at the first step only: its factorization is the dearest part, and
                # the curvature moves little from step to step (CG corrects for it).
                preconditioner = self._preconditioner(curvature, damping)
            step, _ = cg(hessian, grad, rtol=tolerance, maxiter=m, M=preconditioner)
            slope, size = grad @ step, 1.0
            while True:
                trial = theta - size * step
                trial_eta = self.offset + self.times(trial)
                trial_value = self.loss(trial, trial_eta)
                # Armijo: a step must lower the loss by a share of what its slope promised. A
                # step that promises less than the loss's rounding can show is Newton's close
                # to the optimum, where whole steps converge: taken as it is.
                if (trial_value <= value - 1e-4 * size * slope
                        or slope <= _ROUNDING * abs(value)):
                    break
                size /= 2
                if size < 1e-10:
                    return theta
            theta, eta, value = trial, trial_eta, trial_value
        return theta

    def _preconditioner(self, curvature, damping):
        """The inverse of the (damped) Hessian's linear and effects blocks, each solved exactly."""
        from scipy import sparse
        from scipy.linalg import cho_factor, cho_solve
        from scipy.sparse.linalg import LinearOperator, splu

        n_dense, n_linear = self.n_dense, self.n_linear
        weighted = curvature[:, None] * self.x_dense
        linear = np.empty((n_linear, n_linear))
        linear[:n_dense, :n_dense] = self.x_dense.T @ weighted
        if self.x_domain is not None:
            cross = self.x_domain_t @ weighted
            linear[n_dense:, :n_dense] = cross
            linear[:n_dense, n_dense:] = cross.T
            linear[n_dense:, n_dense:] = (self.x_domain_t @ sparse.diags(curvature)
                                          @ self.x_domain).toarray()
        linear[np.diag_indices(n_linear)] += self.penalty[:n_linear] + damping
        linear_factor = cho_factor(linear)
        if self.effects.shape[1] == 0:
            # The linear block alone (as in the calibration): the Hessian itself.
            def solve(v):
                return cho_solve(linear_factor, v)
        else:
            effects = (self.effects_t @ sparse.diags(curvature) @ self.effects
                       + sparse.diags(self.penalty[n_linear:] + damping)).tocsc()
            # Symmetric positive definite: no pivoting; the minimum-degree ordering keeps
            # the effects' factor about as sparse as the block itself.
            effects_factor = splu(effects, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0,
                                  options={"SymmetricMode": True})

            def solve(v):
                return np.r_[cho_solve(linear_factor, v[:n_linear]),
                             effects_factor.solve(v[n_linear:])]

        size = len(self.penalty)
        return LinearOperator((size, size), matvec=solve, dtype=float)


def _indicators(effects, n_effects):
    """The effect columns as a sparse 0/1 matrix: row i has a 1 at each of ``effects[i]``."""
    from scipy import sparse

    n, k = effects.shape
    return sparse.csr_matrix((np.ones(n * k), effects.reshape(-1), np.arange(0, n * k + 1, k)),
                             shape=(n, n_effects))


def _n_parameters(d):
    """Length of a parameter vector without drift steps: linear terms and effects."""
    return 1 + d.domain.shape[1] + d.scaled.shape[1] + d.by_domain.shape[1] + d.n_effects


def _predict_rows(d, theta, rows):
    n_dense = 1 + d.domain.shape[1] + d.scaled.shape[1]
    n_linear = n_dense + d.by_domain.shape[1]
    x_dense = np.column_stack([np.ones(len(rows)), d.domain[rows], d.scaled[rows]])
    return (d.offset[rows] + x_dense @ theta[:n_dense] + d.by_domain[rows] @ theta[n_dense:n_linear]
            + theta[n_linear:][d.effects[rows]].sum(axis=1))


def _fitted_logit(d, theta, rows, steps=None):
    """Log-odds of ``rows`` under ``theta``, with the drift's ``steps`` (the records as they
    stood at each outcome) where the records move."""
    eta = _predict_rows(d, theta, rows)
    return eta if steps is None else eta + steps @ theta[_n_parameters(d):]


def _name(candidate, time):
    """A candidate's name with its use of time: ``model 30/10``, ``... h182``, ``... d0.3``."""
    return candidate if time is None else f"{candidate} {time[0]}{time[1]:g}"


def _time_of(name):
    """The use of time a candidate's name says: None, ("h", half-life) or ("d", drift)."""
    head, _, tail = name.rpartition(" ")
    if head and tail[:1] in ("h", "d") and tail[1:].replace(".", "", 1).isdigit():
        return tail[0], float(tail[1:])
    return None


def _untimed(name):
    """The candidate's name without its use of time."""
    return name if _time_of(name) is None else name.rpartition(" ")[0]


# Held-out log loss per outcome that candidates of the same predictions differ by.
_TIED = 1e-9


def _one_standard_error(held_out, y, scored, penalties):
    """The simplest candidate whose held-out log loss is within one standard error of the best
    (the standard error of the per-outcome difference from the best).

    Simplest: every outcome alike first, then the longest half-life, then the
    slowest drift (old evidence is discounted only where that clearly predicts
    the later outcomes better), then
    the recalibrated prior, then the model with the strongest penalties (the
    least freedom from the prior). On a small history the candidates' losses
    differ by less than their noise, and the estimate stays with the prior.
    """
    losses = {k: np.logaddexp(0, v[scored]) - y[scored] * v[scored]
              for k, v in held_out.items()}
    best = min(losses, key=lambda k: losses[k].mean())

    def close_to_best(name):
        # Paired over the same held-out outcomes: the candidates' losses move together.
        gap = losses[name] - losses[best]
        # Within the fits' precision (scores ~1e-9 from the optimum) a gap is a tie: the same
        # predictions fitted apart differ in their last bits, by a gap of standard error 0.
        return gap.mean() <= max(gap.std() / np.sqrt(len(gap)), _TIED)

    def freedom(name):
        time = _time_of(name)
        # All outcomes alike, then the longest half-life, then the slowest drift.
        change = ((0, 0.0) if time is None else (1, 1 / time[1]) if time[0] == "h"
                  else (2, time[1]))
        if name not in penalties:
            return change, 0.0
        lam_beta, lam_effect = penalties[name][:2]
        return change, 1 / lam_beta + 1 / lam_effect

    within = [k for k in losses if close_to_best(k)]
    return min(within, key=lambda k: (freedom(k), losses[k].mean()))


# The calibration's prior on its slope: sd around 1 (the log-odds as they are).
_SLOPE_PRIOR = 1.0


def _platt(logit, y, weight=None):
    """Slope and offset that calibrate log-odds ``logit`` on outcomes ``y`` (weighted).

    A logistic regression of the outcomes on the log-odds, solved as the model
    itself is, to its optimum (importing scikit-learn took a tenth of a large
    allocation's time, and scipy.optimize 0.15 s of ranking's). The offset is
    free; the slope has a Gaussian prior around 1 (sd 1, :data:`_SLOPE_PRIOR`):
    where a few held-out outcomes are separated by their log-odds, a free
    slope ran off (19 and more, scores of exactly 1.0); a few thousand
    outcomes hardly notice the prior.
    """
    from scipy import sparse

    n = len(y)
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    logit = np.asarray(logit, dtype=float)
    # Fitted as the log-odds themselves (the offset) plus a change of slope, penalised.
    problem = _Problem(logit, np.column_stack([logit, np.ones(n)]), None,
                       sparse.csr_matrix((n, 0)), np.asarray(y, dtype=float), w,
                       np.array([1 / _SLOPE_PRIOR ** 2, 0.0]))
    change, offset = problem.solve(np.zeros(2))
    return float(1 + change), float(offset)


def _calibration(held_out, y_held_out, fitted, y, weight=None):
    """Slope and offset of the model's calibration: the slope of a Platt calibration on the
    held-out log-odds, the offset that keeps the refitted model's level.

    The held-out offset is left out: it is the gap between the held-out outcomes' rate
    and what fits that had not seen them predicted, the sampling error of a part of the
    history (sd about 0.02 on the chance with 3,500 outcomes), and it moved every score
    by it. The model refitted on all outcomes has seen those outcomes: its unpenalised
    intercept already puts its mean (weighted as in the fit) at the rate. The offset is
    the one that keeps that mean under the held-out slope (``fitted``: the refitted
    model's log-odds of its own outcomes, each record as it stood then).
    """
    from scipy import sparse

    slope, _ = _platt(held_out, y_held_out)
    n = len(y)
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    # The offset alone, unpenalised: the weighted mean of the calibrated chances is the rate.
    problem = _Problem(slope * np.asarray(fitted, dtype=float), np.ones((n, 1)), None,
                       sparse.csr_matrix((n, 0)), np.asarray(y, dtype=float), w, np.zeros(1))
    return slope, float(problem.solve(np.zeros(1))[0])


def _decay(age_days, half_life):
    """Weights of outcomes of these ages (mean 1): halved every ``half_life`` days."""
    if half_life is None:
        return np.ones(len(age_days))
    w = 0.5 ** (np.maximum(age_days, 0) / half_life)
    return w / w.mean()


def _filled_ages(age_days):
    """Ages with the undated given the median dated age; None when nothing is dated."""
    age = np.asarray(age_days, dtype=float)
    dated = ~np.isnan(age)
    if not dated.any():
        return None
    return np.where(dated, age, np.median(age[dated]))


def _time_folds(age, folds, one_split):
    """Train on the earlier, judge on the later: (train, test, the test's start age) per fold.

    Expanding windows over the outcomes oldest first: the later half is cut
    into ``folds`` slices, each judged by a fit on everything before it (so
    every fit sees at least half the outcomes, as a k-fold fit sees most);
    from ``one_split`` outcomes on, one split: the oldest three quarters
    against the newest quarter.
    """
    order = np.argsort(-age, kind="stable")
    n = len(order)
    cuts = ([int(0.75 * n)] if n >= one_split
            else [n // 2 + (n - n // 2) * k // folds for k in range(folds)])
    ends = [*cuts[1:], n]
    return [(order[:cut], order[cut:end], float(age[order[cut]]))
            for cut, end in zip(cuts, ends, strict=True) if 0 < cut < end]


class SuccessModel:
    """P(completed | person, offer): the prior, updated by the history.

    Parameters
    ----------
    min_rows : int, default 20
        Fewest labelled referrals to learn from.
    min_minority : int, default 5
        Fewest referrals of the rarer outcome to learn from.
    feature_penalties, effect_penalties : sequence of float
        Candidate ridge penalties of the standardised features and of the
        partner and offer effects (the inverse variance of a random effect).
        The weakest effect penalty, 2, is a floor on the pooling: a partner's
        quality is taken to vary by at most about 0.7 on the log-odds (sd), so
        two lucky referrals cannot lift a partner above one with a long record.
    half_lives : sequence of float
        Candidate half-lives of the outcomes' weight, in days (tried where the
        history is dated); weighing all outcomes alike is always a candidate.
    drifts : sequence of float
        Candidate drifts of a partner's record, variance of its log-odds per
        year (tried where the history is dated). ``half_lives=(), drifts=()``:
        every outcome alike, every record still.
    folds : int, default 4
        Cross-validation folds for choosing the candidate.
    random_state : int or None
        Seeds the folds.

    Attributes
    ----------
    kind_ : str
        ``"prior"`` (too little history), ``"recalibrated prior"`` or ``"model"``.
    half_life_ : float or None
        The chosen half-life in days (None: no half-life).
    drift_ : float or None
        The chosen drift of a partner's record, variance per year (None: the
        records stay still). Both None: every outcome weighs alike.
    n_labelled_ : int
    cv_log_loss_ : dict
        Held-out log loss per candidate (empty without learning).
    """

    def __init__(self, min_rows=20, min_minority=5, feature_penalties=(3.0, 30.0, 300.0),
                 effect_penalties=(2.0, 10.0, 50.0), half_lives=HALF_LIVES, drifts=DRIFTS,
                 folds=4, random_state=0):
        self.min_rows = min_rows
        self.min_minority = min_minority
        self.feature_penalties = feature_penalties
        self.effect_penalties = effect_penalties
        self.half_lives = half_lives
        self.drifts = drifts
        self.folds = folds
        self.random_state = random_state

    def fit(self, t, p, o, y, age_days=None):
        """Learn from the outcomes ``y`` of pairs (``p``, ``o``) of tables ``t``.

        ``age_days`` (per outcome, NaN where unknown) lets old outcomes weigh
        less and the candidates be judged on the later outcomes.
        """
        p, o, y = (np.asarray(a, dtype=np.int64) for a in (p, o, y))
        if not len(p) == len(o) == len(y):
            raise MatchingError("history pairs and outcomes differ in length")
        age = None if age_days is None else _filled_ages(age_days)
        if age is not None and len(age) != len(y):
            raise MatchingError("history ages and outcomes differ in length")
        self.n_labelled_ = len(y)
        self.kind_, self.cv_log_loss_, self.half_life_, self.drift_ = "prior", {}, None, None
        self._records(t, p, o, y, age)
        minority = int(min(np.count_nonzero(y == 1), np.count_nonzero(y == 0)))
        if self.n_labelled_ < self.min_rows or minority < max(self.min_minority, 2):
            self._bind(t)
            return self
        import scipy.sparse.linalg  # noqa: F401 - see below
        from threadpoolctl import threadpool_limits

        # One BLAS thread: the matrices are small, extra threads only contend (with an
        # allocation's worker: 2.5 times the CPU). The limit reaches only the libraries
        # loaded when it is set, so scipy's own BLAS (its linalg's) is loaded first.
        with threadpool_limits(limits=1):
            self._learn(t, p, o, y, age, minority)
        self._bind(t)
        return self

    def fit_outcomes(self, outcomes):
        """Learn from :class:`~matching.history.Outcomes` (the persons as referred, the ages)."""
        return self.fit(outcomes.tables, outcomes.p, outcomes.o, outcomes.y, outcomes.age_days)

    def _records(self, t, p, o, y, age):
        """Per partner id: labelled referrals and successes per group, and how many of its
        referrals are older than ``OLD_DAYS``, for the explanations."""
        group = PairFacts(t, p, o, np.zeros(len(p))).beginner.astype(np.int64)
        key = t.offers.partner[o] * 2 + group
        size = 2 * len(t.partner_index)
        n = np.bincount(key, minlength=size).reshape(-1, 2)
        wins = np.bincount(key, weights=y, minlength=size).reshape(-1, 2)
        old = np.zeros(len(y)) if age is None else (age > OLD_DAYS) * 1.0
        n_old = np.bincount(t.offers.partner[o], weights=old, minlength=size // 2)
        ids = [partner.id for partner in t.scenario.partners]
        self.records_ = {ids[k]: (n[k], wins[k], int(n_old[k]))
                         for k in np.flatnonzero(n.sum(axis=1))}

    def _folds(self, y, age, minority):
        if age is not None and np.ptp(age) > 0:
            folds = _time_folds(age, self.folds, _ONE_SPLIT_FROM)
            # A fold whose earlier outcomes are all of one kind cannot be learned from.
            folds = [f for f in folds if len(np.unique(y[f[0]])) == 2]
            if folds:
                return folds, True
        if len(y) >= _ONE_SPLIT_FROM:
            # Plenty of outcomes: one held-out quarter judges as well as k folds, k times faster.
            # scikit-learn's split without importing it: a large allocation skips that.
            train, test = stratified_holdout(y, 0.25, self.random_state)
            return [(train, test, 0.0)], False
        from sklearn.model_selection import StratifiedKFold

        split = StratifiedKFold(n_splits=min(self.folds, minority), shuffle=True,
                                random_state=self.random_state)
        return [(train, test, 0.0) for train, test in split.split(y, y)], False

    def _learn(self, t, p, o, y, age, minority):
        d = _Design(t, p, o, y)
        folds, on_time = self._folds(y, age, minority)
        scored = np.zeros(len(y), dtype=bool)
        for _, test, _ in folds:
            scored[test] = True
        decays = [("h", h) for h in self.half_lives if h] if on_time else []
        times = [None, *decays, *(("d", v) for v in self.drifts if v)] if on_time else [None]
        partner = t.offers.partner[o]

        def weights(time, train, start):
            # Ages as seen at the start of the judged slice: its "now".
            return _decay(age[train] - start, time[1]) if time and time[0] == "h" else None

        def drift(time, train, start):
            if not (time and time[0] == "d"):
                return None
            steps = drift_design(partner[train], age[train] - start, len(t.partner_index))
            return steps, 365 / (time[1] * DRIFT_STEP_DAYS)

        held_out, thetas = {}, {}

        def try_prior(time):
            name = _name("recalibrated prior", time)
            held_out[name] = np.zeros(len(y))
            for train, test, start in folds:
                slope, offset = _platt(d.offset[train], y[train], weights(time, train, start))
                held_out[name][test] = slope * d.offset[test] + offset
            return name

        last, fitted = [None] * len(folds), {}

        def try_penalty(lam_beta, lam_effect, time=None):
            name = _name(f"model {lam_beta:g}/{lam_effect:g}", time)
            if name in held_out:
                return name
            alike = try_penalty(lam_beta, lam_effect) if time else None
            held_out[name], fitted[name] = np.zeros(len(y)), []
            for k, (train, test, start) in enumerate(folds):
                if time:
                    # The features as learned from every outcome; the records weighed by age
                    # or moving with time.
                    theta = _fit_penalised(d, train, lam_beta, lam_effect,
                                           weight=weights(time, train, start),
                                           features=fitted[alike][k],
                                           drift=drift(time, train, start))
                else:
                    # Each fold starts from its previous candidate's fit: fewer iterations
                    # (the same optimum, the fit is exact).
                    theta = last[k] = _fit_penalised(d, train, lam_beta, lam_effect,
                                                     start=last[k])
                fitted[name].append(theta)
                # Scored with each partner's record as it stood at the slice's start.
                held_out[name][test] = _predict_rows(d, theta, test)
            thetas[name] = (lam_beta, lam_effect, time)
            return name

        def loss(name):
            return _log_loss(y[scored], held_out[name][scored])

        # Coordinate search: the feature penalty first (all outcomes alike), then the use of
        # time at it, then the effects' penalty at the best of those.
        for time in [None, *decays]:
            try_prior(time)
        middle = self.effect_penalties[1]
        # The feature penalty as the final choice is made: the strongest within one standard
        # error of the best. The minimum alone went to a weaker penalty on a coin flip (30
        # against 300 by 0.03 standard errors) and the search then tried nothing at the
        # stronger one, which allocated better (see docs/evaluation.md).
        tried = [try_penalty(lam, middle) for lam in self.feature_penalties]
        lam_beta = thetas[_one_standard_error({k: held_out[k] for k in tried}, y, scored,
                                              thetas)][0]
        time = thetas[min((try_penalty(lam_beta, middle, h) for h in times), key=loss)][2]
        lam_effect = thetas[min((try_penalty(lam_beta, lam, time)
                                 for lam in self.effect_penalties), key=loss)][1]
        # Every use of time again at the penalties found: time is judged on like terms.
        for h in times:
            try_penalty(lam_beta, lam_effect, h)
        best = _one_standard_error(held_out, y, scored, thetas)
        self.cv_log_loss_ = {k: loss(k) for k in held_out}
        time = _time_of(best)
        self.half_life_ = time[1] if time and time[0] == "h" else None
        self.drift_ = time[1] if time and time[0] == "d" else None
        every = np.arange(len(y))
        if best not in thetas:
            # The prior, recalibrated on every outcome: a slope and an offset on its log-odds.
            self.kind_, self.chosen_ = "recalibrated prior", best
            self.calibration_ = _platt(d.offset, y, weights(time, every, 0.0))
            return
        # From the last fold's fit of the same penalties: most outcomes are the same.
        lam_beta, lam_effect = thetas[best][:2]
        theta = _fit_penalised(d, every, lam_beta, lam_effect,
                               start=fitted[_untimed(best)][-1])
        drift_steps = None
        if time:
            # "Now" is the newest outcome, as the folds judged it: steps with no outcome
            # beyond them would only pull the record now towards the average.
            moving = drift(time, every, float(age.min()))
            drift_steps = None if moving is None else moving[0]
            theta = _fit_penalised(d, every, lam_beta, lam_effect, features=theta,
                                   weight=weights(time, every, 0.0), drift=moving)
        self.kind_, self.chosen_ = "model", best
        # The slope from the held-out log-odds, the level the refitted model's own.
        self.calibration_ = _calibration(held_out[best][scored], y[scored],
                                         _fitted_logit(d, theta, every, drift_steps), y,
                                         weights(time, every, 0.0))
        # The records now: the drift's steps back in time are not needed to score.
        self._unpack(t, d, theta[:_n_parameters(d)])

    def _unpack(self, t, d, theta):
        """Raw-scale coefficients, the effects keyed by partner and offer id."""
        n_domains = d.domain.shape[1]
        n_dense = 1 + n_domains + d.scaled.shape[1]
        n_linear = n_dense + d.by_domain.shape[1]
        beta = np.where(d.keep, theta[1 + n_domains:n_dense] / np.where(d.keep, d.sd, 1), 0.0)
        self.offer_coef_ = beta[d.n_pair:]
        # Per feature and domain: the shared coefficient plus the domain's deviation (on the
        # shared feature's scale, not centred).
        keep, sd = d.keep[:d.n_pair, None], d.sd[:d.n_pair, None]
        deviation = theta[n_dense:n_linear].reshape(d.n_pair, n_domains)
        self.pair_coef_ = beta[:d.n_pair, None] + np.where(keep, deviation / np.where(keep, sd, 1),
                                                            0.0)
        # Centring of the standardised features goes to the intercept.
        self.intercept_ = float(theta[0] - beta @ d.mean)
        self.domain_coef_ = theta[1:1 + n_domains]
        effects = theta[n_linear:]
        n_partners = len(t.partner_index)
        by_group = effects[n_partners:3 * n_partners].reshape(-1, 2)
        n_offers = len(t.offers.ids)
        offer = (effects[3 * n_partners:3 * n_partners + 2 * n_offers].reshape(-1, 2)
                 + effects[3 * n_partners + 2 * n_offers:, None])
        partners = [x.id for x in t.scenario.partners]
        self.partner_effect_ = {partners[k]: effects[k] + by_group[k] for k in range(n_partners)}
        self.offer_effect_ = {x.id: offer[k] for k, x in enumerate(t.scenario.offers)}

    def bound_to(self, t):
        """This fitted model over other tables (the same history, the coalition since).

        Offers and partners are looked up by id: one the history never saw has no
        effect of its own (the prior's and the features' part only). The model
        itself is not changed, so a cache may share it between matchers.
        """
        bound = copy.copy(self)
        bound._bind(t)
        return bound

    def _bind(self, t):
        """The per-offer and per-partner arrays for the rows of ``t``."""
        partners = [x.id for x in t.scenario.partners]
        none = (np.zeros(2), np.zeros(2), 0)
        records = [self.records_.get(x, none) for x in partners]
        self.record_n_ = np.array([r[0] for r in records], dtype=np.int64).reshape(-1, 2)
        self.record_success_ = np.array([r[1] for r in records]).reshape(-1, 2)
        self.record_old_ = np.array([r[2] for r in records]) > self.record_n_.sum(axis=1) / 2
        if self.kind_ != "model":
            return
        self.base_ = self.intercept_ + self.domain_coef_[t.offers.domain]
        self.offer_domain_ = t.offers.domain
        self.offer_term_ = _offer_matrix(t) @ self.offer_coef_
        # Per offer and group: the partner's and the offer's own record.
        partner = np.array([self.partner_effect_.get(x, np.zeros(2)) for x in partners])
        offer = np.array([self.offer_effect_.get(x.id, np.zeros(2)) for x in t.scenario.offers])
        self.track_term_ = partner.reshape(-1, 2)[t.offers.partner] + offer.reshape(-1, 2)

    @property
    def learned(self):
        return getattr(self, "kind_", "prior") != "prior"

    def _check_fitted(self):
        if not hasattr(self, "kind_"):
            raise MatchingError("SuccessModel is not fitted yet; call fit first")

    def logit(self, facts):
        """Calibrated log-odds of success for pairs (the fast path for ranking)."""
        self._check_fitted()
        prior = prior_logit(facts)[0]
        if self.kind_ == "prior":
            return prior
        slope, offset = self.calibration_
        if self.kind_ == "recalibrated prior":
            return slope * prior + offset
        eta = prior + self.base_[facts.o] + self.offer_term_[facts.o]
        eta += self.track_term_[facts.o, facts.beginner.astype(np.int64)]
        domain = self.offer_domain_[facts.o]
        # Pairs of one domain (as ranking and allocation score them): one coefficient each.
        if len(domain) and (domain == domain[0]).all():
            domain = domain[0]
        for (_, _, fn), coef in zip(FEATURES, self.pair_coef_, strict=True):
            if coef.any():
                eta += coef[domain] * fn(facts)
        return slope * eta + offset

    def predict(self, facts):
        """Estimated probability of success for pairs."""
        return _sigmoid(self.logit(facts))

    def parts(self, facts):
        """Log-odds per component for pairs, and the rest (the base): they sum to ``logit``.

        Returns
        -------
        dict of str to numpy.ndarray, numpy.ndarray
        """
        self._check_fitted()
        _, terms = prior_logit(facts)
        base = np.full(len(facts), PRIOR_INTERCEPT)
        if self.kind_ == "prior":
            return terms, base
        slope, offset = self.calibration_
        if self.kind_ == "model":
            domain = self.offer_domain_[facts.o]
            for (_, component, fn), coef in zip(FEATURES, self.pair_coef_, strict=True):
                if coef.any():
                    terms[component] = terms[component] + coef[domain] * fn(facts)
            terms["offer"] = self.offer_term_[facts.o]
            terms["track"] = self.track_term_[facts.o, facts.beginner.astype(np.int64)]
            base = base + self.base_[facts.o]
        return {k: slope * v for k, v in terms.items()}, slope * base + offset

    def records(self, t, o, beginner):
        """Per pair: the completion rate and labelled referrals of the offer's partner
        for people of the pair's group (rate 0 where there are none)."""
        partner, group = t.offers.partner[o], np.asarray(beginner, dtype=np.int64)
        n = self.record_n_[partner, group]
        rate = self.record_success_[partner, group] / np.maximum(n, 1)
        return rate, n

    def mostly_old(self, t, o):
        """Per pair: whether most of the offer's partner's labelled referrals are older than
        ``OLD_DAYS`` (its record says more about then than about now)."""
        return self.record_old_[t.offers.partner[o]]

    def applies(self, name):
        """Whether a learned-only component says something (only once a model is learned)."""
        return self.kind_ == "model" and name in _LEARNED_ONLY
