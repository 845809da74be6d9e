"""Benchmark the weekly allocation over time: 5,000 inburgeraars x 2,000 offers with a
forecast of 10,000 expected arrivals (target <= 10 s), and the same with ``duaal``
for a fifth of the people (target <= 2x the time without); the same two with
``forecast_method="potentials"``; the portal's ``"stochastic"`` at a gemeente's size
against the joint solve; then, without a forecast,
2,000 x 800 with and without duaal (the known limit, no target). Wall and CPU time of the
allocation alone (each on a Matcher, with its fit, built beforehand), the median of
three runs; the machine is shared, so CPU time is the steadier figure. The seed of the
generated coalition is an optional fourth argument.

Run by hand: ``.venv/bin/python bench/bench_matching_dynamic.py``.
"""

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import Matcher, allocate, generate_scenario, load_scenario  # noqa: E402


def scenario(people=5_000, offers=2_000, forecast=10_000, seed=7):
    whole = load_scenario(generate_scenario(people + forecast, offers, seed=seed))
    everyone = whole.inburgeraars
    return dataclasses.replace(whole, inburgeraars=everyone[:people],
                               forecast=everyone[people:], history=())


def with_duaal(s, share=0.2, seed=7):
    rng = np.random.default_rng(seed)

    def mark(people):
        return tuple(dataclasses.replace(i, duaal=bool(rng.random() < share)) for i in people)

    return dataclasses.replace(s, inburgeraars=mark(s.inburgeraars), forecast=mark(s.forecast))


def timed(s, label, method="joint", runs=3):
    """The median wall and CPU time of ``runs`` allocations, each the first on a new
    Matcher as a weekly run is (the machine is shared)."""
    walls, cpus = [], []
    for _ in range(runs):
        matcher = Matcher(s, check=False)
        start, cpu = time.perf_counter(), time.process_time()
        result = allocate(matcher, forecast_method=method)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    wall, cpu = float(np.median(walls)), float(np.median(cpus))
    print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU (median of {runs}); "
          f"{len(result.assignments)} assigned, "
          f"{len(result.unassigned)} unassigned, {sum(result.kept.values())} places kept, "
          f"objective {result.objective:.2f}", flush=True)
    return wall, cpu


if __name__ == "__main__":
    # Optional sizes (people offers forecast) for a smaller run, e.g. 1000 400 2000.
    people, offers, forecast = (int(x) for x in sys.argv[1:4]) if len(sys.argv) > 3 else (
        5_000, 2_000, 10_000)
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    base = scenario(people, offers, forecast, seed)
    plain = timed(base, f"allocate {people:,} x {offers:,}, forecast {forecast:,} "
                        "(target at 5,000 x 2,000 x 10,000: <= 10 s)")
    duaal = timed(with_duaal(base, seed=seed), "the same, duaal for a fifth (target <= 2x)")
    print(f"duaal / plain: {duaal[0] / plain[0]:.2f}x wall, {duaal[1] / plain[1]:.2f}x CPU")
    # The alternative forecast method, potentials, on the same two.
    priced = timed(base, "the same with forecast_method=potentials", "potentials")
    priced_duaal = timed(with_duaal(base, seed=seed), "... and duaal for a fifth", "potentials")
    print(f"with potentials, duaal / plain: {priced_duaal[0] / priced[0]:.2f}x wall")
    # The portal's method, stochastic (a pool of 1,000 recent arrivals for 1,000 expected),
    # at a gemeente's size, against the joint solve; at the size above it is the joint solve.
    pool = scenario(1_000, 400, 1_000, seed)
    timed(pool, "stochastic: allocate 1,000 x 400, pool 1,000, joint solve", "joint")
    timed(pool, "... the same, stochastic", "stochastic")
    # The known limit: without a forecast, far more duaal places collide (no target).
    small = dataclasses.replace(scenario(2_000, 800, 0, seed), forecast=())
    alone = timed(small, "without a forecast: allocate 2,000 x 800")
    coupled = timed(with_duaal(small, seed=seed), "the same, duaal for a fifth")
    print(f"without a forecast, duaal / plain: {coupled[0] / alone[0]:.1f}x wall")
