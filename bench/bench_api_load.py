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
import runpy
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import requests
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from open_loop import open_loop  # noqa: E402
from process_cpu import cpu_seconds, cpu_used, print_cpu_per_request, process_groups  # noqa: E402

from databases import scratch_database  # noqa: E402  (the test suite's scratch databases)

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


def gunicorn_settings() -> str:
    """How the workers serve, from the project's gunicorn.conf.py (gunicorn's defaults
    where it says nothing)."""
    path = ROOT / "gunicorn.conf.py"
    settings = runpy.run_path(str(path)) if path.exists() else {}
    return (f"worker class {settings.get('worker_class', 'sync')}, "
            f"threads {settings.get('threads', 1)}, keepalive {settings.get('keepalive', 2)} s")


def token(base: str, email: str) -> dict:
    response = requests.post(f"{base}/api/v1/tokens", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def load_paths(rate: float, seconds: float, people: list[int]) -> list[str]:
    """The requests of a run, in order: half matches (per person, with and without a
    domain), half offer lists."""
    rng = random.Random(0)
    paths = []
    for _ in range(int(rate * seconds)):
        if rng.random() < 0.5:
            domain = rng.choice(["", "?domain=taal", "?domain=werk"])
            paths.append(f"/api/v1/inburgeraars/{rng.choice(people)}/matches{domain}")
        else:
            paths.append(rng.choice(["/api/v1/offers", "/api/v1/offers?domain=taal"]))
    return paths


def warm_up(base: str, headers: dict, paths: list[str], workers: int) -> int:
    """Ask every distinct path of the run many times at once, so that each worker has
    built its Matcher and cached each answer (a worker's first ranking of a person takes
    a few milliseconds, its Matcher about a second): the run measures the steady state
    between two changes. Returns how many requests that took."""
    distinct = sorted(set(paths))
    # With k tries spread over w workers a worker misses a path with chance (1 - 1/w)^k.
    rounds = 3 * workers
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        list(pool.map(lambda path: requests.get(base + path, headers=headers),
                      distinct * rounds))
    return len(distinct) * rounds


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
            paths = load_paths(args.rate, args.seconds, people)
            warmed = warm_up(base, headers, paths, args.workers)
            database = make_url(url).database
            before = cpu_seconds(process_groups(server_pid, database))
            load_before = os.getloadavg()[0]
            found = open_loop(urlsplit(base).hostname, urlsplit(base).port, paths, args.rate,
                              headers)
            used = cpu_used(before, cpu_seconds(process_groups(server_pid, database)))
    report(args, found, used, warmed, load_before)


def report(args, found, used, warmed: int, load_before: float) -> None:
    latencies = sorted(found.latencies)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(0.99 * (len(latencies) - 1))] * 1000
    print(f"server:     gunicorn, {args.workers} workers ({gunicorn_settings()}); "
          f"PostgreSQL; warmed with {warmed} requests (every path, each worker)")
    print(f"requests:   {len(latencies)} in {found.wall:.1f} s "
          f"({len(latencies) / found.wall:.1f} requests/s; target rate {args.rate:.0f})")
    print(f"latency:    p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print(f"errors:     {len(found.errors)}")
    print_cpu_per_request(used, len(latencies))
    load = os.getloadavg()
    print(f"machine:    {os.cpu_count()} cores; load average {load_before:.1f} before the run, "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) after")
    verdict = "met" if p99 <= 50 and not found.errors else "NOT met"
    print(f"target:     p99 <= 50 ms and 0 errors at {args.rate:.0f} requests/s: {verdict}")


if __name__ == "__main__":
    main()
