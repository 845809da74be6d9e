"""Benchmark the full evaluation in every world: 20 cohorts of 500 people over 300
offers, a history of 2,000 people; prints timings and the headline figures.

Run by hand: ``.venv/bin/python bench/bench_matching_evaluate.py [SEED] [OUT]``;
with OUT the report and figures are written there (``docs/evaluation`` holds
the committed example, seed 1).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.evaluation import LABELS, WORLDS, evaluate, write_report  # noqa: E402


def main(seed=1, out=None):
    results = {}
    for world in WORLDS:
        started = time.perf_counter()
        results[world] = evaluate(seed, world=world)
        print(f"world {world} (seed {seed}): {time.perf_counter() - started:.1f} s")
        s, r, learning = results[world]["summary"], results[world]["ratios"], \
            results[world]["learning"]
        for name in s:
            mean, half = s[name]["weighted"]
            print(f"  {LABELS[name]:52s} need-weighted {mean:7.1f} ± {half:4.1f}")
        for key, (mean, half) in r.items():
            print(f"  {key:40s} {mean:.3f} ± {half:.3f}")
        print(f"  ECE assigned {learning['calibration_assigned']['ece']:.3f}, all pairs "
              f"{learning['calibration_all']['ece']:.3f}; Brier assigned "
              f"{learning['calibration_assigned']['brier']:.4f}; rank correlation "
              f"{learning['rank_correlation']}")
    if out is not None:
        print(f"report and figures written to {write_report(results, out).parent}")
    print("targets: Wegwijs >= 0.97 x oracle without luck, ECE <= 0.03 on assigned pairs and "
          "<= 0.05 on all pairs; drifting world: >= 1.03 x Wegwijs without time weighting")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1, sys.argv[2] if len(sys.argv) > 2 else None)
