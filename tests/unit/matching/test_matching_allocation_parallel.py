"""A large allocation's domains on several processes: the same result as on one, and the
pieces that make it (groups of equal work, forked children, when forking is safe)."""

import copy
import gc
import json
import multiprocessing
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from matching import Matcher, MatchingError, allocate, allocation, generate_scenario, load_scenario
from matching import parallel as parallel_module
from matching import scenario as scenario_module
from matching.cli import main
from matching.flow import _node_major
from matching.learning import SuccessModel
from matching.parallel import cores, run_shared


def _with_ties(seed):
    """People and offers twice over (same place, same fields) and few places: many optima."""
    doc = generate_scenario(240, 90, seed=seed)
    rng = random.Random(seed)
    for person in list(doc["inburgeraars"])[:120]:
        doc["inburgeraars"].append({**copy.deepcopy(person), "id": person["id"] + "t"})
    for offer in list(doc["offers"])[:45]:
        doc["offers"].append({**copy.deepcopy(offer), "id": offer["id"] + "x"})
    for offer in doc["offers"]:
        offer["capacity"] = rng.randint(0, 2)
    for person in doc["inburgeraars"]:
        person["duaal"] = rng.random() < 0.1
    return load_scenario(doc)


def _shape(result):
    return result.to_dict(), [a.weight for a in result.assignments]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("domain", [None, "taal", "werk"])
def test_several_processes_give_the_same_allocation_as_one(seed, domain):
    matcher = Matcher(_with_ties(seed))
    serial = allocate(matcher, domain=domain, workers=1)
    assert serial.assignments and serial.unassigned
    for workers in (2, 3):
        assert _shape(allocate(matcher, domain=domain, workers=workers)) == _shape(serial)


def test_the_duaal_pair_is_one_piece_of_work(monkeypatch, tmp_path):
    matcher = Matcher(_with_ties(1))
    calls = tmp_path / "calls"
    real = allocation._solve_domains

    def spy(matcher, domains, *args):
        with calls.open("a") as out:  # from whichever process solves them
            out.write(f"{list(domains)}\n")
        return real(matcher, domains, *args)

    monkeypatch.setattr(allocation, "_solve_domains", spy)
    result = allocate(matcher, workers=2)
    solved = sorted(calls.read_text().split("\n")[:-1])
    assert str(list(allocation.COUPLED)) in solved
    assert len(solved) == 6  # seven domains, taal and werk as one
    monkeypatch.undo()
    assert _shape(result) == _shape(allocate(matcher, workers=1))


def test_a_large_problem_uses_the_cores_by_default_and_a_small_one_does_not(monkeypatch):
    matcher = Matcher(load_scenario(generate_scenario(200, 80, seed=4)))
    processes = []
    real = allocation.run_shared

    def spy(task, items, n, **kwargs):
        processes.append(n)
        return real(task, items, n, **kwargs)

    monkeypatch.setattr(allocation, "run_shared", spy)
    monkeypatch.setattr(allocation, "cores", lambda: 2)
    small = allocate(matcher)
    monkeypatch.setattr(allocation, "_PARALLEL_FROM", 0)
    large = allocate(matcher)
    assert processes == [1, 2]
    assert _shape(large) == _shape(small)


@pytest.mark.parametrize("workers", [0, -1, 1.5, "2"])
def test_workers_must_be_a_whole_number_of_at_least_one(workers):
    with pytest.raises(MatchingError, match="workers"):
        allocate(Matcher(load_scenario(generate_scenario(20, 10, seed=1))), workers=workers)


def test_run_shared_gives_each_items_result_in_order_and_spreads_the_items():
    def task(item):
        time.sleep(0.05)  # long enough that the child takes some too
        return item * 10, os.getpid()

    results = run_shared(task, list(range(8)), 2)
    assert [r for r, _ in results] == [k * 10 for k in range(8)]
    assert len({pid for _, pid in results}) == 2
    assert run_shared(task, [1], 4) == [(10, os.getpid())]
    assert run_shared(task, [], 2) == []


