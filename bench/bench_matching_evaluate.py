"""Benchmark the full evaluation: 20 cohorts of 500 people over 300 offers,
a history of 2,000 people; prints timings and the headline figures.

Run by hand: ``.venv/bin/python bench/bench_matching_evaluate.py [SEED] [OUT]``;
with OUT the report and figures are written there (``docs/evaluation`` holds
the committed example, seed 1).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.evaluation import LABELS, evaluate, write_report  # noqa: E402


def main(seed=1, out=None):
    started = time.perf_counter()
    last = [started]

    def progress(message):
        now = time.perf_counter()
        print(f"  {now - started:6.1f} s (+{now - last[0]:5.1f}) {message}")
        last[0] = now

    results = evaluate(seed, progress=progress)
    total = time.perf_counter() - started
    if out is not None:
        report = write_report(results, out)
        print(f"  report and figures written to {report.parent} "
              f"in {time.perf_counter() - started - total:.1f} s")
    print(f"full evaluation (seed {seed}): {total:.1f} s")
    s, r = results["summary"], results["ratios"]
    for name in LABELS:
        mean, half = s[name]["weighted"]
        raw, raw_half = s[name]["expected"]
        print(f"  {LABELS[name]:52s} need-weighted {mean:7.1f} ± {half:4.1f}   "
              f"unweighted {raw:6.1f} ± {raw_half:4.1f}")
    for key, (mean, half) in r.items():
        print(f"  {key:40s} {mean:.3f} ± {half:.3f}")
    learning = results["learning"]
    print(f"  learned model: cross-validated AUC {learning['auc']:.3f} "
          f"(true probabilities: {learning['truth_auc']:.3f})")
    print("  targets: Wegwijs >= 0.95 x oracle, >= 1.20 x greedy nearest-first (need-weighted)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1, sys.argv[2] if len(sys.argv) > 2 else None)
