"""Portal sessions kept on the server, so that signing out (or a deactivation) ends a session
for good, not only in the browser that asked.

The portal's cookie is signed, not stored: without a record here, a copy of
the cookie taken before signing out (from a shared computer, a proxy's log,
a backup of a browser profile) went on working until its idle time ran out,
and a deactivated account's sessions came back when it was reactivated. The
cookie carries 256 random bits; only their SHA-256 is stored, as for tokens.

How long a session lasts (idle and in all) stays with the cookie's clock
(web/portal/security.py): every copy of a cookie is at least as old as the
newest, so no copy outlives it. This record decides only whether the session
was ended.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, now_utc


class PortalSession(Base):
    """One signed-in browser; open until ``ended_at``."""

    __tablename__ = "portal_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def open_session(session: Session, user_id: int, *, forget_after: timedelta,
                 now: datetime | None = None) -> str:
    """A new session for the account: the secret for the cookie. Rows of this account older
    than ``forget_after`` (the longest a session can last) are no longer needed and go."""
    now = now or now_utc()
    session.execute(delete(PortalSession).where(
        PortalSession.user_id == user_id, PortalSession.created_at < now - forget_after))
    secret = secrets.token_urlsafe(32)
    session.add(PortalSession(user_id=user_id, token_hash=_digest(secret), created_at=now))
    session.flush()
    return secret


def is_open(session: Session, user_id: int, secret: str | None) -> bool:
    """Whether the cookie's session was opened for this account and not ended since."""
    if not secret:
        return False
    return session.scalar(select(PortalSession.id).where(
        PortalSession.token_hash == _digest(secret), PortalSession.user_id == user_id,
        PortalSession.ended_at.is_(None))) is not None


def end_session(session: Session, secret: str | None, *, now: datetime | None = None) -> None:
    if not secret:
        return
    session.execute(
        update(PortalSession)
        .where(PortalSession.token_hash == _digest(secret), PortalSession.ended_at.is_(None))
        .values(ended_at=now or now_utc())
        .execution_options(synchronize_session=False)
    )


def end_all_sessions(session: Session, user_id: int, *, now: datetime | None = None) -> None:
    """Every open session of the account ends: deactivation, a new password."""
    session.execute(
        update(PortalSession)
        .where(PortalSession.user_id == user_id, PortalSession.ended_at.is_(None))
        .values(ended_at=now or now_utc())
        .execution_options(synchronize_session=False)
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
