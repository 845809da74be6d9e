"""Configuration from the environment; see the table in docs/running.md."""

import os
import secrets
import time
from pathlib import Path


def from_environment(instance_path: str) -> dict:
    """Settings read from environment variables, with defaults for a local install.

    Without ``SECRET_KEY`` the factory falls back to ``instance_secret_key``.
    """
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "WEGWIJS_DEMO_PASSWORD": os.environ.get("WEGWIJS_DEMO_PASSWORD"),
        # Served over HTTPS (directly or behind a TLS proxy): cookies only over HTTPS.
        "WEGWIJS_HTTPS": os.environ.get("WEGWIJS_HTTPS") == "1",
        # How many proxies in front set X-Forwarded-For; 0 (none) trusts no such header.
        "WEGWIJS_PROXY_COUNT": int(os.environ.get("WEGWIJS_PROXY_COUNT") or 0),
        # Personal data is purged this many days after the traject ended.
        "WEGWIJS_RETENTION_DAYS": int(os.environ.get("WEGWIJS_RETENTION_DAYS") or 730),
        # The allocation proposal keeps places for arrivals like those of the last weeks.
        "WEGWIJS_FORECAST_WEEKS": int(os.environ.get("WEGWIJS_FORECAST_WEEKS") or 4),
        "WEGWIJS_FORECAST_HISTORY_WEEKS": int(
            os.environ.get("WEGWIJS_FORECAST_HISTORY_WEEKS") or 12),
        # Mail (web/mailer.py, web/worker.py): unset SMTP URL → .eml files in instance/mail/.
        "WEGWIJS_SMTP_URL": os.environ.get("WEGWIJS_SMTP_URL") or None,
        "WEGWIJS_MAIL_FROM": os.environ.get("WEGWIJS_MAIL_FROM") or "wegwijs@localhost",
        "WEGWIJS_PUBLIC_URL": os.environ.get("WEGWIJS_PUBLIC_URL") or "http://127.0.0.1:8000",
        # Portal sessions end after this long without a request, and this long in all.
        "WEGWIJS_SESSION_IDLE_MINUTES": float(os.environ.get("WEGWIJS_SESSION_IDLE_MINUTES") or 30),
        "WEGWIJS_SESSION_MAX_HOURS": float(os.environ.get("WEGWIJS_SESSION_MAX_HOURS") or 12),
        **worker_settings(),
    }


def worker_settings() -> dict:
    """The worker's pace; the defaults suit production, tests shorten them."""
    def number(name: str, default: float) -> float:
        return float(os.environ.get(name) or default)

    return {
        "WEGWIJS_WORKER_POLL_SECONDS": number("WEGWIJS_WORKER_POLL_SECONDS", 1),
        "WEGWIJS_WORKER_JOBS_SECONDS": number("WEGWIJS_WORKER_JOBS_SECONDS", 60),
        "WEGWIJS_MAIL_LEASE_SECONDS": number("WEGWIJS_MAIL_LEASE_SECONDS", 300),
        "WEGWIJS_MAIL_RETRY_SECONDS": number("WEGWIJS_MAIL_RETRY_SECONDS", 5),
        "WEGWIJS_MAIL_BATCH": int(number("WEGWIJS_MAIL_BATCH", 50)),
        # Sent and failed mails are deleted this many days later.
        "WEGWIJS_OUTBOX_RETENTION_DAYS": number("WEGWIJS_OUTBOX_RETENTION_DAYS", 30),
    }


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'wegwijs.sqlite'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret_key(instance_path: str) -> str:
    """The install's own secret key, generated on first use and kept in the instance folder.

    Several gunicorn workers may start at once: the first to create the file
    wins, the others read what it wrote.
    """
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_hex(32))
    return _read_key(path)


def _read_key(path: Path) -> str:
    # A worker that lost the race may read before the winner has written.
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: remove it and start again")
