"""Benchmark allocation: 20,000 inburgeraars x 5,000 offers, wall time, CPU time and
peak RSS of its own process (reading the scenario's file as the command line does)
and of the worker it forks for some of the domains; and
on a size scipy.optimize.milp also solves, both solvers on the same instance,
their time ratio and whether the objectives agree.

Run by hand: ``.venv/bin/python bench/bench_matching_allocate.py``.
"""

import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import (  # noqa: E402
    Matcher,
    allocate,
    generate_scenario,
    load_scenario,
    read_scenario,
)


def _large(path, queue):
    # As the command line does: the scenario read from its file, in a process of its own.
    scenario = read_scenario(path)
    start, start_cpu = time.perf_counter(), time.process_time()
    matcher = Matcher(scenario, check=False)
    built = time.perf_counter()
    result = allocate(matcher)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The forked worker that solves some of the domains: its CPU time and peak RSS.
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    queue.put((seconds, cpu, built - start, peak_mb, worker.ru_utime + worker.ru_stime,
               worker.ru_maxrss / 1024, len(result.assignments), len(result.unassigned),
               result.objective))


def large(people=20_000, offers=5_000):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.json"
        path.write_text(json.dumps(generate_scenario(people, offers, seed=4)))
        # Spawned, not forked: the child's peak RSS is its own, not the generator's.
        context = mp.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_large, args=(str(path), queue))
        child.start()
        load = os.getloadavg()[0]
        done = threading.Event()
        pss = [0]
        sampler = threading.Thread(target=_sample_pss, args=(child.pid, done, pss))
        sampler.start()
        (seconds, cpu, build, peak_mb, worker_cpu, worker_mb, assigned, unassigned,
         objective) = queue.get()
        done.set()
        sampler.join()
        child.join()
    print(f"allocate {people} x {offers} (load average {load:.1f} on {os.cpu_count()} cores): "
          f"{seconds:.2f} s wall (target <= 5 s), {build:.2f} s of it building the Matcher; "
          f"CPU {cpu:.2f} s in the process + {worker_cpu:.2f} s in its forked worker; "
          f"peak RSS {peak_mb:.0f} MB in the process (reading the scenario included) and "
          f"{worker_mb:.0f} MB in the worker, whose pages are the process's until it writes them "
          f"(sum {peak_mb + worker_mb:.0f} MB, an upper bound; the two together, proportional "
          f"set size sampled every 50 ms: {pss[0] / 1024:.0f} MB; target <= 1024 MB); "
          f"{assigned} assigned, {unassigned} unassigned, objective {objective:.4f}")


def _sample_pss(pid, done, peak):
    """The largest sum of PSS (each shared page counted once over the processes sharing it)
    over ``pid`` and its children, sampled until ``done`` (Linux; 0 elsewhere)."""
    while not done.wait(0.05):
        total = 0
        for proc in [pid, *_children(pid)]:
            try:
                with open(f"/proc/{proc}/smaps_rollup") as rollup:
                    total += sum(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
            except OSError:
                pass
        peak[0] = max(peak[0], total)


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listed:
            return [int(c) for c in listed.read().split()]
    except OSError:
        return []


def _milp(matcher):
    """The same problem as a 0/1 program over all eligible pairs."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix

    t = matcher.tables
    parts = [(p, o, matcher.score_pairs(p, o, km)) for p, o, km in matcher.eligible_pairs()]
    p, o, score = (np.concatenate(c) for c in zip(*parts, strict=True))
    weight = t.people.needs[p, t.offers.domain[o]] * score
    nodes, node = np.unique(p * 7 + t.offers.domain[o], return_inverse=True)
    offers, col = np.unique(o, return_inverse=True)
    n = len(p)
    rows, cols = np.r_[node, len(nodes) + col], np.r_[np.arange(n), np.arange(n)]
    a = csr_matrix((np.ones(2 * n), (rows, cols)), shape=(len(nodes) + len(offers), n))
    upper = np.r_[np.ones(len(nodes)), t.offers.capacity[offers]]
    result = milp(-weight, integrality=np.ones(n), bounds=Bounds(0, 1),
                  constraints=LinearConstraint(a, -np.inf, upper))
    return -result.fun, n


def compare(people=1_500, offers=600):
    doc = generate_scenario(people, offers, seed=5)
    rng = np.random.default_rng(5)
    for offer in doc["offers"]:
        offer["capacity"] = int(rng.integers(0, 3))
    matcher = Matcher(load_scenario(doc))
    start = time.perf_counter()
    result = allocate(matcher, workers=1)
    flow_seconds = time.perf_counter() - start
    # The MILP maximises need x score; the contract's objective adds up the scores as
    # printed (4 decimals), which moves the total by more than 1e-6: compare like with like.
    ours = sum(a.weight for a in result.assignments)
    two = allocate(matcher, workers=2)  # the domains on two processes
    start = time.perf_counter()
    theirs, arcs = _milp(matcher)
    milp_seconds = time.perf_counter() - start
    agree = abs(ours - theirs) <= 1e-6 * max(1.0, abs(theirs))
    same = two.to_dict() == result.to_dict()
    print(f"same instance {people} x {offers} ({arcs} eligible pairs): min-cost flow "
          f"{flow_seconds:.2f} s, scipy milp {milp_seconds:.2f} s, ratio milp/flow "
          f"{milp_seconds / flow_seconds:.1f}; need x score {ours:.6f} vs {theirs:.6f}: "
          f"{'agree' if agree else 'DIFFER'} (objective over the printed scores "
          f"{result.objective:.6f}); on two processes {'the same' if same else 'DIFFERENT'} "
          f"assignments")

if __name__ == "__main__":
    large()
    compare()
