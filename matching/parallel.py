"""Independent pieces of work on several cores: forked processes, results back by pipe.

OR-Tools' min-cost flow holds the GIL while it solves, so threads would take
turns; forked processes share the parent's arrays (copy on write) and send
back only their results. Used where the work falls apart into independent
parts, as an allocation does by domain. A value the pieces need but that
takes long to compute (the allocation's learned model) can be computed here
after forking, while a child prepares what does not need it, for itself and,
through files, for whichever process takes the next pieces.
"""

import contextlib
import fcntl
import multiprocessing
import os
import pickle
import select
import signal
import tempfile
import threading

__all__ = ["cores", "run_shared"]


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


def run_shared(task, items, processes, late=None, prepare=None):
    """``[task(prepare(item)) for item in items]`` (without ``prepare``, ``task(item)``) on
    up to ``processes`` processes: this one and forked children each take the next item
    not yet taken until none is left (put the largest first), so a process that
    finishes early takes over the rest.

    ``late``, a pair ``(compute, receive)``: a value the tasks need that this
    process computes (``compute()``) once the children are forked, while they
    start. Each child calls ``receive(get)`` first; ``get()`` waits for the
    value and returns it. ``prepare`` is the part of a task that does not need
    it: a child prepares its first item, then, until the value is there, the
    next items not taken yet, which it leaves in files for whichever process
    takes them. Each item is prepared once: a process that would take an item
    still being prepared takes the next one instead, or, if only such are left,
    waits for it. Without children nothing is computed here: the tasks find
    their own way.

    A child's exception is raised here, as is one of ``compute``; the items of
    a child that dies without answering (killed, out of memory) are done here
    instead. The files only save time: where they cannot be written (no room,
    no temporary folder) the work is done without them.
    """
    prepare = prepare or _same
    processes = min(processes, len(items))
    if processes <= 1:
        return [task(prepare(item)) for item in items]
    if not late:
        return _run(task, items, processes, None, prepare, None, None)
    files = contextlib.ExitStack()
    try:
        shared = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - the stack closes it
        folder = files.enter_context(tempfile.TemporaryDirectory())
    except OSError:
        files.close()
        # Nowhere to share it: the value first, and the children are forked with it.
        late[0]()
        return _run(task, items, processes, None, prepare, None, None)
    with files:
        return _run(task, items, processes, late, prepare, shared, folder)


# An item's preparation ahead (per item in the shared state, after the counts): none, under
# way (a lock file held by the child preparing it), or done (its file is there).
_NONE, _UNDER_WAY, _DONE = 0, 1, 2


