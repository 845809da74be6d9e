"""Benchmark allocation: 20,000 inburgeraars x 5,000 offers through the command line
(``python -m matching allocate``, as the issue measures it: imports and reading
included), its wall time, CPU time of the process and its forked worker, peak
RSS; in a process of its own, the phases: reading, the tables, the model's fit
(on the process while the worker starts), the allocation; and on a size
scipy.optimize.milp also solves, both solvers on the same instance, their time
ratio and whether the objectives agree.

Run by hand: ``.venv/bin/python bench/bench_matching_allocate.py``.
"""

import json
import multiprocessing as mp
import os
import resource
import subprocess
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
    read_cpu = time.process_time()
    scenario = read_scenario(path)
    read_cpu = time.process_time() - read_cpu
    fit = []
    real_fit = Matcher._fit

    def timed_fit(self):
        cpu = time.process_time()
        model = real_fit(self)
        fit.append(time.process_time() - cpu)
        return model

    Matcher._fit = timed_fit
    start, start_cpu = time.perf_counter(), time.process_time()
    # As the command line does: the model is fitted here while the worker finds pairs.
    matcher = Matcher(scenario, check=False, fit_later=True)
    built, built_cpu = time.perf_counter(), time.process_time()
    result = allocate(matcher)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The forked worker that solves some of the domains: its CPU time and peak RSS.
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    queue.put((seconds, cpu, built - start, peak_mb, worker.ru_utime + worker.ru_stime,
               worker.ru_maxrss / 1024, len(result.assignments), len(result.unassigned),
               result.objective, read_cpu, built_cpu - start_cpu, sum(fit)))


def command_line(path, people, offers):
    """``python -m matching allocate`` on ``path``: wall, CPU of the process and the worker
    it forks (reaped by it, so counted in its rusage), peak RSS, PSS of both together."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as out:
        child = subprocess.Popen([sys.executable, "-m", "matching", "allocate", str(path)],
                                 stdout=out, stderr=subprocess.DEVNULL,
                                 cwd=Path(__file__).resolve().parents[1])
        load = os.getloadavg()[0]
        done, pss = threading.Event(), [0]
        sampler = threading.Thread(target=_sample_pss, args=(child.pid, done, pss))
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    print(f"python -m matching allocate {people} x {offers} (load average {load:.1f}): "
          f"{seconds:.2f} s wall (target <= 5 s), CPU {usage.ru_utime + usage.ru_stime:.2f} s "
          f"(process and worker, imports and reading included), peak RSS "
          f"{usage.ru_maxrss / 1024:.0f} MB, the two together (PSS, sampled every 50 ms) "
          f"{pss[0] / 1024:.0f} MB; exit status {child.returncode}")


def large(people=20_000, offers=5_000):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.json"
        path.write_text(json.dumps(generate_scenario(people, offers, seed=4)))
        command_line(path, people, offers)
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
         objective, read_cpu, tables_cpu, fit_cpu) = queue.get()
        done.set()
        sampler.join()
        child.join()
    print(f"allocate {people} x {offers} (load average {load:.1f} on {os.cpu_count()} cores), "
          f"the scenario read (CPU {read_cpu:.2f} s): {seconds:.2f} s wall, {build:.2f} s of it "
          f"building the tables; CPU {cpu:.2f} s in the process ({tables_cpu:.2f} s the tables, "
          f"{fit_cpu:.2f} s the model's fit while the worker starts) + {worker_cpu:.2f} s in its "
          f"forked worker; "
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
