"""End-to-end fixtures: a real gunicorn serving the app over loopback HTTP.

``live_server(database_url, workers=...)`` starts gunicorn on a free port of
127.0.0.1 against that database, waits until ``/health`` answers, and
returns the base URL; every server started is stopped after the test.
The database must be migrated already (see ``prepare_database``).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from e2e.live import PROJECT_ROOT, STARTUP_SECONDS, free_port


@pytest.fixture
def live_server(tmp_path):
    started = []

    def start(database_url: str, workers: int = 2, env: dict | None = None) -> str:
        port = free_port()
        log = open(tmp_path / f"gunicorn-{port}.log", "w")  # noqa: SIM115 (closed below)
        environ = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "e2e-secret-key",
            **(env or {}),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=PROJECT_ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        base = f"http://127.0.0.1:{port}"
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

    yield start
    for process, log in started:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