def _run(task, items, processes, late, prepare, shared, folder):
    context = multiprocessing.get_context("fork")
    # Per item whether it was taken, and how far its preparation ahead is.
    state = context.Array("i", 2 * len(items))
    n = len(items)

    def take():
        """The next item not taken: the first whose preparation is not under way, else
        (only such are left) the first of those, to wait for; None when all are taken."""
        with state.get_lock():
            left = [k for k in range(n) if not state[k]]
            if not left:
                return None, _NONE
            k = next((k for k in left if state[n + k] != _UNDER_WAY), left[0])
            state[k] = 1
            return k, state[n + k]

    def prepared(k, ahead):
        if ahead == _UNDER_WAY:  # wait for whoever prepares it (or its end: then it is left)
            with open(_lock_path(folder, k), "rb") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
            ahead = state[n + k]
        if ahead != _DONE:
            return prepare(items[k])
        path = os.path.join(folder, f"{k}.pickle")
        with open(path, "rb") as file:
            value = pickle.load(file)
        os.remove(path)
        return value

    def work(arrived=None):
        done = {}
        if arrived is not None:  # a child, while the late value is on its way
            k, _ = take()
            if k is None:
                return done
            first = prepare(items[k])
            while not arrived() and _prepare_ahead(state, n, folder, prepare, items):
                pass
            done[k] = task(first)
        while (taken := take())[0] is not None:
            k, ahead = taken
            done[k] = task(prepared(k, ahead))
        return done

    children, finished = [], False
    # The late value goes by a file all share; a byte per child on a pipe says it is there
    # (never blocks, and a child waiting on it sees the pipe close if this process dies).
    ready, told = os.pipe() if late else (None, None)
    try:
        for _ in range(processes - 1):
            reader, writer = context.Pipe(duplex=False)
            child = context.Process(
                target=_answer,
                args=(writer, work, late and late[1], shared,
                      ready, told))
            child.start()
            writer.close()  # the child's end: recv ends with EOFError when the child is gone
            children.append((child, reader))
        if late:
            os.close(ready)
            ready = None
            value = late[0]()
            try:
                pickle.dump(value, shared, protocol=5)
                shared.flush()
            except OSError:
                # No room to share it: the children have only prepared; all is done here.
                for child, reader in children:
                    child.terminate()
                    child.join()
                    reader.close()
                children = []
            else:
                with contextlib.suppress(BrokenPipeError):  # no child waits: done here
                    os.write(told, b"x" * len(children))
        results = work()
        for _, reader in children:
            try:
                ok, value = reader.recv()
            except EOFError:
                continue  # its items are done below
            if not ok:
                raise value
            results.update(value)
        results.update({k: task(prepare(items[k])) for k in range(n) if k not in results})
        finished = True
        return [results[k] for k in range(n)]
    finally:
        for child, reader in children:
            if not finished:  # our own children, no longer wanted
                child.terminate()
            child.join()
            reader.close()
        for fd in (ready, told):
            if fd is not None:
                os.close(fd)


def _same(item):
    return item


def _lock_path(folder, k):
    return os.path.join(folder, f"{k}.lock")


def _prepare_ahead(state, n, folder, prepare, items):
    """In a child: prepare the first item neither taken nor prepared into a file, for
    whichever process takes it. False when none is left or the file cannot be written."""
    with state.get_lock():
        j = next((k for k in range(n) if not state[k] and state[n + k] == _NONE), None)
        if j is None:
            return False
        try:
            # Held while it is prepared: whoever takes it meanwhile waits for it (the kernel
            # lets go of it if this process ends).
            lock = open(_lock_path(folder, j), "wb")  # noqa: SIM115 - closed below
        except OSError:
            return False
        fcntl.flock(lock, fcntl.LOCK_EX)
        state[n + j] = _UNDER_WAY
    with lock:
        part = os.path.join(folder, f"{j}.part")
        try:
            with open(part, "wb") as file:
                pickle.dump(prepare(items[j]), file, protocol=5)
            os.rename(part, os.path.join(folder, f"{j}.pickle"))
        except OSError:
            # No room: whoever takes the item prepares it.
            with contextlib.suppress(OSError):
                os.remove(part)
            state[n + j] = _NONE
            return False
        state[n + j] = _DONE
    return True


def _answer(writer, work, receive, shared, ready, told):
    # Stopped by its parent at once, whatever handler the parent's program set.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        arrived = None
        if receive is not None:
            os.close(told)
            receive(_reader_of(shared, ready))
            # Readable once the value is there (or this parent gone: get() then says so).
            arrived = lambda: bool(select.select([ready], [], [], 0)[0])  # noqa: E731
        answer = (True, work(arrived=arrived))
    except Exception as error:  # noqa: BLE001 - sent to the parent, which raises it
        answer = (False, error)
    writer.send(answer)
    writer.close()


def _reader_of(shared, ready):
    """In a child: ``get()`` for the value its parent writes to ``shared`` (waiting once)."""
    got = []

    def get():
        if not got:
            if os.read(ready, 1) != b"x":
                raise ChildProcessError("the parent ended before it sent what was needed")
            size = os.fstat(shared.fileno()).st_size
            got.append(pickle.loads(os.pread(shared.fileno(), size, 0)))
        return got[0]

    return get
