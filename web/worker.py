"""``flask --app wsgi worker``: delivers the outbox, expires referrals, sends the day-10 reminders.

A long-running process beside the web server (``make run`` starts it; see
docs/operations.md for a deployment). Several may run at once: claiming is
exclusive (``models.outbox.claim``), expiry skips rows another run locked,
and a reminder is one outbox row per referral and recipient.

Each mail is marked sent in its own short transaction right after the mail
server accepted it, so a worker killed mid-batch loses at most the lease of
the mails it had not finished; they are claimed again when it runs out. A
worker stopped gracefully (SIGTERM, SIGINT) finishes the mail in hand and
hands the rest back at once, without counting an attempt. It writes a
heartbeat (``models.mail_health``), so a stalled worker shows on ``/health``
and on the coordinator's overview, and it deletes sent and failed mails
after ``WEGWIJS_OUTBOX_RETENTION_DAYS``.
"""

import logging
import os
import signal
import smtplib
import socket
import time
import uuid
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from models.base import now_utc
from models.database import reads_only
from models.mail_health import HEARTBEAT_SECONDS, beat, forget_silent_workers
from models.notifications import send_reminders
from models.outbox import (
    OutboxMail,
    claim,
    clean_outbox,
    mark_failed,
    mark_sent,
    release,
    still_mine,
)
from models.referral_service import expire_referrals
from models.unit_of_work import UnitOfWork
from web.extensions import db
from web.mailer import build_message, permanent_refusal, transport_for

log = logging.getLogger("wegwijs.worker")


