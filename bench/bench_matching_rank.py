"""Benchmark ranking: one person against 10,000 offers in-process, and
5,000 people against 2,000 offers through the command line.

Run by hand: ``.venv/bin/python bench/bench_matching_rank.py``.
"""

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def command_line(people=5_000, offers=2_000):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.json"
        path.write_text(json.dumps(generate_scenario(people, offers, seed=2)))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "matching", "rank", str(path)],
                                capture_output=True, text=True, check=True,
                                cwd=Path(__file__).resolve().parents[1])
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    n = len(json.loads(result.stdout)["rankings"])
    print(f"rank {n} people x {offers} offers via CLI: {seconds:.2f} s wall, {cpu:.2f} s CPU "
          f"(target <= 10 s)")


if __name__ == "__main__":
    in_process()
    command_line()
