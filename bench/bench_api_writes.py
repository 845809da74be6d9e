"""Write benchmark of API v1: referrals and capacity changes per second, PostgreSQL, 4 workers.

Real gunicorn on a scratch database with the demo data. Half the clients
refer a person to an offer and withdraw the referral again (two writes, each
freeing or taking a place); the other half raise an offer's capacity by one
and lower it again. Every client has its own people and offers, so writers
never wait for each other's rows, only for what all writes share. Prints
writes per second, p50/p99 per write, errors, and how often a writer was
seen waiting for a lock on the coalition version's row (sampled from
``pg_locks`` every 20 ms): whether that one row serialises the writers.

    WEGWIJS_BENCH_POSTGRES_URL=postgresql://user:pass@127.0.0.1/postgres \\
        .venv/bin/python bench/bench_api_writes.py [--clients 16] [--seconds 10] [--workers 4]
"""

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import requests
from bench_api_load import ROOT, gunicorn, seed, server_url, token
from sqlalchemy import create_engine, text

sys.path.insert(0, str(ROOT / "tests"))
from databases import scratch_database  # noqa: E402  (the test suite's scratch databases)

# Backends waiting for a lock, in all and in the statement that bumps the coalition version.
WAITS = text("""
    SELECT count(*), count(*) FILTER (WHERE query LIKE 'UPDATE coalition_version%%')
    FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()
""")


def work_lists(base: str, clients: int) -> tuple[list, list]:
    """Per referring client: (person, offer) pairs; per capacity client: offer ids."""
    km = token(base, "klantmanager.utrecht@wegwijs.example")
    people = [p["id"] for p in requests.get(f"{base}/api/v1/inburgeraars",
                                             headers=km).json()["inburgeraars"]]
    pairs, used_offers = [], set()
    for person in people:
        matches = requests.get(f"{base}/api/v1/inburgeraars/{person}/matches",
                               headers=km).json()["matches"]
        free = [m["offer_id"] for m in matches if m["offer_id"] not in used_offers]
        if free:
            pairs.append((person, free[0]))
            used_offers.add(free[0])
    coordinator = token(base, "coordinator@wegwijs.example")
    offers = [o for o in requests.get(f"{base}/api/v1/offers", headers=coordinator).json()["offers"]
              if o["id"] not in used_offers]
    half = clients // 2
    referring = [pairs[i::half] for i in range(half)]
    capacity = [[o["id"] for o in offers[i::clients - half]] for i in range(clients - half)]
    return referring, capacity


def run(base: str, seconds: float, referring: list, capacity: list) -> dict:
    km = token(base, "klantmanager.utrecht@wegwijs.example")
    coordinator = token(base, "coordinator@wegwijs.example")
    host, port = urlsplit(base).hostname, urlsplit(base).port
    results = {"referral": [], "capacity": [], "errors": []}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def call(connection, method, path, headers, body, kind, expect):
        started = time.perf_counter()
        connection.request(method, path, body=json.dumps(body),
                           headers={**headers, "Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read()
        elapsed = time.perf_counter() - started
        with lock:
            if response.status == expect:
                results[kind].append(elapsed)
            else:
                results["errors"].append(f"{method} {path}: {response.status} {answer[:120]!r}")
        return json.loads(answer) if response.status == expect else None

    def refer_and_withdraw(pairs):
        connection = HTTPConnection(host, port, timeout=30)
        while time.perf_counter() < stop_at:
            for person, offer in pairs:
                if time.perf_counter() >= stop_at:
                    break
                made = call(connection, "POST", "/api/v1/referrals", km,
                            {"inburgeraar_id": person, "offer_id": offer, "additional": True},
                            "referral", 201)
                if made:
                    call(connection, "PATCH", f"/api/v1/referrals/{made['id']}", km,
                         {"status": "withdrawn"}, "referral", 200)

    def raise_and_lower(offer_ids):
        connection = HTTPConnection(host, port, timeout=30)
        capacities = {}
        while time.perf_counter() < stop_at:
            for offer in offer_ids:
                if time.perf_counter() >= stop_at:
                    break
                if offer not in capacities:
                    capacities[offer] = requests.get(f"{base}/api/v1/offers/{offer}",
                                                     headers=coordinator).json()["capacity"]
                for capacity in (capacities[offer] + 1, capacities[offer]):
                    call(connection, "PATCH", f"/api/v1/offers/{offer}", coordinator,
                         {"capacity": capacity}, "capacity", 200)

    with ThreadPoolExecutor(max_workers=len(referring) + len(capacity)) as pool:
        jobs = [pool.submit(refer_and_withdraw, p) for p in referring]
        jobs += [pool.submit(raise_and_lower, o) for o in capacity]
        for job in jobs:
            job.result()
    return results


def sample_waits(url: str, stop: threading.Event, counts: dict) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        while not stop.is_set():
            counts["samples"] += 1
            waiting, for_version = connection.execute(WAITS).one()
            counts["any"] += waiting > 0
            counts["version"] += for_version > 0
            time.sleep(0.02)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to write")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()

    with scratch_database(server_url(), Path(tempfile.gettempdir())) as url:
        seed(url)
        with gunicorn(url, args.workers) as (base, _server_pid):
            referring, capacity = work_lists(base, args.clients)
            counts = {"samples": 0, "version": 0, "any": 0}
            stop = threading.Event()
            sampler = threading.Thread(target=sample_waits, args=(url, stop, counts))
            sampler.start()
            started = time.perf_counter()
            results = run(base, args.seconds, referring, capacity)
            wall = time.perf_counter() - started
            stop.set()
            sampler.join()

    print(f"clients:    {args.clients} ({len(referring)} referring, {len(capacity)} changing "
          f"capacity) on {args.workers} workers, {wall:.1f} s")
    for kind in ("referral", "capacity"):
        times = sorted(results[kind])
        if times:
            print(f"{kind + ':':<11} {len(times) / wall:.1f} writes/s, p50 "
                  f"{statistics.median(times) * 1000:.1f} ms, p99 "
                  f"{times[int(0.99 * (len(times) - 1))] * 1000:.1f} ms")
    total = len(results["referral"]) + len(results["capacity"])
    print(f"total:      {total / wall:.1f} writes/s")
    print(f"errors:     {len(results['errors'])} {results['errors'][:3]}")
    samples = max(counts["samples"], 1)
    print(f"lock waits: a writer waited for the coalition version's row in "
          f"{counts['version'] / samples:.0%} of {counts['samples']} samples; "
          f"for any lock in {counts['any'] / samples:.0%}")


if __name__ == "__main__":
    main()