class Worker:
    """One worker's state: its name, its settings, when its periodic jobs last ran."""

    def __init__(self, config: dict, instance_path: str):
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.smtp_url = config.get("WEGWIJS_SMTP_URL")
        self.instance_path = instance_path
        self.sender = config["WEGWIJS_MAIL_FROM"]
        self.public_url = config["WEGWIJS_PUBLIC_URL"]
        self.lease = timedelta(seconds=config["WEGWIJS_MAIL_LEASE_SECONDS"])
        self.retry_base = config["WEGWIJS_MAIL_RETRY_SECONDS"]
        self.batch = config["WEGWIJS_MAIL_BATCH"]
        self.jobs_every = config["WEGWIJS_WORKER_JOBS_SECONDS"]
        self.retention = timedelta(days=config["WEGWIJS_OUTBOX_RETENTION_DAYS"])
        self.jobs_last = float("-inf")
        self.beat_last = float("-inf")
        self.stopping = False

    def run_jobs_when_due(self) -> None:
        """Expiry, reminders and the outbox's cleanup, every ``jobs_every`` seconds."""
        if time.monotonic() - self.jobs_last < self.jobs_every:
            return
        with UnitOfWork(db.session):
            expired = expire_referrals(db.session)
        with UnitOfWork(db.session):
            reminded = send_reminders(db.session)
        with UnitOfWork(db.session):
            before = now_utc() - self.retention
            cleaned = clean_outbox(db.session, before=before)
            forget_silent_workers(db.session, before=before)
        if expired or reminded or cleaned:
            log.info("verlopen: %d, herinnerd: %d, opgeruimd: %d",
                     len(expired), len(reminded), cleaned)
        self.jobs_last = time.monotonic()

    def beat_when_due(self) -> None:
        """Tell the database this worker is alive (``models.mail_health``)."""
        if time.monotonic() - self.beat_last < HEARTBEAT_SECONDS:
            return
        with UnitOfWork(db.session):
            beat(db.session, worker=self.name, now=now_utc())
        self.beat_last = time.monotonic()

    def deliver(self) -> int:
        """Claim one batch of due mails and hand them over; returns how many went out."""
        now = now_utc()
        if not self._anything_due(now):
            return 0
        claimed_at = time.monotonic()
        with UnitOfWork(db.session):
            claimed = claim(db.session, worker=self.name, now=now, lease=self.lease,
                            limit=self.batch)
            work = [(m.id, m.attempts, build_message(m, sender=self.sender,
                                                      public_url=self.public_url))
                    for m in claimed]
        if not work:
            return 0
        sent = 0
        try:
            with transport_for(self.smtp_url, self.instance_path) as transport:
                for index, (mail_id, attempts, message) in enumerate(work):
                    if self.stopping:
                        # Not tried, so not an attempt: a restart must not use mails up.
                        with UnitOfWork(db.session):
                            release(db.session, [m for m, _, _ in work[index:]],
                                    worker=self.name)
                        break
                    # Within the first half of the lease the mail is surely still ours;
                    # after that ask the database (another worker may have taken it).
                    fresh = time.monotonic() - claimed_at < self.lease.total_seconds() / 2
                    if not fresh and not self._still_mine(mail_id):
                        continue
                    try:
                        transport.send(message)
                    except smtplib.SMTPServerDisconnected:
                        self._retry_later(work[index:], "verbinding verbroken")
                        raise
                    except smtplib.SMTPException as error:  # the server answered: a refusal
                        refusal = permanent_refusal(error)
                        self._failed(mail_id, attempts, f"geweigerd: {refusal}" if refusal
                                     else repr(error), permanent=refusal is not None)
                        continue
                    except OSError:  # after SMTPException, which is one too
                        self._retry_later(work[index:], "verbinding verbroken")
                        raise
                    with UnitOfWork(db.session):
                        mark_sent(db.session, mail_id, worker=self.name, now=now_utc())
                    sent += 1
        except (smtplib.SMTPException, OSError) as error:
            if sent == 0 and not isinstance(error, smtplib.SMTPServerDisconnected):
                # Could not even connect: every claimed mail waits for the next try.
                self._retry_later(work, f"mailserver onbereikbaar: {error!r}")
            log.warning("mailserver: %r", error)
        return sent

    def _anything_due(self, now) -> bool:
        # A read that takes no write lock on SQLite, so an idle worker never blocks the portal.
        token = reads_only.set(True)
        try:
            with UnitOfWork(db.session):
                return bool(db.session.scalar(
                    select(func.count()).select_from(OutboxMail).where(
                        OutboxMail.status == "pending", OutboxMail.next_attempt_at <= now,
                        (OutboxMail.claimed_until.is_(None)) | (OutboxMail.claimed_until < now),
                    )
                ))
        finally:
            reads_only.reset(token)

    def _still_mine(self, mail_id: int) -> bool:
        token = reads_only.set(True)
        try:
            with UnitOfWork(db.session):
                return still_mine(db.session, mail_id, worker=self.name, now=now_utc())
        finally:
            reads_only.reset(token)

    def _failed(self, mail_id: int, attempts: int, error: str, permanent: bool = False) -> None:
        with UnitOfWork(db.session):
            mark_failed(db.session, mail_id, attempts, worker=self.name, now=now_utc(),
                        error=error, retry_base=self.retry_base, permanent=permanent)

    def _retry_later(self, work: list, error: str) -> None:
        """The server could not be reached: an attempt each, tried again after the backoff."""
        for mail_id, attempts, _ in work:
            if self._still_mine(mail_id):
                self._failed(mail_id, attempts, error)


@click.command("worker")
@click.option("--once", is_flag=True, help="One round (jobs and one batch), then stop.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver the outbox, expire referrals after 14 days and remind on day 10; until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    worker = Worker(current_app.config, current_app.instance_path)
    poll = current_app.config["WEGWIJS_WORKER_POLL_SECONDS"]

    def stop(_signum, _frame):
        worker.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Worker {worker.name}: mail via "
               f"{'SMTP' if worker.smtp_url else current_app.instance_path + '/mail'}")
    while not worker.stopping:
        try:
            worker.beat_when_due()
            worker.run_jobs_when_due()
            sent = worker.deliver()
        except Exception:  # the database away for a moment must not end the worker
            log.exception("ronde mislukt; opnieuw over %s s", poll)
            db.session.rollback()
            sent = 0
        if once:
            break
        if not sent:
            time.sleep(poll)
    db.session.remove()
