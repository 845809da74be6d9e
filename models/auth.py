"""API tokens (and API keys) and failed logins: the state of authentication, kept in the database.

Workers share nothing but the database, so a token issued by one worker is
valid in all, and the login throttle counts the failures of every worker.
"""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.account import User
from models.base import Base, now_utc


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # An API key for a partner's system (models/api_keys.py) has a name; a login token none.
    name: Mapped[str | None] = mapped_column(String(100))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """One failed (or still running) login for an email, for the throttle."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unknown emails count too, so the throttle does not reveal which exist.
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
