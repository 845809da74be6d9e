"""Use cases for API tokens: log in for a token, check one, revoke one; and the login throttle.

Tokens are 256 random bits; only their SHA-256 is stored (a fast hash is
enough for a secret with that much entropy, unlike a password). The throttle
keeps its count in the database, so it holds across gunicorn workers and
machines: every login first records an attempt and commits it, then counts
the attempts of the last minute, so concurrent logins see each other.
"""

import hashlib
import math
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.account import User
from models.accounts import authenticate
from models.auth import ApiToken, LoginFailure
from models.base import now_utc
from models.errors import DomainError

TOKEN_LIFETIME = timedelta(hours=8)
THROTTLE_WINDOW = timedelta(minutes=1)
MAX_FAILURES = 10


class InvalidCredentials(DomainError):
    """Wrong email or password; the same message either way."""


class TooManyAttempts(DomainError):
    """More than ``MAX_FAILURES`` failed logins for one email within ``THROTTLE_WINDOW``."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after  # seconds


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, email: str, password: str, *, now: datetime | None = None
) -> tuple[str, datetime]:
    """A new token for the user with these credentials, and when it expires.

    Raises ``TooManyAttempts`` before checking the password when the email
    had too many failures, and ``InvalidCredentials`` otherwise on a mismatch.
    """
    now = now or now_utc()
    user = check_credentials(session, email, password, now=now)
    token = secrets.token_urlsafe(32)
    expires_at = now + TOKEN_LIFETIME
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), expires_at=expires_at))
    session.commit()
    return token, expires_at


def check_credentials(
    session: Session, email: str, password: str, *, now: datetime | None = None
) -> User:
    """The user with these credentials, through the throttle and the lockout; commits.

    Raises ``TooManyAttempts`` before checking the password when the email
    had too many failures, ``AccountLocked`` (models/lockout.py) while the
    account is locked, and ``InvalidCredentials`` on a mismatch.
    """
    now = now or now_utc()
    email = email.strip().lower()
    attempt = _record_attempt(session, email, now)
    user = authenticate(session, email, password, now)
    if user is None:
        session.commit()  # the account's count of failures in a row
        raise InvalidCredentials("Het e-mailadres of het wachtwoord klopt niet.")
    session.delete(attempt)
    session.commit()
    return user


def _record_attempt(session: Session, email: str, now: datetime) -> LoginFailure:
    """Record this attempt as a failure until it succeeds; refuse it when over the limit."""
    since = now - THROTTLE_WINDOW
    session.execute(
        delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.at <= since)
    )
    attempt = LoginFailure(email=email, at=now)
    session.add(attempt)
    session.commit()
    recent = session.scalars(
        select(LoginFailure.at)
        .where(LoginFailure.email == email, LoginFailure.at > since, LoginFailure.id != attempt.id)
        .order_by(LoginFailure.at)
    ).all()
    if len(recent) < MAX_FAILURES:
        return attempt
    session.delete(attempt)
    session.commit()
    # The attempt may go ahead once enough of the earlier failures have left the window.
    leaves_at = _aware(recent[len(recent) - MAX_FAILURES]) + THROTTLE_WINDOW
    retry_after = max(1, math.ceil((leaves_at - now).total_seconds()))
    raise TooManyAttempts(
        "Te veel mislukte pogingen om in te loggen; probeer het over een minuut opnieuw.",
        retry_after,
    )


def user_for_token(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The active user of a valid (known, unexpired, unrevoked) token, else None."""
    now = now or now_utc()
    return session.scalars(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == token_digest(token),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
            User.is_active.is_(True),
        )
    ).first()


def revoke_token(session: Session, token: str, *, now: datetime | None = None) -> None:
    """Make the token invalid from now on."""
    query = select(ApiToken).where(ApiToken.token_hash == token_digest(token))
    row = session.scalars(query).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now or now_utc()
        session.commit()


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they are stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