def test_run_shared_raises_a_childs_error_here():
    parent = os.getpid()

    def task(item):
        if os.getpid() != parent:
            raise MatchingError("offers[2].capacity: kapot")
        time.sleep(0.2)
        return item

    with pytest.raises(MatchingError, match=r"offers\[2\]"):
        run_shared(task, [1, 2, 3], 2)


def test_the_items_of_a_child_that_dies_are_done_here():
    parent = os.getpid()

    def task(item):
        if os.getpid() != parent:
            os._exit(9)  # as if killed: no answer
        time.sleep(0.1)
        return item * 2

    assert run_shared(task, [1, 2, 3, 4], 2) == [2, 4, 6, 8]


def test_a_late_value_is_computed_here_once_while_the_children_start():
    parent, log = os.getpid(), []
    got = {}

    def compute():
        log.append(os.getpid())
        time.sleep(0.2)  # the child starts meanwhile
        return {"model": np.arange(3)}

    def receive(get):
        got["get"] = get  # in the child: its own copy of this dict

    def task(item):
        value = got["get"]()["model"] if os.getpid() != parent else np.arange(3)
        time.sleep(0.05)
        return item, int(value.sum()), os.getpid()

    results = run_shared(task, list(range(6)), 2, late=(compute, receive))
    assert [(item, total) for item, total, _ in results] == [(k, 3) for k in range(6)]
    assert len({pid for _, _, pid in results}) == 2  # the child had the value too
    assert log == [parent]
    assert multiprocessing.active_children() == []


