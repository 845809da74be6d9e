"""Reads on ``make run``'s default (SQLite, 2 gunicorn workers) while a write is under way.

A separate process holds SQLite's write lock for ``--hold`` seconds, as a long
write (an HSDS import, the demo seed) would. Meanwhile one client per route
sends requests one after the other: ``GET /api/v1/offers`` and ``GET
/hsds/services`` (reads only) and ``GET /api/v1/inburgeraars`` (which writes
access-log rows, so it waits for the lock like any write). Prints, per route,
how many requests were sent during the hold and their latencies. Loopback
only; a scratch database in a temp folder.

    .venv/bin/python bench/bench_sqlite_reads_during_write.py [--hold 3] [--code DIR]

``--code`` runs gunicorn from another checkout (e.g. the code before reads
began DEFERRED) against the same seeded database, for comparison.
"""

import argparse
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-wachtwoord-lezen"
ROUTES = ("/api/v1/offers", "/hsds/services", "/api/v1/inburgeraars")


def seed(url: str) -> None:
    from flask_migrate import upgrade

    from seeds.demo import load_demo
    from seeds.geography import load_geography
    from web import create_app
    from web.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        load_geography(db.session)
        load_demo(db.session, password=PASSWORD)
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(code: Path, database: Path, workers: int):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/health", timeout=10).status_code == 200:
                return process, base
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    process.kill()
    sys.exit("gunicorn did not start")


def measure(base: str, database: Path, hold: float) -> dict[str, list[float]]:
    token = requests.post(f"{base}/api/v1/tokens", timeout=30, json={
        "email": "coordinator@wegwijs.example", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for route in ROUTES:  # warm both workers' caches before measuring
        for _ in range(4):
            requests.get(f"{base}{route}", headers=headers, timeout=60)
    locked = threading.Event()

    def write():
        writer = sqlite3.connect(database, isolation_level=None, timeout=30)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE offer SET title = title")
        locked.set()
        time.sleep(hold)
        writer.execute("COMMIT")
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    locked.wait()
    lock_ends = time.monotonic() + hold
    latencies: dict[str, list[float]] = {route: [] for route in ROUTES}

    def client(route: str) -> None:
        # Requests sent while the write is under way; each one's latency, to its answer.
        while (started := time.monotonic()) < lock_ends:
            response = requests.get(f"{base}{route}", headers=headers, timeout=60)
            response.raise_for_status()
            latencies[route].append(time.monotonic() - started)

    clients = [threading.Thread(target=client, args=(route,)) for route in ROUTES]
    for each in clients:
        each.start()
    for each in [*clients, thread]:
        each.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=3.0, help="seconds the write lock is held")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to serve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "wegwijs.sqlite"
        seed(f"sqlite:///{database}")
        served = Path(tmp) / "served.sqlite"
        shutil.copy(database, served)
        process, base = serve(args.code, served, args.workers)
        try:
            latencies = measure(base, served, args.hold)
        finally:
            process.terminate()
            process.wait(30)
    print(f"write lock held {args.hold:.1f} s; {args.workers} gunicorn workers; code {args.code}")
    for route, values in latencies.items():
        if values:
            print(f"{route:24} sent during the write: {len(values):4d}   "
                  f"median {statistics.median(values) * 1000:7.1f} ms   "
                  f"max {max(values) * 1000:7.1f} ms")
        else:
            print(f"{route:24} sent during the write:    0")


if __name__ == "__main__":
    main()
