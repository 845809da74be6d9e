"""Helpers for the end-to-end tests: free ports and prepared databases."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade

from seeds.geography import load_geography
from web import create_app
from web.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(url: str, load=None) -> None:
    """Migrate ``url`` to head, load the geography, then ``load(session)`` if given."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "e2e"})
    with app.app_context():
        upgrade()
        load_geography(db.session)
        if load is not None:
            load(db.session)
        db.session.remove()
        db.engine.dispose()


def proc_name(port: int) -> str:
    """The name gunicorn's processes carry: in their title where setproctitle is installed
    (mutmut brings it), in their command line where it is not."""
    return f"wegwijs-test-{port}"


@contextmanager
def gunicorn(database_url: str, log_path: Path, workers: int = 2, env: dict | None = None):
    """gunicorn on a free loopback port against ``database_url``; yields the base URL.

    Waits until ``/health`` answers and stops the server on leaving.
    """
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "e2e-secret-key",
               **(env or {})}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--name", proc_name(port), "wsgi:app"],
            cwd=PROJECT_ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            yield _wait_for_health(process, f"http://127.0.0.1:{port}", log)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_health(process, base: str, log) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if requests.get(base + "/health", timeout=1).status_code == 200:
                return base
        except requests.RequestException:
            pass
        time.sleep(0.2)
    log.flush()
    pytest.fail(f"gunicorn did not come up:\n{Path(log.name).read_text()[-3000:]}")
