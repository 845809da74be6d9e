"""The evaluation as a Markdown report with its figures, and as a JSON summary."""

import math
from pathlib import Path

from matching.evaluation.plots import FIGURES, MAIN, write_figures
from matching.evaluation.policies import LABELS
from matching.evaluation.simulator import HiddenTruth

__all__ = ["summary", "write_report"]

REPORT = "report.md"
TARGET_OF_ORACLE, TARGET_OVER_GREEDY = 0.95, 0.20


def _ci(mean_half, digits=1, scale=1.0):
    mean, half = mean_half
    if math.isnan(half):
        return f"{mean * scale:.{digits}f}"
    return f"{mean * scale:.{digits}f} ± {half * scale:.{digits}f}"


def _pct(value):
    return f"{100 * value:.1f} %"


def _headline_table(results):
    s = results["summary"]
    rows = ["| policy | expected successes, need-weighted | expected successes | needs served "
            "| mean km | 90th pct. km | places used |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for name in (*MAIN, "oracle_systematic", "learned_only"):
        m = s[name]
        label = LABELS[name] if name in MAIN else f"*{LABELS[name]}* (diagnostic)"
        rows.append(f"| {label} | {_ci(m['weighted'])} | {_ci(m['expected'])} | "
                    f"{_ci(m['served'], 1, 100)} % | {_ci(m['mean_km'], 2)} | "
                    f"{_ci(m['p90_km'], 2)} | {_ci(m['utilisation'], 1, 100)} % |")
    return "\n".join(rows)


def _target(results):
    r, s = results["ratios"], results["summary"]
    of_oracle = r["wegwijs/oracle:weighted"]
    over_greedy = r["wegwijs/greedy_nearest:weighted"]
    raw_oracle, raw_greedy = r["wegwijs/oracle:expected"], r["wegwijs/greedy_nearest:expected"]
    oracle = s["oracle"]["weighted"][0]
    share = {n: s[n]["weighted"][0] / oracle for n in ("oracle_systematic", "learned_only",
                                                       "wegwijs", "wegwijs_without_learning")}
    met_oracle = of_oracle[0] >= TARGET_OF_ORACLE
    met_greedy = over_greedy[0] - 1 >= TARGET_OVER_GREEDY
    truth = HiddenTruth()
    lines = [
        "| target | need-weighted | unweighted | met |",
        "|---|---:|---:|---|",
        f"| Wegwijs ≥ 95 % of the oracle | {_ci(of_oracle, 1, 100)} % | "
        f"{_ci(raw_oracle, 1, 100)} % | {'yes' if met_oracle else 'no'} |",
        f"| Wegwijs ≥ 20 % more than greedy nearest-first | "
        f"+{_ci((over_greedy[0] - 1, over_greedy[1]), 1, 100)} % | "
        f"+{_ci((raw_greedy[0] - 1, raw_greedy[1]), 1, 100)} % | "
        f"{'yes' if met_greedy else 'no'} |",
        "",
        "The need-weighted figure is the one the targets are judged on: it is the objective",
        "the oracle and Wegwijs both maximise (a success on a need of priority 3 counts three",
        "times). The unweighted count is shown beside it; where the two differ, part of",
        "Wegwijs's gain comes from serving the higher-priority needs first.",
        "",
    ]
    if met_greedy and raw_greedy[0] - 1 < TARGET_OVER_GREEDY:
        lines += [
            f"**On the unweighted count the gain over greedy nearest-first is "
            f"{100 * (raw_greedy[0] - 1):+.1f} %, below 20 %.** Nearest-first is a strong rule",
            "where distance is one of the main factors of success; Wegwijs's larger margin on",
            "the need-weighted objective comes from giving places to the higher-priority needs.",
            "",
        ]
    if not met_oracle:
        learning = results["learning"]
        gain = share["wegwijs"] - share["wegwijs_without_learning"]
        lines += [
            "**Why Wegwijs stays below 95 % of the oracle.** The oracle knows each person's",
            f"hidden effect (sd {truth.person_sd} on the log-odds) and each pair's hidden draw",
            f"(sd {truth.pair_sd}), which no policy can learn from the data it has. Knowing the",
            f"true rule exactly but not those draws reaches {_pct(share['oracle_systematic'])}",
            "of the oracle: that is the realistic ceiling, and Wegwijs reaches",
            f"{_pct(share['wegwijs'] / share['oracle_systematic'])} of it. The remaining gap is",
            "what the engine does not know of the rule: its model is linear in the engine's",
            "pair features, so it misses the interactions (own-language support matters most",
            "at the lowest levels, distance weighs more for parents) and the mentor's network,",
            "which the score holds only as a fixed component (cross-validated AUC",
            f"{learning['auc']:.3f} against {learning['truth_auc']:.3f} for the true",
            "probabilities). Optimising on the learned probability alone reaches",
            f"{_pct(share['learned_only'])} of the oracle; the learned component adds",
            f"{100 * gain:+.1f} percentage points to the fixed weights. The simulator was not",
            "tuned to reach the target.",
            "",
        ]
    if not met_greedy:
        lines += [
            "**Why the gain over greedy nearest-first stays below 20 %.** Nearest-first is a",
            "strong rule where distance is one of the main factors of success; the gain comes",
            "only from pairs where language, level, schedule or childcare outweigh kilometres.",
            "",
        ]
    return "\n".join(lines)


def _learning(results):
    learning = results["learning"]
    corr = learning["rank_correlation"]
    return "\n".join([
        f"The engine's success model was trained on {learning['labelled']} labelled logged",
        f"referrals (success rate {_pct(learning['success_rate'])}) and nothing else.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| cross-validated AUC (5 folds, held out) | {learning['auc']:.3f} |",
        f"| AUC of the hidden true probabilities on the same outcomes (ceiling) | "
        f"{learning['truth_auc']:.3f} |",
        f"| rank correlation, learned probability vs true probability (cohort pairs) | "
        f"{corr['learned']:.3f} |",
        f"| rank correlation, Wegwijs score vs true probability (cohort pairs) | "
        f"{corr['score']:.3f} |",
        "",
        f"![Calibration of the learned model]({FIGURES['calibration']})",
    ])


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
        f"Reproduce: `python -m matching evaluate --seed {s['seed']} --cohorts {s['cohorts']} "
        f"--people {s['people']} --offers {s['offers']} --history {s['history_people']} "
        "--out FOLDER` (the figures follow from the seed and the engine's version).",
    ])


