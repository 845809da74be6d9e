"""The outbox: mails written in the same transaction as the change they report.

A use case adds ``OutboxMail`` rows to its session; the unit of work commits
them with the change or rolls them back with it, so a mail exists exactly
when its change does. The worker (``web/worker.py``) delivers them later:

- **claim**: it takes a batch of due rows and writes a lease (``claimed_until``)
  in a short transaction of its own. On PostgreSQL the rows are read ``FOR
  UPDATE SKIP LOCKED``, so two workers claiming at once take different rows;
  on SQLite a writing transaction holds the whole database (models/database.py).
  A worker that dies leaves a lease that runs out, and the mail is claimed
  again: sent once later.
- **mark**: after the mail server accepted the mail, the row turns ``sent``
  (only while this worker still holds the lease); after a failure it waits
  ``retry_delay(attempts)`` and is tried again, up to ``MAX_ATTEMPTS``; a
  permanent refusal (an SMTP 5xx) turns it ``failed`` at once, with the reason.
- **release**: a worker that stops gracefully hands back the mails it claimed
  but did not try; no attempt is counted, so restarts never use them up.
- **clean**: ``sent`` and ``failed`` rows go after a retention period.

``(event_key, recipient_id)`` is unique, and the Message-ID is derived from it,
so one event never makes two mails for one person, and a receiving server
sees the same Message-ID if a mail is ever handed over again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.account_links import PATHS as LINK_PATHS
from models.base import Base, now_utc
from models.vocabulary import in_set

# The kinds of mail; each user can switch each off (MailOptOut).
MAIL_KINDS = (
    "referral_received", "referral_reminder", "referral_outcome", "waitlist_referred",
    "referral_withdrawn",
    "account",  # invitations, password resets, a changed second factor: never switched off
)
MAIL_STATUSES = ("pending", "sent", "failed")
MAX_ATTEMPTS = 12


class OutboxMail(Base):
    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # What happened, e.g. "referral-12-accepted": with the recipient, the mail's identity.
    event_key: Mapped[str] = mapped_column(String(64))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The portal page the mail links to; the worker puts WEGWIJS_PUBLIC_URL in front.
    path: Mapped[str] = mapped_column(String(200))
    # The referral it is about: the purge of the person deletes the mail (models/subject.py).
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("event_key", "recipient_id"),
        CheckConstraint(in_set("kind", MAIL_KINDS), name="kind"),
        CheckConstraint(in_set("status", MAIL_STATUSES), name="status"),
    )


class MailOptOut(Base):
    """A user who switched one kind of mail off; no row means the mail is wanted."""

    __tablename__ = "mail_opt_out"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)

    __table_args__ = (CheckConstraint(in_set("kind", MAIL_KINDS), name="kind"),)


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str


def enqueue(
    session: Session,
    *,
    kind: str,
    event_key: str,
    recipients: list[Recipient],
    subject: str,
    body: str,
    path: str,
    referral_id: int | None = None,
) -> int:
    """Add one mail per recipient who has not switched ``kind`` off; returns how many."""
    if not recipients:
        return 0
    off = set(
        session.scalars(
            select(MailOptOut.user_id).where(
                MailOptOut.kind == kind, MailOptOut.user_id.in_([r.id for r in recipients])
            )
        )
    )
    wanted = [r for r in recipients if r.id not in off]
    for recipient in wanted:
        session.add(
            OutboxMail(
                kind=kind, event_key=event_key, recipient_id=recipient.id,
                recipient=recipient.email, subject=subject, body=body, path=path,
                referral_id=referral_id,
            )
        )
    return len(wanted)


def message_id(mail: OutboxMail, domain: str) -> str:
    """The same Message-ID every time this event's mail to this person is handed over."""
    return f"<{mail.event_key}.{mail.recipient_id}@{domain}>"


def claim(
    session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int = 50
) -> list[OutboxMail]:
    """Take up to ``limit`` due mails for ``worker`` until ``now + lease``; the caller commits."""
    due = session.scalars(
        select(OutboxMail)
        .where(
            OutboxMail.status == "pending",
            OutboxMail.next_attempt_at <= now,
            (OutboxMail.claimed_until.is_(None)) | (OutboxMail.claimed_until < now),
        )
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for mail in due:
        mail.claimed_by = worker
        mail.claimed_until = now + lease
    session.flush()
    return due


def still_mine(session: Session, mail_id: int, *, worker: str, now: datetime) -> bool:
    """Whether ``worker`` still holds the lease: past it, another worker may send the mail."""
    return session.scalar(
        select(OutboxMail.id).where(
            OutboxMail.id == mail_id,
            OutboxMail.status == "pending",
            OutboxMail.claimed_by == worker,
            OutboxMail.claimed_until > now,
        )
    ) is not None


def _without_secret():
    """The mail's path without a mailed link's secret (an invitation's, a reset's): the link
    is stored as SHA-256 only (models/account_links.py); the outbox holds it while it still
    has to deliver it, and no longer."""
    return case(*((OutboxMail.path.startswith(prefix), prefix) for prefix in LINK_PATHS.values()),
                else_=OutboxMail.path)


def mark_sent(session: Session, mail_id: int, *, worker: str, now: datetime) -> None:
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.claimed_by == worker)
        .values(status="sent", sent_at=now, claimed_until=None,
                attempts=OutboxMail.attempts + 1, last_error=None, path=_without_secret())
    )


def mark_failed(session: Session, mail_id: int, attempts_before: int, *, worker: str,
                now: datetime, error: str, retry_base: float = 5.0,
                permanent: bool = False) -> None:
    """Try again after ``retry_delay``; give up (``failed``) after MAX_ATTEMPTS, or at once
    when the failure is ``permanent``."""
    attempts = attempts_before + 1
    give_up = permanent or attempts >= MAX_ATTEMPTS
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.claimed_by == worker)
        .values(
            attempts=attempts,
            status="failed" if give_up else "pending",
            # A failed mail's next_attempt_at is when it was given up: clean_outbox ages it.
            next_attempt_at=now if give_up else now + retry_delay(attempts, retry_base),
            claimed_until=None,
            last_error=error[:2000],
            **({"path": _without_secret()} if give_up else {}),
        )
    )


def release(session: Session, mail_ids: list[int], *, worker: str) -> None:
    """Hand back mails ``worker`` claimed but did not try: due again now, no attempt counted."""
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.id.in_(mail_ids), OutboxMail.claimed_by == worker,
               OutboxMail.status == "pending")
        .values(claimed_until=None, claimed_by=None)
    )


def clean_outbox(session: Session, *, before: datetime) -> int:
    """Delete the mails sent, or given up, before ``before``; returns how many."""
    result = session.execute(
        delete(OutboxMail).where(
            ((OutboxMail.status == "sent") & (OutboxMail.sent_at < before))
            | ((OutboxMail.status == "failed") & (OutboxMail.next_attempt_at < before))
        )
    )
    return result.rowcount


def retry_delay(attempts: int, base: float = 5.0) -> timedelta:
    """Exponential backoff: 5 s, 10 s, 20 s ... at most an hour.

    >>> [retry_delay(n).total_seconds() for n in (1, 2, 3)]
    [5.0, 10.0, 20.0]
    """
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 3600))
