"""Load benchmark of API v1: real gunicorn (4 workers) on PostgreSQL with the demo data.

Mixes ``GET /api/v1/inburgeraars/{id}/matches`` and ``GET /api/v1/offers`` at a
fixed arrival rate (open loop: request *i* is due at ``i / rate`` seconds,
whether or not earlier ones have returned, and its latency counts from when
it was due), and prints requests/s, p50, p99 and errors. Target: p99 ≤ 50 ms
at 300 requests/s, 0 errors. Loopback traffic only.

    WEGWIJS_BENCH_POSTGRES_URL=postgresql://user:pass@127.0.0.1/postgres \\
        .venv/bin/python bench/bench_api_load.py [--rate 300] [--seconds 30] [--workers 4]

The URL names a server where the role may create databases; the benchmark
makes a scratch database, seeds it, and drops it afterwards.
"""

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlsplit

import requests
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from databases import scratch_database  # noqa: E402  (the test suite's scratch databases)
from process_cpu import cpu_seconds, cpu_used, print_cpu_per_request, process_groups  # noqa: E402

PASSWORD = "bench-wachtwoord-" + uuid.uuid4().hex[:8]


def server_url() -> str:
    url = (os.environ.get("WEGWIJS_BENCH_POSTGRES_URL")
           or os.environ.get("WEGWIJS_TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL"))
    if not url or not url.startswith(("postgres://", "postgresql")):
        sys.exit("Set WEGWIJS_BENCH_POSTGRES_URL to a PostgreSQL server (role with CREATEDB).")
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def seed(url: str) -> None:
    from flask_migrate import upgrade

    from seeds.demo import DEFAULT_SEED, load_demo
    from seeds.demo_history import load_demo_history
    from seeds.geography import load_geography
    from web import create_app
    from web.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        load_geography(db.session)
        load_demo(db.session, password=PASSWORD)
        load_demo_history(db.session, seed=DEFAULT_SEED, today=date.today())
        db.session.remove()
        db.engine.dispose()


@contextmanager
def gunicorn(url: str, workers: int):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not start")
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def token(base: str, email: str) -> dict:
    response = requests.post(f"{base}/api/v1/tokens", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def run_load(base: str, rate: float, seconds: float, headers: dict, people: list[int]):
    rng = random.Random(0)
    total = int(rate * seconds)
    # Half matches (per person, with and without a domain), half offer lists.
    paths = []
    for _ in range(total):
        if rng.random() < 0.5:
            domain = rng.choice(["", "?domain=taal", "?domain=werk"])
            paths.append(f"/api/v1/inburgeraars/{rng.choice(people)}/matches{domain}")
        else:
            paths.append(rng.choice(["/api/v1/offers", "/api/v1/offers?domain=taal"]))
    host, port = urlsplit(base).hostname, urlsplit(base).port
    latencies, errors = [], []
    lock = threading.Lock()
    local = threading.local()
    start = time.perf_counter() + 0.5

    def one(i: int):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        # http.client rather than requests: the load generator shares the 2 cores
        # with the server, so it should spend as little of them as it can.
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = HTTPConnection(host, port, timeout=10)
        try:
            connection.request("GET", paths[i], headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, HTTPException):
            connection.close()
            ok = False
        elapsed = time.perf_counter() - due
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors.append(paths[i])

    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(one, range(total)))
    wall = time.perf_counter() - start
    return latencies, errors, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=300.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to send")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()

    with scratch_database(server_url(), Path(tempfile.gettempdir())) as url:
        seed(url)
        with gunicorn(url, args.workers) as (base, server_pid):
            headers = token(base, "klantmanager.utrecht@wegwijs.example")
            people = [p["id"] for p in requests.get(
                f"{base}/api/v1/inburgeraars", headers=headers).json()["inburgeraars"]]
            # Let every worker build its Matcher (about a second each) before
            # measuring: concurrent requests reach all workers, sequential ones
            # may keep landing on the same one.
            with ThreadPoolExecutor(max_workers=2 * args.workers) as pool:
                list(pool.map(
                    lambda person: requests.get(
                        f"{base}/api/v1/inburgeraars/{person}/matches", headers=headers),
                    people * 2,
                ))
            database = make_url(url).database
            before = cpu_seconds(process_groups(server_pid, database))
            latencies, errors, wall = run_load(base, args.rate, args.seconds, headers, people)
            used = cpu_used(before, cpu_seconds(process_groups(server_pid, database)))

    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(0.99 * (len(latencies) - 1))] * 1000
    print(f"requests:   {len(latencies)} in {wall:.1f} s "
          f"({len(latencies) / wall:.1f} requests/s; target rate {args.rate:.0f})")
    print(f"latency:    p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print(f"errors:     {len(errors)}")
    print_cpu_per_request(used, len(latencies))
    verdict = "met" if p99 <= 50 and not errors else "NOT met"
    print(f"target:     p99 <= 50 ms and 0 errors: {verdict} "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