_METHOD = """\
**The simulator.** People, partners and offers come from the engine's generator over
the real U16 geography (PC4 centroids of the 16 municipalities of the regio Utrecht).
Each (person, offer) pair has a hidden true probability of success: a logistic
function of distance (steeper for people who need childcare), support in one's own
language (worth most at the lowest levels), the share of the offer's day parts the
person is free, the gap between the person's level and the course's, a level surplus
for work, missing childcare, alfa fit, a wanted sector, and the hops in the coalition
graph from the person's mentor to the offer's partner; plus a hidden per-person effect
and per-pair noise. Its shape deliberately differs from the engine's score.

**The history.** A logging policy mimics klantmanagers' habits: for each need of an
earlier person, 70 % of the time a near offer (chosen with probability falling with
distance), 30 % any eligible offer. Outcomes are drawn from the hidden probabilities
(10 % still ongoing, failures split into declined and dropped). The engine learns from
this history only: cohort people never occur in it, and their probabilities are drawn
from separate random streams.

**The policies.** All respect the nine hard rules and every offer's capacity, and give
each (person, domain of need) at most one place.

- *Oracle*: the exact optimum of need weight × true probability.
- *Wegwijs*: the engine as deployed (`Matcher` trained on the history, `allocate`).
- *Wegwijs without learning*: the same exact allocation on the score without the learned
  component, the other weights renormalised.
- *Greedy nearest-first*: all eligible pairs, shortest distance first.
- *First come, first served*: people in order of arrival, each need to the nearest place
  with room.
- *Random*: people in random order, each need to a random eligible place with room.

Two diagnostics, not policies on offer, locate the gap to the oracle: the oracle without
luck (it knows the true rule but not the hidden draws) and the exact allocation on the
learned probability alone.

Confidence intervals are t-based 95 % intervals over cohorts. Gender appears only in
the fairness table: no policy and no model reads it."""


def write_report(results, folder):
    """Write ``report.md`` and the figures into ``folder`` (created if needed).

    Returns
    -------
    pathlib.Path
        The report's path.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_figures(results, folder)
    text = "\n\n".join([
        "# Does the matcher help? Wegwijs against the oracle and simple rules",
        _setup(results),
        "## Headline",
        _headline_table(results),
        f"![Expected successes per policy]({FIGURES['expected_successes']})",
        "## The targets",
        _target(results),
        "## How far people travel",
        f"![Travel distance per policy]({FIGURES['travel']})",
        "## The learned component",
        _learning(results),
        "## For whom: the fairness table",
        "Expected successes per need (share of needs given a place), pooled over cohorts. "
        "Wijken are approximate (by PC4).",
        _fairness(results),
        f"![Expected successes per need by group]({FIGURES['fairness']})",
        "## Method",
        _METHOD,
    ]) + "\n"
    path = folder / REPORT
    path.write_text(text, encoding="utf-8")
    return path


def summary(results):
    """The headline figures as a JSON-ready dict (numbers rounded to 4 decimals)."""
    def pair(mean_half):
        return {"mean": round(mean_half[0], 4),
                "ci95": None if math.isnan(mean_half[1]) else round(mean_half[1], 4)}

    return {
        "setup": results["setup"],
        "policies": {name: {m: pair(v) for m, v in metrics.items()}
                     for name, metrics in results["summary"].items()},
        "ratios": {k: pair(v) for k, v in results["ratios"].items()},
        "learning": {k: round(v, 4) for k, v in results["learning"].items()
                     if isinstance(v, float)} | {
            "rank_correlation": {k: round(v, 4)
                                 for k, v in results["learning"]["rank_correlation"].items()}},
    }
