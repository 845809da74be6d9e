"""The report's figures as PNG files (matplotlib's Agg canvas, no display).

Figures are built on :class:`matplotlib.figure.Figure` without pyplot, so no
global state or display backend is involved, and saved without the software
version in their metadata: the same results give the same bytes.
"""

from pathlib import Path

import numpy as np

from matching.evaluation.policies import LABELS

__all__ = ["FIGURES", "figure_name", "write_figures"]

MAIN = ("oracle", "oracle_systematic", "wegwijs", "prior_alone", "greedy_nearest",
        "first_come_first_served", "random")
FIGURES = {
    "expected_successes": "expected_successes.png",
    "travel": "travel_km.png",
    "calibration": "calibration.png",
    "fairness": "fairness.png",
}
_COLOURS = {"oracle": "#555555", "oracle_systematic": "#8a8a8a", "wegwijs": "#1f6fb4",
            "prior_alone": "#7fb1db",
            "greedy_nearest": "#e08a1e", "first_come_first_served": "#c9b037",
            "random": "#b04a4a"}


def _figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _save(fig, folder, name):
    fig.savefig(Path(folder) / name, format="png", metadata={"Software": None})


def _expected(results, folder):
    fig = _figure(9, 3.6)
    names = list(reversed(MAIN))
    y = np.arange(len(names))
    fig.suptitle("Expected successes per cohort (mean, 95 % CI over cohorts)", fontsize=10)
    for ax, metric, title in zip(fig.subplots(1, 2), ("weighted", "expected"),
                                 ("need-weighted", "unweighted"), strict=True):
        means = [results["summary"][n][metric][0] for n in names]
        halves = [np.nan_to_num(results["summary"][n][metric][1]) for n in names]
        ax.barh(y, means, xerr=halves, color=[_COLOURS[n] for n in names], capsize=3)
        ax.set_yticks(y, [LABELS[n] for n in names] if metric == "weighted" else [])
        ax.set_title(title, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    _save(fig, folder, figure_name(results, "expected_successes"))


def _travel(results, folder):
    fig = _figure(9, 3.6)
    ax = fig.subplots()
    names = list(MAIN)
    ax.boxplot([results["km"][n] for n in names], whis=(10, 90), showfliers=False,
               tick_labels=[LABELS[n].replace(" (", "\n(") for n in names])
    ax.set_ylabel("km from home to the place")
    ax.set_title("Travel distance of assigned places (box: quartiles, whiskers: 10th-90th pct.)",
                 fontsize=10)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="y", alpha=0.3)
    _save(fig, folder, figure_name(results, "travel"))


def _calibration(results, folder):
    learning = results["learning"]
    fig = _figure(4.8, 4.2)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", label="perfectly calibrated")
    for key, label, colour in (("calibration_assigned", "Wegwijs, assigned pairs", "wegwijs"),
                               ("prior_calibration_assigned", "prior alone, same pairs",
                                "prior_alone")):
        curve = learning[key]["curve"]
        ax.plot(curve["predicted"], curve["observed"], marker="o", color=_COLOURS[colour],
                label=f"{label} (ECE {learning[key]['ece']:.3f})")
    ax.set_xlabel("estimated chance of success (decile mean)")
    ax.set_ylabel("true chance of success (decile mean)")
    ax.set_title(f"Calibration on the cohorts, {learning['labelled']} outcomes learned from",
                 fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    _save(fig, folder, figure_name(results, "calibration"))


def figure_name(results, figure):
    """The figure's file name, prefixed by the world it shows."""
    return f"{results['setup']['world']}_{FIGURES[figure]}"


def _fairness(results, folder):
    shown = ("oracle", "wegwijs", "greedy_nearest", "random")
    tables = results["fairness"]
    heights = [max(2.0, 0.28 * len(tables[d]) + 1) for d in ("gender", "leerroute", "area")]
    fig = _figure(9, sum(heights))
    axes = fig.subplots(3, 1, height_ratios=heights)
    for ax, dimension in zip(axes, ("gender", "leerroute", "area"), strict=True):
        groups = sorted(tables[dimension], reverse=True)  # barh draws bottom-up
        y = np.arange(len(groups))
        bar = 0.8 / len(shown)
        for k, name in enumerate(shown):
            rates = [tables[dimension][g][name][2] for g in groups]
            ax.barh(y + (len(shown) - 1 - k) * bar - 0.4 + bar / 2, rates, height=bar,
                    color=_COLOURS[name], label=LABELS[name])
        ax.set_yticks(y, groups, fontsize=7 if dimension == "area" else 9)
        ax.set_title(f"Expected successes per need, by {dimension}", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0].legend(fontsize=7, loc="lower right")
    _save(fig, folder, figure_name(results, "fairness"))


def write_figures(results, folder):
    """Write every figure of :data:`FIGURES` into ``folder``."""
    for draw in (_expected, _travel, _calibration, _fairness):
        draw(results, folder)
