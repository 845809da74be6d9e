"""Independent pieces of work on several cores: forked processes, results back by pipe.

OR-Tools' min-cost flow holds the GIL while it solves, so threads would take
turns; forked processes share the parent's arrays (copy on write) and send
back only their results. Used where the work falls apart into independent
parts, as an allocation does by domain.
"""

import multiprocessing
import os
import threading

__all__ = ["balanced_groups", "cores", "run_groups"]


def cores():
    """How many processes may run side by side here: the cores this process may use, or 1
    where forking is not safe or not possible.

    Forking copies only the calling thread: with other Python threads running
    (a web server's), a lock one of them held would stay held in the child.
    A daemonic process (a multiprocessing pool's worker) may not have children.
    """
    if ("fork" not in multiprocessing.get_all_start_methods()
            or threading.active_count() > 1 or multiprocessing.current_process().daemon):
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def balanced_groups(items, work, n):
    """``items`` in at most ``n`` groups of about equal total ``work`` (the largest first,
    each to the lightest group so far); the heaviest group first, items in their order."""
    groups = [[] for _ in range(max(1, min(n, len(items))))]
    load = [0] * len(groups)
    for k in sorted(range(len(items)), key=lambda k: -work[k]):
        lightest = load.index(min(load))
        groups[lightest].append(k)
        load[lightest] += work[k]
    order = sorted(range(len(groups)), key=lambda g: -load[g])
    return [[items[k] for k in sorted(groups[g])] for g in order if groups[g]]


def run_groups(task, groups):
    """``[task(g) for g in groups]``, the first group here and each other in a forked child.

    A child's exception is raised here; a child that dies without answering
    (killed, out of memory) has its group done here instead.
    """
    if len(groups) <= 1:
        return [task(g) for g in groups]
    context = multiprocessing.get_context("fork")
    children, done = [], False
    try:
        for group in groups[1:]:
            reader, writer = context.Pipe(duplex=False)
            child = context.Process(target=_answer, args=(writer, task, group))
            child.start()
            writer.close()  # the child's end: recv ends with EOFError when the child is gone
            children.append((child, reader))
        results = [task(groups[0])]
        for group, (_, reader) in zip(groups[1:], children, strict=True):
            try:
                ok, value = reader.recv()
            except EOFError:
                ok, value = True, task(group)
            if not ok:
                raise value
            results.append(value)
        done = True
        return results
    finally:
        for child, reader in children:
            if not done:  # our own children, no longer wanted
                child.terminate()
            child.join()
            reader.close()


def _answer(writer, task, group):
    try:
        answer = (True, task(group))
    except Exception as error:  # noqa: BLE001 - sent to the parent, which raises it
        answer = (False, error)
    writer.send(answer)
    writer.close()
