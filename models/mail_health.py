"""Is mail moving? The worker's heartbeat and the age of the oldest unsent mail.

A stalled worker sends nothing and says nothing, so it writes a heartbeat
(``beat``, at most every ``HEARTBEAT_SECONDS``: an idle worker must not
take SQLite's write lock every poll). ``mail_figures`` gives both ages, for
``GET /health`` and the coordinator's overview, which warns when the oldest
unsent mail has waited longer than ``STUCK_AFTER``.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, String, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.outbox import OutboxMail

HEARTBEAT_SECONDS = 30
# Longer than a few retries' backoff: a mail this old means the worker, or the server, is stuck.
STUCK_AFTER = timedelta(minutes=15)


class WorkerHeartbeat(Base):
    """When each running worker (``web.worker.Worker.name``) last went round its loop."""

    __tablename__ = "worker_heartbeat"

    worker: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def beat(session: Session, *, worker: str, now: datetime) -> None:
    """Record that ``worker`` is alive at ``now``; the caller commits."""
    updated = session.execute(
        update(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker).values(beat_at=now)
    )
    if not updated.rowcount:  # each worker has its own row, so no other inserts this one
        session.execute(insert(WorkerHeartbeat).values(worker=worker, beat_at=now))


def forget_silent_workers(session: Session, *, before: datetime) -> int:
    """Drop the heartbeats of workers silent since ``before`` (stopped long ago)."""
    return session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < before)).rowcount


@dataclass(frozen=True)
class MailFigures:
    oldest_unsent: timedelta | None  # None: nothing waits
    last_heartbeat: timedelta | None  # None: no worker ever beat

    @property
    def stuck(self) -> bool:
        return self.oldest_unsent is not None and self.oldest_unsent > STUCK_AFTER


def mail_figures(session: Session, *, now: datetime) -> MailFigures:
    oldest = session.scalar(
        select(func.min(OutboxMail.created_at)).where(OutboxMail.status == "pending"))
    newest_beat = session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    return MailFigures(_age(now, oldest), _age(now, newest_beat))


def _age(now: datetime, then: datetime | None) -> timedelta | None:
    if then is None:
        return None
    if then.tzinfo is None:  # SQLite hands back naive UTC
        then = then.replace(tzinfo=UTC)
    return max(now - then, timedelta(0))
