"""The evaluation as a Markdown report with its figures, and as a JSON summary.

One report covers every world evaluated (``WORLDS`` of the simulator), each
in its own section with its own figures.
"""

import math
from pathlib import Path

from matching.evaluation.plots import MAIN, figure_name, write_figures
from matching.evaluation.policies import LABELS

__all__ = ["summary", "write_report"]

REPORT = "report.md"
TARGET_OF_SYSTEMATIC, TARGET_OVER_PRIOR, TARGET_ECE, TARGET_ECE_ALL = 0.97, 0.05, 0.03, 0.05
# In a world that changes, weighing outcomes by their age must add this much.
TARGET_OVER_ALL_ALIKE = 0.03


def _ci(mean_half, digits=1, scale=1.0):
    mean, half = mean_half
    if math.isnan(half):
        return f"{mean * scale:.{digits}f}"
    return f"{mean * scale:.{digits}f} ± {half * scale:.{digits}f}"


def _headline_table(results):
    s = results["summary"]
    rows = ["| policy | expected successes, need-weighted | expected successes | needs served "
            "| mean km | 90th pct. km | places used |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for name in MAIN:
        m = s[name]
        rows.append(f"| {LABELS[name]} | {_ci(m['weighted'])} | {_ci(m['expected'])} | "
                    f"{_ci(m['served'], 1, 100)} % | {_ci(m['mean_km'], 2)} | "
                    f"{_ci(m['p90_km'], 2)} | {_ci(m['utilisation'], 1, 100)} % |")
    return "\n".join(rows)


def _yes(met):
    return "yes" if met else "**no**"


def _targets(results):
    r, learning = results["ratios"], results["learning"]
    of_systematic = r["wegwijs/oracle_systematic:weighted"]
    over_prior = r["wegwijs/prior_alone:weighted"]
    ece = learning["calibration_assigned"]["ece"]
    ece_all = learning["calibration_all"]["ece"]
    over_alike = r["wegwijs/wegwijs_all_alike:weighted"]
    summary = results["summary"]
    prior_share = (summary["prior_alone"]["weighted"][0]
                   / summary["oracle_systematic"]["weighted"][0])
    return "\n".join([
        "| target | value | met |",
        "|---|---:|---|",
        f"| Wegwijs ≥ 97 % of the oracle without luck | {_ci(of_systematic, 1, 100)} % | "
        f"{_yes(of_systematic[0] >= TARGET_OF_SYSTEMATIC)} |",
        f"| learning adds ≥ 5 % over the prior alone | "
        f"{100 * (over_prior[0] - 1):+.1f} ± {100 * over_prior[1]:.1f} % | "
        f"{_yes(over_prior[0] - 1 >= TARGET_OVER_PRIOR)} |",
        f"| expected calibration error ≤ 0.03 (assigned pairs) | {ece:.3f} | "
        f"{_yes(ece <= TARGET_ECE)} |",
        f"| expected calibration error ≤ 0.05 (all eligible pairs) | {ece_all:.3f} | "
        f"{_yes(ece_all <= TARGET_ECE_ALL)} |",
        *([f"| time weighting adds ≥ 3 % over weighing all outcomes alike | "
           f"{100 * (over_alike[0] - 1):+.1f} ± {100 * over_alike[1]:.1f} % | "
           f"{_yes(over_alike[0] - 1 >= TARGET_OVER_ALL_ALIKE)} |"]
          if results["setup"]["world"] == "drifting" else []),
        "",
        f"The prior alone reaches {100 * prior_share:.1f} % of the oracle without luck, so "
        f"learning can add at most {100 * (1 / prior_share - 1):+.1f} % in this world"
        + (": the prior is so near the ceiling that no learner can meet the 5 % target."
           if 1 / prior_share - 1 < TARGET_OVER_PRIOR else "."),
        "",
        f"Against the oracle with luck (it also knows each person's and pair's hidden draw, "
        f"which no policy can learn): {_ci(r['wegwijs/oracle:weighted'], 1, 100)} %. Over "
        f"greedy nearest-first: {100 * (r['wegwijs/greedy_nearest:weighted'][0] - 1):+.1f} %.",
        *_attainable(results),
    ])


def _attainable(results):
    """What the history allows at best (matching/evaluation/attainable.py), where the world
    has hidden quality to learn."""
    r = results["ratios"]
    if "attainable/oracle_systematic:weighted" not in r:
        return []
    alike = r["attainable/oracle_systematic:weighted"]

    def best_of(kind):
        timed = {name.split("/")[0]: v for name, v in r.items()
                 if name.startswith(f"attainable_{kind}")
                 and name.endswith("/oracle_systematic:weighted")}
        best = max(timed, key=lambda name: timed[name][0])
        gain = r[f"{best}/attainable:weighted"]
        return (best.removeprefix(f"attainable_{kind}"), timed[best],
                f"{100 * (gain[0] - 1):+.1f} ± {100 * gain[1]:.1f} %")

    half_life, decayed, decay_gain = best_of("h")
    drift, moving, drift_gain = best_of("d")
    reach = max(alike[0], decayed[0], moving[0])
    return [
        "",
        "What the history allows at best: knowing the true rule and learning only the "
        "partners' and offers' hidden quality from the history (with its true spread as the "
        f"prior), one reaches {_ci(alike, 1, 100)} % of the oracle without luck weighing every "
        f"outcome alike, {_ci(decayed, 1, 100)} % with the best half-life in hindsight "
        f"({half_life} days; time weighting there {decay_gain}), and {_ci(moving, 1, 100)} % "
        f"with each partner's record moving at the best drift in hindsight ({drift} a year; "
        f"{drift_gain})"
        + (f": at most {100 * reach:.2f} %, below the 97 % target, which no learner reaches "
           "from this history." if reach < TARGET_OF_SYSTEMATIC else "."),
    ]


def _ablations(results):
    r, models = results["ratios"], results["setup"].get("models", {})
    rows = ["| variant | model chosen | need-weighted expected successes, Wegwijs against it |",
            "|---|---|---:|",
            f"| Wegwijs as deployed | {models.get('wegwijs', '—')} | — |"]
    for name in ("wegwijs_all_alike", "wegwijs_as_now"):
        ratio = r[f"wegwijs/{name}:weighted"]
        rows.append(f"| {LABELS[name]} | {models.get(name, '—')} | "
                    f"{100 * (ratio[0] - 1):+.1f} ± {100 * ratio[1]:.1f} % |")
    return "\n".join(rows)


def _learning(results):
    learning = results["learning"]
    corr = learning["rank_correlation"]
    rows = [
        f"The engine learned from {learning['labelled']} labelled logged referrals (success "
        f"rate {100 * learning['success_rate']:.1f} %; declines for `vol` and ongoing "
        "referrals left out) and nothing else.",
        "",
        "| measure | Wegwijs | prior alone |",
        "|---|---:|---:|",
        f"| rank correlation with the true chance (all cohort pairs) | {corr['score']:.3f} | "
        f"{corr['prior']:.3f} |",
        f"| expected calibration error, assigned pairs | "
        f"{learning['calibration_assigned']['ece']:.3f} | "
        f"{learning['prior_calibration_assigned']['ece']:.3f} |",
        f"| Brier score (expected), assigned pairs | "
        f"{learning['calibration_assigned']['brier']:.4f} | "
        f"{learning['prior_calibration_assigned']['brier']:.4f} |",
        f"| expected calibration error, all eligible cohort pairs | "
        f"{learning['calibration_all']['ece']:.3f} | — |",
        f"| cross-validated AUC on the history (5 folds) | {learning['auc']:.3f} | — |",
        f"| AUC of the true chances on the same outcomes (ceiling) | "
        f"{learning['truth_auc']:.3f} | — |",
        "",
        f"![Calibration]({figure_name(results, 'calibration')})",
    ]
    return "\n".join(rows)


def _fairness(results):
    parts = []
    titles = {"area": "wijk (gemeente Utrecht) or gemeente", "gender": "gender",
              "leerroute": "leerroute"}
    head = " | ".join(LABELS[n] for n in MAIN)
    for dimension in ("gender", "leerroute", "area"):
        table = results["fairness"][dimension]
        parts += [f"### By {titles[dimension]}", "",
                  f"| {dimension} | needs | {head} |",
                  "|---|---:|" + "---:|" * len(MAIN)]
        for group in sorted(table):
            cells = " | ".join(f"{table[group][n][2]:.3f} ({100 * table[group][n][1]:.0f} %)"
                               for n in MAIN)
            parts.append(f"| {group} | {table[group]['oracle'][0]} | {cells} |")
        parts.append("")
    return "\n".join(parts)


def _setup(results):
    s = results["setup"]
    return "\n".join([
        f"Seed {s['seed']}; {s['cohorts']} cohorts of {s['people']} people; a coalition of "
        f"{s['offers']} offers with {s['free_places']} free places per round; a history of "
        f"{s['logged_referrals']} logged referrals of {s['history_people']} earlier people.",
        "",
        f"Reproduce: `python -m matching evaluate --world {s['world']} --seed {s['seed']} "
        f"--cohorts {s['cohorts']} --people {s['people']} --offers {s['offers']} "
        f"--history {s['history_people']} --out FOLDER`.",
    ])


_WORLD_TEXT = {
    "standard": "Success falls with distance (faster for parents), rises with support in "
                "one's own language (most at the lowest levels), schedule overlap, level fit, "
                "childcare, alfa fit, a wanted sector and the mentor's network. The logging "
                "policy sent people mostly to near offers. No partner differs in quality.",
    "partners": "A different structure: strong hidden partner quality (sd 0.8 on the "
                "log-odds, with a further 0.5 apart for beginners) and offer quality (sd 0.4), "
                "sharper interactions (own-language support x level, distance x childcare, "
                "alfa course x literacy), and a logging policy that sent people mostly to six "
                "favourite partners, so most partners have little history.",
    "drifting": "A world that changes: hidden partner quality (sd 0.8, 0.3 more apart for "
                "beginners; offers sd 0.3) that moved over the history's three years (each "
                "partner's quality at the start differed from now by a draw of sd 1.5: half "
                "the partners changed once, on a day 4 to 22 months back, the others in a "
                "straight line to now), and 60 % of the people who completed a taal course "
                "one level higher now than when referred (their referrals give the old level "
                "in `as_referred`). The cohorts meet the partners as they are now.",
}


def _world(results):
    world = results["setup"]["world"]
    return "\n\n".join([
        f"## World \"{world}\"",
        _WORLD_TEXT[world],
        _setup(results),
        "### Headline",
        _headline_table(results),
        f"![Expected successes per policy]({figure_name(results, 'expected_successes')})",
        "### The targets",
        _targets(results),
        "### What learning adds, and calibration",
        _learning(results),
        "### Time weighting and the persons as referred",
        "The engine against itself with one part switched off: every outcome weighed "
        "alike and every record still (no half-life, no drift), and learning from the "
        "persons as they are now instead of "
        "`as_referred`. Where the history has no `as_referred` the last is the engine itself.",
        _ablations(results),
        "### How far people travel",
        f"![Travel distance per policy]({figure_name(results, 'travel')})",
        "### For whom: the fairness table",
        "Expected successes per need (share of needs given a place), pooled over cohorts, "
        "for each policy; *Prior alone* against *Wegwijs* shows what learning does for each "
        "group. Wijken are approximate (by PC4).",
        _fairness(results),
        f"![Expected successes per need by group]({figure_name(results, 'fairness')})",
    ])


_METHOD = """\
**The simulator.** People, partners and offers come from the engine's generator over
the real U16 geography (PC4 centroids of the 16 municipalities of the regio Utrecht).
Each (person, offer) pair has a hidden true chance of success: a logistic function of
the pair (its structure differs per world and on purpose from the engine's prior), plus
a hidden per-person effect and per-pair noise (the "luck").

**The history.** A logging policy mimics klantmanagers' habits: for each need of an
earlier person, 70 % of the time an offer chosen with probability falling with distance
(and, in the "partners" world, pulled to favourite partners), 30 % any eligible offer.
Each referral is dated uniformly over the three years before the reference date.
Outcomes are drawn from the hidden chances (10 % still ongoing, 5 % declined for `vol`
whatever the fit, other failures declined or dropped with a reason code). The engine
learns from this history only: cohort people never occur in it, and their chances come
from separate random streams.

**The policies.** All respect the nine hard rules and every offer's capacity, and give
each (person, domain of need) at most one place.

- *Oracle*: the exact optimum of need weight × true chance (it knows the luck).
- *Oracle without luck*: the same on the systematic part only: the realistic ceiling.
- *Wegwijs*: the engine as deployed (`Matcher` trained on the history, `allocate`).
- *Prior alone*: the exact allocation on the engine's documented prior, no learning.
- *Greedy nearest-first*: all eligible pairs, shortest distance first.
- *First come, first served*: people in order of arrival, each need to the nearest place
  with room.
- *Random*: people in random order, each need to a random eligible place with room.
- *Wegwijs, every outcome weighed alike* and *Wegwijs, learning from the persons as now*:
  the engine with its time weighting, or its use of `as_referred`, switched off.
- *What the history allows at best* (a yardstick, in worlds with hidden quality): the
  true rule known, only each partner's and offer's hidden quality learned from the
  history, with the true spread as the prior, weighing outcomes alike, by a half-life or
  letting each partner's record drift (`matching/evaluation/attainable.py`).

Calibration compares the engine's chance with the true chance, per decile of the
engine's chance: the expected calibration error weighs each decile's gap by its size;
the expected Brier score is ``mean((estimate - truth)^2 + truth (1 - truth))``.
Confidence intervals are t-based 95 % intervals over cohorts. Gender appears only in
the fairness table: no policy and no model reads it."""


def write_report(results_by_world, folder):
    """Write ``report.md`` and the figures of every world into ``folder``.

    Parameters
    ----------
    results_by_world : dict of str to dict
        :func:`~matching.evaluation.run.evaluate`'s results per world.

    Returns
    -------
    pathlib.Path
        The report's path.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for results in results_by_world.values():
        write_figures(results, folder)
    text = "\n\n".join([
        "# Does the matcher learn what works? Wegwijs against the oracle, its prior and "
        "simple rules",
        "Each world is a simulated coalition with a hidden truth of its own; the engine "
        "sees only a logged history.",
        *(_world(results) for results in results_by_world.values()),
        "## Method",
        _METHOD,
    ]) + "\n"
    path = folder / REPORT
    path.write_text(text, encoding="utf-8")
    return path


def summary(results_by_world):
    """The headline figures per world as a JSON-ready dict (numbers rounded to 4 decimals)."""
    def pair(mean_half):
        return {"mean": round(mean_half[0], 4),
                "ci95": None if math.isnan(mean_half[1]) else round(mean_half[1], 4)}

    def one(results):
        learning = results["learning"]
        return {
            "setup": results["setup"],
            "policies": {name: {m: pair(v) for m, v in metrics.items()}
                         for name, metrics in results["summary"].items()},
            "ratios": {k: pair(v) for k, v in results["ratios"].items()},
            "learning": {k: round(v, 4) for k, v in learning.items() if isinstance(v, float)}
            | {"rank_correlation": {k: round(v, 4)
                                    for k, v in learning["rank_correlation"].items()},
               "ece_assigned": round(learning["calibration_assigned"]["ece"], 4),
               "brier_assigned": round(learning["calibration_assigned"]["brier"], 4),
               "ece_all": round(learning["calibration_all"]["ece"], 4)},
        }

    return {world: one(results) for world, results in results_by_world.items()}