def test_while_the_late_value_comes_a_child_prepares_the_next_items_for_whoever_takes_them(
        tmp_path):
    log = tmp_path / "log"
    parent, got = os.getpid(), {}

    def note(*what):
        with log.open("a") as out:  # from whichever process
            out.write(" ".join(map(str, what)) + "\n")

    def compute():
        time.sleep(1.0)  # the child prepares meanwhile
        return 7

    def prepare(item):
        note("prepared", item, os.getpid())
        return {"item": item, "by": os.getpid(), "pairs": np.arange(item)}

    def task(prepared):  # needs the late value
        value = got["get"]() if os.getpid() != parent else 7
        time.sleep(0.05)
        return prepared["item"], prepared["by"], int(prepared["pairs"].sum()) + value, os.getpid()

    results = run_shared(task, list(range(6)), 2, late=(compute, lambda get: got.update(get=get)),
                         prepare=prepare)
    assert [(item, total) for item, _, total, _ in results] == [
        (k, k * (k - 1) // 2 + 7) for k in range(6)]
    prepared = [line.split() for line in log.read_text().splitlines()]
    assert sorted(int(x[1]) for x in prepared) == list(range(6))  # each item once
    assert {int(x[2]) for x in prepared} == {by for _, by, _, _ in results} != {parent}
    # The parent, busy with the late value, prepared none: it took what the child left.
    assert any(by != parent and done == parent for _, by, _, done in results)
    assert multiprocessing.active_children() == []


def _logged_run(tmp_path, compute, prepare_seconds, items=6, die_on=None):
    """run_shared over ``items`` with a late value, logging who prepared and who did each
    item; ``prepare_seconds(item)`` long per item; a child preparing ``die_on`` ahead dies."""
    log, parent, got = tmp_path / "log", os.getpid(), {}

    def note(*what):
        with log.open("a") as out:  # from whichever process
            out.write(" ".join(map(str, what)) + "\n")

    def prepare(item):
        note("prepared", item, os.getpid())
        time.sleep(prepare_seconds(item))
        if item == die_on and os.getpid() != parent:
            os._exit(9)  # as if killed while it prepared
        return item, os.getpid()

    def task(prepared):
        value = got["get"]() if os.getpid() != parent else 7
        time.sleep(0.02)
        return prepared[0] + value, prepared[1], os.getpid()

    results = run_shared(task, list(range(items)), 2,
                         late=(compute, lambda get: got.update(get=get)), prepare=prepare)
    assert [total for total, _, _ in results] == [k + 7 for k in range(items)]
    assert multiprocessing.active_children() == []
    prepared = [line.split()[1:] for line in log.read_text().splitlines()]
    return results, [(int(item), int(pid)) for item, pid in prepared], parent


def test_an_item_being_prepared_when_the_late_value_comes_is_prepared_once(tmp_path):
    def compute():
        time.sleep(1.5)  # the child prepares item 0, then item 1 until 1.8 s
        return 7

    results, prepared, parent = _logged_run(tmp_path, compute,
                                            lambda item: 0.9 if item < 2 else 0.05)
    assert sorted(item for item, _ in prepared) == list(range(6))  # each once
    by_child = [item for item, pid in prepared if pid != parent]
    assert by_child[:2] == [0, 1]
    # This process took the next item instead of preparing item 1 again, and item 1 from
    # its file once ready (whoever took it).
    assert (2, parent) in prepared
    assert results[1][1] != parent


def test_when_only_items_being_prepared_are_left_the_taker_waits_for_them(tmp_path):
    def compute():
        time.sleep(1.0)
        return 7

    # Item 1 takes the child long: this process has nothing else to take, and waits.
    results, prepared, parent = _logged_run(tmp_path, compute,
                                            lambda item: 2.0 if item == 1 else 0.1, items=2)
    child = results[0][2]
    assert prepared == [(0, child), (1, child)]
    assert results[1][1:] == (child, parent)  # prepared there, done here


def test_an_item_whose_preparer_dies_is_prepared_by_the_process_waiting_for_it(tmp_path):
    def compute():
        time.sleep(1.0)
        return 7

    results, prepared, parent = _logged_run(tmp_path, compute,
                                            lambda item: 1.5 if item == 1 else 0.1, items=2,
                                            die_on=1)
    # Item 1 when its preparer was gone, item 0 (the child's own) with the items it left.
    assert [item for item, pid in prepared if pid == parent] == [1, 0]
    assert [done for _, _, done in results] == [parent, parent]


def test_a_failing_late_value_raises_here_and_leaves_no_child_behind():
    def compute():
        raise MatchingError("history[0].outcome: kapot")

    def task(item):
        return item

    def waits(get):
        get()  # the child waits for a value that never comes

    with pytest.raises(MatchingError, match=r"history\[0\]"):
        run_shared(task, [1, 2, 3], 2, late=(compute, waits))
    assert multiprocessing.active_children() == []
    assert _zombies() == []  # every child was reaped


def _zombies():
    """This process's children that ended and were not reaped (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            found.append(stat.parent.name)
    return found


def test_a_child_that_dies_waiting_for_the_late_value_costs_only_time():
    parent = os.getpid()

    def waits(get):
        os._exit(9)  # as if killed before the value came

    def task(item):
        assert os.getpid() == parent
        return item * 2

    assert run_shared(task, [1, 2, 3], 2, late=(lambda: 1, waits)) == [2, 4, 6]


class _NoRoom:
    """A prepared piece that cannot be written to a file: as on a full disk."""

    def __init__(self, item):
        self.item = item

    def __reduce__(self):
        raise OSError(28, "No space left on device")


def test_a_child_that_cannot_write_ahead_leaves_the_items_to_whoever_takes_them():
    parent, got = os.getpid(), {}

    def compute():
        time.sleep(0.5)  # the child would prepare ahead meanwhile
        return 10

    def task(prepared):
        value = got["get"]() if os.getpid() != parent else 10
        return prepared.item + value

    results = run_shared(task, list(range(6)), 2, late=(compute, lambda get: got.update(get=get)),
                         prepare=_NoRoom)
    assert results == [k + 10 for k in range(6)]
    assert multiprocessing.active_children() == []


def test_without_a_temporary_folder_the_late_value_comes_first_and_the_children_share_it(
        monkeypatch):
    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parallel_module.tempfile, "TemporaryDirectory", no_room)
    parent, model, computed = os.getpid(), {}, []

    def compute():
        computed.append(os.getpid())
        model["value"] = 5  # as the Matcher keeps its fitted model

    def task(item):
        time.sleep(0.05)  # both processes take items
        return item * model["value"], os.getpid()

    results = run_shared(task, list(range(6)), 2, late=(compute, lambda get: None))
    assert [value for value, _ in results] == [k * 5 for k in range(6)]
    assert computed == [parent]
    assert len({pid for _, pid in results}) == 2  # forked after the value: the child had it


def test_when_the_late_value_cannot_be_shared_this_process_does_all(monkeypatch):
    parent, got = os.getpid(), {}

    def compute():
        time.sleep(0.2)
        return _NoRoom(3)  # fails to be written to the shared file

    def task(item):
        value = got["get"]() if os.getpid() != parent else None
        return item, os.getpid(), value

    results = run_shared(task, list(range(4)), 2, late=(compute, lambda get: got.update(get=get)))
    assert [(item, pid) for item, pid, _ in results] == [(k, parent) for k in range(4)]
    assert multiprocessing.active_children() == []
    assert _zombies() == []


@pytest.mark.parametrize("domain", [None, "werk"])
def test_a_model_fitted_here_while_the_worker_finds_pairs_gives_the_same_allocation(
        monkeypatch, tmp_path, domain):
    scenario = _with_ties(2)
    serial = allocate(Matcher(scenario), domain=domain, workers=1)
    fits = tmp_path / "fits"
    real = SuccessModel.fit_outcomes

    def spy(self, outcomes):
        with fits.open("a") as out:  # from whichever process fits
            out.write(f"{os.getpid()}\n")
        return real(self, outcomes)

    monkeypatch.setattr(SuccessModel, "fit_outcomes", spy)
    late = Matcher(scenario, fit_later=True)
    assert not late.fitted
    assert _shape(allocate(late, domain=domain, workers=2)) == _shape(serial)
    assert fits.read_text() == f"{os.getpid()}\n"  # fitted once, here; the worker got it
    assert late.fitted
    assert _shape(allocate(scenario, domain=domain, workers=3)) == _shape(serial)


def test_why_people_get_no_offer_is_found_with_the_pairs_while_the_model_is_fitted(
        monkeypatch, tmp_path):
    # It was the end's work, after every domain was solved (issue 24).
    scenario = _with_ties(1)
    serial = allocate(Matcher(scenario), workers=1)
    calls, real_fit, real = tmp_path / "calls", Matcher._fit, allocation.shortage_reasons

    def slow_fit(self):
        time.sleep(1.0)  # the worker finds every domain's pairs meanwhile
        return real_fit(self)

    def spy(t, people, d):
        with calls.open("a") as out:  # from whichever process
            out.write(f"{d} {late.fitted}\n")
        return real(t, people, d)

    monkeypatch.setattr(Matcher, "_fit", slow_fit)
    monkeypatch.setattr(allocation, "shortage_reasons", spy)
    late = Matcher(scenario, fit_later=True)
    assert _shape(allocate(late, workers=2)) == _shape(serial)
    found = [line.split() for line in calls.read_text().splitlines()]
    assert sorted(int(d) for d, _ in found) == list(range(len(allocation.vocab.DOMAINS)))
    assert {fitted for _, fitted in found} == {"False"}
    assert any(u.reason != allocation.FULL for u in serial.unassigned)


def test_a_matcher_fitted_later_ranks_as_one_fitted_at_once():
    scenario = _with_ties(1)
    later = Matcher(scenario, fit_later=True)
    assert not later.fitted
    assert later.rankings(top=3) == Matcher(scenario).rankings(top=3)
    assert later.fitted


def test_no_forking_while_other_threads_run(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    # Threads other tests left running (a browser test's server) count as none here.
    left, count = threading.active_count() - 1, threading.active_count
    monkeypatch.setattr(parallel_module.threading, "active_count", lambda: count() - left)
    assert cores() == 2
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert cores() == 1
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(parallel_module.multiprocessing, "get_all_start_methods",
                        lambda: ["spawn"])
    assert cores() == 1


def test_node_major_order_is_the_lexsort_also_when_the_combined_key_would_overflow():
    rng = np.random.default_rng(0)
    node = np.sort(rng.integers(0, 50, 400)).astype(np.int32)
    idx = np.flatnonzero(rng.random(400) < 0.6)
    for high in (10**6, 2**60):
        key = rng.permutation(400).astype(np.int64) * (high // 400)
        assert np.array_equal(_node_major(idx, node, key), idx[np.lexsort((key[idx], node[idx]))])
    assert len(_node_major(idx[:0], node, key)) == 0


def test_learning_from_many_undated_outcomes_does_not_import_scikit_learn():
    # Its import was most of a large allocation's model-building time (issue 24).
    code = """
import sys
import numpy as np
from matching import build_tables, generate_scenario, load_scenario
from matching.learning import SuccessModel
t = build_tables(load_scenario(generate_scenario(200, 60, seed=1)))
rng = np.random.default_rng(1)
p, o = rng.integers(0, 200, 4_000), rng.integers(0, 60, 4_000)
model = SuccessModel().fit(t, p, o, rng.random(4_000) < 0.4)
assert model.kind_ != "prior", model.kind_
assert "sklearn" not in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_allocating_a_valid_scenario_without_duaal_imports_neither_jsonschema_nor_cp_sat(
        tmp_path):
    # Their imports cost 0.1 and 0.3 s of CPU: only a rejected document's message needs
    # jsonschema, only duaal people needing taal and werk need CP-SAT (issue 24).
    path = tmp_path / "s.json"
    path.write_text(json.dumps(generate_scenario(60, 20, seed=3)))
    code = f"""
import sys
from matching.cli import main
assert main(["allocate", {str(path)!r}]) == 0
assert "jsonschema" not in sys.modules and "ortools.sat.python.cp_model" not in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300,
                   stdout=subprocess.DEVNULL)


def test_the_allocation_loads_the_stochastic_programs_solver_only_for_them():
    # scipy.optimize's import is 0.1-0.3 s of CPU before the worker can start (issue 24).
    code = """
import sys
import matching.allocation
import matching.cli
assert "scipy.optimize" not in sys.modules and "matching.stochastic" not in sys.modules
from matching import Matcher, generate_scenario, load_scenario
doc = generate_scenario(80, 30, seed=2)
doc["forecast"] = doc["inburgeraars"][:10]
matcher = Matcher(load_scenario(doc))
matching.allocation.allocate(matcher, forecast_method="stochastic")
assert "matching.stochastic" in sys.modules
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_the_fit_uses_one_blas_thread_also_where_scipy_loads_its_blas_on_the_way():
    # The limit reaches only the BLAS libraries loaded when it is set; scipy's own came with
    # the fit's solver, so its second thread took the core of the allocation's worker.
    code = """
import sys
import numpy as np
from threadpoolctl import threadpool_info
from matching import build_tables, generate_scenario, load_scenario
from matching import learning
assert "scipy.linalg" not in sys.modules
seen, real = [], learning.SuccessModel._learn

def learn(self, *args):
    result = real(self, *args)
    seen.extend((info["filepath"], info["num_threads"]) for info in threadpool_info()
                if info["user_api"] == "blas")
    return result

learning.SuccessModel._learn = learn
t = build_tables(load_scenario(generate_scenario(200, 60, seed=1)))
rng = np.random.default_rng(1)
p, o = rng.integers(0, 200, 2_000), rng.integers(0, 60, 2_000)
learning.SuccessModel().fit(t, p, o, rng.random(2_000) < 0.4)
assert any("scipy_openblas" in path and "64" not in path for path, _ in seen), seen
assert {threads for _, threads in seen} == {1}, seen
"""
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300)


def test_reading_pauses_the_collector_and_the_command_line_leaves_it_as_it_was(
        monkeypatch, tmp_path, capsys):
    seen = []
    real = scenario_module.load_scenario

    def spy(doc):
        seen.append(gc.isenabled())
        return real(doc)

    monkeypatch.setattr(scenario_module, "load_scenario", spy)
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(generate_scenario(30, 10, seed=2)))
    bad.write_text("[1,")
    assert gc.isenabled()
    assert main(["allocate", str(good)]) == 0
    assert seen == [False]  # made its objects with the collector paused
    assert gc.isenabled() and gc.get_freeze_count() == 0  # unfrozen again
    assert main(["allocate", str(bad)]) == 2
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["assignments"]
