"""One evaluation: simulate, allocate every cohort by every policy, measure."""

import numpy as np

from matching.evaluation.attainable import (
    ATTAINABLE_TIMES,
    attainable_name,
    has_hidden_quality,
    learned_quality,
)
from matching.evaluation.metrics import (
    DIMENSIONS,
    GroupTally,
    calibration,
    confidence_interval,
    learned_model_quality,
    outcome_metrics,
)
from matching.evaluation.policies import (
    DIAGNOSTICS,
    POLICIES,
    build_market,
    engine_models,
    optimal_arcs,
    oracle,
    prior_probability,
    scores,
)
from matching.evaluation.simulator import WORLDS, Simulator, beginner

__all__ = ["evaluate"]

METRICS = ("expected", "weighted", "served", "mean_km", "p90_km", "utilisation")


def _ratio(per_cohort, top, bottom, metric):
    values = [a[metric] / b[metric] for a, b in zip(per_cohort[top], per_cohort[bottom],
                                                    strict=True)]
    return confidence_interval(values)


def _allocate_cohort(sim, cohort, models, per_cohort, tally, km, agreement, attainable):
    market = build_market(cohort, sim.seed, models)
    t = market.matcher.tables
    truth = sim.true_probability(cohort, t, market.person, market.offer, market.km)
    systematic = sim.true_probability(cohort, t, market.person, market.offer, market.km,
                                      luck=False)
    # Yardsticks: the true rule with the quality as learned from the history (attainable.py).
    rule = sim.evaluation_truth.logit(t, market.person, market.offer, market.km)
    group = beginner(t, market.person)
    for name, quality in attainable.items():
        value = market.need[market.node] / (1 + np.exp(-(rule + quality[market.offer, group])))
        per_cohort.setdefault(name, []).append(
            outcome_metrics(market, truth, optimal_arcs(market, value)))
    chosen = {"oracle": oracle(market, truth)}
    chosen.update((name, policy(market)) for name, policy in POLICIES.items())
    chosen["oracle_systematic"] = oracle(market, systematic)
    chosen.update((name, policy(market)) for name, policy in DIAGNOSTICS.items())
    for name, arcs in chosen.items():
        per_cohort.setdefault(name, []).append(outcome_metrics(market, truth, arcs))
        tally.add(name, market, truth, arcs)
        km.setdefault(name, []).append(market.km[arcs])
    agreement.append({"score": scores(market), "prior": prior_probability(market),
                      "truth": truth, "assigned": np.isin(np.arange(len(truth)),
                                                          chosen["wegwijs"])})


def _agreement(agreement):
    """Rank correlation with the true chance, and calibration, of the engine and the prior."""
    from scipy import stats

    pooled = {k: np.concatenate([a[k] for a in agreement]) for k in agreement[0]}
    truth, assigned = pooled["truth"], pooled["assigned"]
    return {
        "rank_correlation": {k: float(stats.spearmanr(pooled[k], truth).statistic)
                             for k in ("score", "prior")},
        "calibration_assigned": calibration(pooled["score"][assigned], truth[assigned]),
        "calibration_all": calibration(pooled["score"], truth),
        "prior_calibration_assigned": calibration(pooled["prior"][assigned], truth[assigned]),
    }


def evaluate(seed, cohorts=20, people=500, offers=300, history=2000, world="standard",
             progress=None):
    """Run the whole evaluation; the same arguments give the same results.

    Parameters
    ----------
    seed : int
    cohorts : int
        Fresh cohorts to allocate (confidence intervals are over these).
    people, offers, history : int
        People per cohort, offers of the coalition, people in the history.
    world : str
        The hidden truth, a key of :data:`~matching.evaluation.simulator.WORLDS`.
    progress : callable, optional
        Called with a short message after each step.

    Returns
    -------
    dict
        ``summary`` (policy -> metric -> (mean, CI half-width)),
        ``per_cohort``, ``ratios``, ``fairness`` (dimension -> group ->
        policy -> (needs, served share, expected successes per need)),
        ``learning``, ``km`` (all assigned distances per policy), ``setup``.

    Examples
    --------
    >>> r = evaluate(seed=1, cohorts=2, people=30, offers=40, history=150)
    >>> r["summary"]["oracle"]["weighted"][0] >= r["summary"]["random"]["weighted"][0]
    True
    """
    from threadpoolctl import threadpool_limits

    # The arrays are small: BLAS threads only contend with each other (10x slower fits).
    with threadpool_limits(1):
        return _evaluate(seed, cohorts, people, offers, history, world, progress)


def _evaluate(seed, cohorts, people, offers, history, world, progress):
    say = progress or (lambda message: None)
    sim = Simulator(seed, cohorts=cohorts, people=people, offers=offers, history=history,
                    truth=WORLDS[world])
    say(f"simulated {len(sim.history_scenario.history)} logged referrals")
    per_cohort, tally, km, agreement = {}, GroupTally(), {}, []
    # Every cohort shares the history: the engine's model and its ablations are fitted once.
    models = engine_models(sim.history_scenario, seed=0)
    say("success models fitted: " + ", ".join(
        f"{k} {getattr(m, 'chosen_', m.kind_)}" for k, m in models.items()))
    attainable = ({attainable_name(h): learned_quality(sim, h) for h in ATTAINABLE_TIMES}
                  if has_hidden_quality(sim.truth) else {})
    for k in range(cohorts):
        _allocate_cohort(sim, sim.cohort(k), models, per_cohort, tally, km, agreement,
                         attainable)
        say(f"cohort {k + 1}/{cohorts} allocated")
    learning = learned_model_quality(sim.history_scenario, sim.history_success, seed)
    learning.update(_agreement(agreement))
    say("learned model assessed")
    capacity = sum(max(o.capacity, 0) for o in sim.history_scenario.offers)
    return {
        "setup": {"world": world, "seed": seed, "cohorts": cohorts, "people": people,
                  "offers": offers,
                  "history_people": history, "logged_referrals": len(sim.history_scenario.history),
                  "free_places": capacity, "explore": sim.explore,
                  "models": {k: getattr(m, "chosen_", m.kind_) for k, m in models.items()}},
        "summary": {name: {m: confidence_interval([c[m] for c in rows]) for m in METRICS}
                    for name, rows in per_cohort.items()},
        "per_cohort": per_cohort,
        "ratios": {f"{top}/{bottom}:{metric}": _ratio(per_cohort, top, bottom, metric)
                   for top, bottom in (("wegwijs", "oracle"), ("wegwijs", "oracle_systematic"),
                                       ("wegwijs", "prior_alone"), ("wegwijs", "greedy_nearest"),
                                       ("wegwijs", "wegwijs_all_alike"),
                                       ("wegwijs", "wegwijs_as_now"),
                                       *((name, "oracle_systematic") for name in attainable),
                                       *((name, attainable_name(None)) for name in attainable
                                         if name != attainable_name(None)))
                   for metric in ("expected", "weighted")},
        "fairness": {d: tally.table(d) for d in DIMENSIONS},
        "learning": learning,
        "km": {name: np.concatenate(parts) for name, parts in km.items()},
    }
