"""Benchmark ranking: one person against 10,000 offers in-process; 5,000 people
against 2,000 offers through the command line; and every person of 20,000 x
5,000 through the command line beside a plain numpy baseline
(``numpy_baseline_rank.py``: the nine rules, a score with its parts, top-k, and the
engine's JSON with every contribution and reason), with the ratio of wall and of CPU time.

Run by hand: ``.venv/bin/python bench/bench_matching_rank.py``.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import Matcher, generate_scenario, load_scenario  # noqa: E402


def in_process(offers=10_000, people=2_000, repeats=300):
    matcher = Matcher(load_scenario(generate_scenario(people, offers, seed=1)))
    ids = matcher.tables.people.ids
    rng = np.random.default_rng(0)
    for person in ids[:20]:
        matcher.rank(person)
    times, cpu = [], []
    for person in rng.choice(ids, size=repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        matcher.rank(str(person))
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    # CPU time as well: on a shared machine wall time includes waiting for a core.
    print(f"rank 1 person x {offers} offers in-process: median {np.median(times):.2f} ms, "
          f"p95 {np.percentile(times, 95):.2f} ms wall; median {np.median(cpu):.2f} ms CPU "
          f"(target median <= 5 ms)")


def _timed(command):
    """Run a command; its wall and CPU seconds and its parsed standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, json.loads(result.stdout)


def command_line(people=5_000, offers=2_000):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.json"
        path.write_text(json.dumps(generate_scenario(people, offers, seed=2)))
        seconds, cpu, doc = _timed([sys.executable, "-m", "matching", "rank", str(path)])
    print(f"rank {len(doc['rankings'])} people x {offers} offers via CLI: {seconds:.2f} s wall, "
          f"{cpu:.2f} s CPU (target <= 10 s)")


def against_baseline(people=20_000, offers=5_000):
    """Every person of a large scenario through the CLI, beside a plain numpy baseline that
    writes the same JSON (every component's contribution and reason)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.json"
        path.write_text(json.dumps(generate_scenario(people, offers, seed=3)))
        load_before = os.getloadavg()[0]
        engine = _timed([sys.executable, "-m", "matching", "rank", str(path)])
        baseline = _timed([sys.executable, str(ROOT / "bench" / "numpy_baseline_rank.py"),
                           str(path)])
        load_after = os.getloadavg()[0]
    print(f"rank {people} x {offers} via CLI: engine {engine[0]:.2f} s wall ({engine[1]:.2f} s "
          f"CPU), numpy baseline {baseline[0]:.2f} s wall ({baseline[1]:.2f} s CPU); ratio "
          f"engine/baseline {engine[0] / baseline[0]:.2f} wall, {engine[1] / baseline[1]:.2f} CPU "
          f"(target <= 1); load average {load_before:.1f} before, "
          f"{load_after:.1f} after")
    # The same JSON: as many matches, and as many components and reasons to each.
    for name, (_, _, doc) in (("engine", engine), ("baseline", baseline)):
        matches = [m for r in doc["rankings"] for m in r["matches"]]
        print(f"  {name}: {len(doc['rankings'])} people, {len(matches)} matches, "
              f"{sum(len(m['components']) for m in matches) / len(matches):.2f} components and "
              f"{sum(len(m['reasons']) for m in matches) / len(matches):.2f} reasons per match")


if __name__ == "__main__":
    in_process()
    command_line()
    against_baseline()
