"""CPU time of the processes a benchmark run involves, from ``/proc/<pid>/stat`` (Linux).

On a shared machine wall times wait for a core; CPU seconds per request do not.
A benchmark snapshots the groups before and after its load and prints each
group's CPU milliseconds per request: the server's workers, the database's
backends serving the benchmark's database, the database's shared background
processes, and the load generator itself.
"""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(parent pid, user CPU seconds, system CPU seconds) of a process; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return int(fields[1]), int(fields[11]) / TICK, int(fields[12]) / TICK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def process_groups(server_pid: int, database: str) -> dict[str, list[int]]:
    """The pids of each group now: the server and its workers, the PostgreSQL backends of
    ``database``, PostgreSQL's background processes, and this process."""
    groups: dict[str, list[int]] = {"server": [server_pid], "postgres backends": [],
                                    "postgres background": [], "bench client": [os.getpid()]}
    for pid in _all_pids():
        stat = _stat(pid)
        if stat is None:
            continue
        command = _cmdline(pid)
        if stat[0] == server_pid:
            groups["server"].append(pid)
        elif command.startswith("postgres: "):
            # A backend's title: "postgres: 15/main: <role> <database> <client> <state>".
            words = command.split()
            if database in words:
                groups["postgres backends"].append(pid)
            elif "checkpointer" in words or "walwriter" in words or "writer" in words:
                groups["postgres background"].append(pid)
    return groups


Snapshot = dict[str, dict[int, tuple[float, float]]]


def cpu_seconds(groups: dict[str, list[int]]) -> Snapshot:
    """Each group's processes' (user, system) CPU seconds so far."""
    return {
        name: {pid: stat[1:] for pid in pids if (stat := _stat(pid)) is not None}
        for name, pids in groups.items()
    }


def cpu_used(before: Snapshot, after: Snapshot) -> dict[str, tuple[float, float]]:
    """(user, system) CPU seconds each group spent between two snapshots (a process that
    started in between counts whole; one that ended in between is lost, so take
    ``after``'s groups from a fresh ``process_groups`` before the server stops)."""
    used = {}
    for name, pids in after.items():
        earlier = before.get(name, {})
        used[name] = tuple(
            sum(now[i] - earlier.get(pid, (0.0, 0.0))[i] for pid, now in pids.items())
            for i in (0, 1)
        )
    return used


def print_cpu_per_request(used: dict[str, tuple[float, float]], requests: int) -> None:
    """One line per group: CPU ms per request, of which in the kernel (system)."""
    total = sum(user + system for user, system in used.values())
    print(f"CPU per request ({requests} requests; ms, of which system):")
    for name, (user, system) in used.items():
        print(f"  {name:20s} {(user + system) * 1000 / requests:6.2f} "
              f"({system * 1000 / requests:.2f})")
    print(f"  {'total':20s} {total * 1000 / requests:6.2f} ({total:.1f} s CPU; at this cost "
          f"{os.cpu_count()} cores carry at most {os.cpu_count() * requests / total:.0f} "
          "requests/s)")
