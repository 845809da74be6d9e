"""Where Wegwijs loses to the yardstick: its features or its partner and offer records.

For each world and seed, on the evaluation's cohorts, the share of the oracle
without luck (need-weighted expected successes) reached by allocating on:

- ``wegwijs``: the engine's calibrated score;
- ``yardstick``: the true rule with the quality learned from the history
  (:mod:`matching.evaluation.attainable`, every outcome alike);
- ``features+true quality``: the engine's score with its records (the
  ``track`` term) swapped for the true quality, centred as its own;
- ``true rule+records``: the true rule with the engine's records, centred
  as the true quality's mean.

Then where the engine's allocation loses to the yardstick's, in points of
the oracle's total: per beginner group, per domain and per the offer's
labelled referrals in the history; and per component, on pairs of the same
offer and group (the records cancel), the spread of the engine's part against
the truth's and their correlation. The truth's part of a component is its
log-odds with the component's coefficients against without them. Distance and
childcare are compared together: the truth puts km x children in distance,
the engine in both.

Run by hand: ``.venv/bin/python scripts/evaluation_gap.py --world partners
--seeds 1,2,3 --cohorts 20`` (about 20 s per world and seed).
"""

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import vocab  # noqa: E402
from matching.evaluation.attainable import learned_quality  # noqa: E402
from matching.evaluation.policies import build_market, engine_models, optimal_arcs  # noqa: E402
from matching.evaluation.simulator import WORLDS, Simulator, beginner  # noqa: E402
from matching.history import outcomes_of  # noqa: E402
from matching.pairs import PairFacts  # noqa: E402

# The truth's coefficients per component of the engine's score.
TRUTH_PARTS = {
    "distance and childcare": ("per_km", "per_km_with_children", "childcare_missing"),
    "language": ("language_at_a0", "language_flat"),
    "schedule": ("schedule_miss",),
    "level": ("course_level_gap", "work_level_surplus"),
    "alfa": ("alfa_mismatch",),
    "sector": ("sector_match",),
    "graph": ("mentor_closeness",),
}
ENGINE_PARTS = {"distance and childcare": ("distance", "childcare")}
HISTORY_BANDS = ((0, 5), (5, 20), (20, None))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Tally:
    """Sums per key over cohorts."""

    def __init__(self):
        self.sums = {}

    def add(self, key, value):
        self.sums[key] = self.sums.get(key, 0.0) + value


def _groups(t, o, group, n_history):
    """Per arc, the breakdown's groups: (name, boolean mask) pairs."""
    yield from ((f"beginner {g}", group == g) for g in (0, 1))
    domain = t.offers.domain[o]
    yield from ((d, domain == k) for k, d in enumerate(vocab.DOMAINS))
    for low, high in HISTORY_BANDS:
        n = n_history[o]
        yield (f"offer history {low}-{high or ''}",
               (n >= low) & (n < (high or np.inf)))


def _truth_part(truth, names, t, p, o, km):
    without = dataclasses.replace(truth, **{name: 0.0 for name in names})
    return truth.logit(t, p, o, km) - without.logit(t, p, o, km)


def _within(values, key):
    """Each value less the mean of its key's values (pairs of one offer and group)."""
    _, inverse, count = np.unique(key, return_inverse=True, return_counts=True)
    return values - (np.bincount(inverse, values) / count)[inverse]


def gap(world, seed, cohorts, people=500, offers=300, history=2000):
    """The shares, the yardstick's lead per group and the components' parts (see above)."""
    sim = Simulator(seed, cohorts=cohorts, people=people, offers=offers, history=history,
                    truth=WORLDS[world])
    model = engine_models(sim.history_scenario, seed=0)["wegwijs"]
    learned = learned_quality(sim)
    n_history = np.bincount(outcomes_of(sim.history_scenario).o,
                            minlength=len(sim.history_scenario.offers))
    shares, lost, parts = Tally(), Tally(), {}
    slope = model.calibration_[0]
    for k in range(cohorts):
        cohort = sim.cohort(k)
        market = build_market(cohort, seed, {"wegwijs": model})
        t, p, o, km = market.matcher.tables, market.person, market.offer, market.km
        need, group = market.need[market.node], beginner(t, p)
        truth = sim.true_probability(cohort, t, p, o, km)
        rule = sim.evaluation_truth.logit(t, p, o, km)
        quality = sim.evaluation_quality[o, group]
        facts = PairFacts(t, p, o, km)
        score = model.logit(facts)
        # The records (none where the history taught no model): the track term, on the
        # model's scale before calibration.
        records = (model.track_term_[o, group] if model.kind_ == "model"
                   else np.zeros(len(o)))
        by = {
            "oracle without luck": rule + quality,
            "wegwijs": score,
            "yardstick": rule + learned[o, group],
            "features+true quality": score + slope * (quality - quality.mean()
                                                      - records + records.mean()),
            "true rule+records": rule + records - records.mean() + quality.mean(),
        }
        chosen = {name: optimal_arcs(market, need * _sigmoid(v)) for name, v in by.items()}
        value = {name: float((need * truth)[arcs].sum()) for name, arcs in chosen.items()}
        for name in by:
            if name != "oracle without luck":
                shares.add(name, value[name] / value["oracle without luck"] / cohorts)
        for name in ("wegwijs", "yardstick"):
            arcs = chosen[name]
            for label, mask in _groups(t, o[arcs], group[arcs], n_history):
                lost.add((name, label), float((need * truth)[arcs][mask].sum()))
        shares.add("oracle total", value["oracle without luck"])
        engine_parts, _ = model.parts(facts)
        key = o * 2 + group
        for component, names in TRUTH_PARTS.items():
            mine = sum(engine_parts[c] for c in ENGINE_PARTS.get(component, (component,)))
            theirs = _truth_part(sim.evaluation_truth, names, t, p, o, km)
            parts.setdefault(component, []).append((_within(mine, key + k * 10**7),
                                                    _within(theirs, key + k * 10**7)))
    return model, shares.sums, lost.sums, parts


def _report(world, seed, cohorts):
    model, shares, lost, parts = gap(world, seed, cohorts)
    total = shares.pop("oracle total")
    print(f"\n{world}, seed {seed}, {cohorts} cohorts; the engine chose "
          f"{getattr(model, 'chosen_', model.kind_)}")
    print("  share of the oracle without luck: " + ", ".join(
        f"{name} {100 * share:.2f} %" for name, share in shares.items()))
    labels = [label for name, label in lost if name == "wegwijs"]
    print("  wegwijs against the yardstick, points of the oracle's total: " + ", ".join(
        f"{label} {100 * (lost['wegwijs', label] - lost['yardstick', label]) / total:+.2f}"
        for label in labels))
    print("  per component, within an offer and group (sd engine / sd truth, correlation):")
    for component, rows in parts.items():
        mine, theirs = (np.concatenate(c) for c in zip(*rows, strict=True))
        if theirs.std() < 1e-9:
            continue
        r = np.corrcoef(mine, theirs)[0, 1] if mine.std() > 1e-9 else float("nan")
        print(f"    {component}: {mine.std():.3f} / {theirs.std():.3f}, r {r:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", default="partners", choices=sorted(WORLDS))
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--cohorts", type=int, default=20)
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        for seed in (int(s) for s in args.seeds.split(",")):
            _report(args.world, seed, args.cohorts)


if __name__ == "__main__":
    main()
