"""Signing in: the throttle, the password, the second factor, the lockout, the record.

The portal and the API's tokens sign in through here, so one set of rules
holds for both doors. A sign-in is three short units of work, never one
long one:

1. the attempt is recorded (a ``login_failure`` row, until it succeeds) and
   committed, so that attempts arriving at once see each other; the
   throttle then counts the committed rows of the last minute;
2. the account is read, and the password hash (Argon2id, ~0.15 s) is
   computed outside any transaction: no write lock is held through it;
3. the outcome is written: on success the attempt row goes, the count of
   failures in a row restarts and the sign-in is recorded; on failure the
   count goes up with one ``UPDATE ... SET n = n + 1`` (exact however many
   fail at once) and the failed sign-in is recorded. A TOTP or recovery
   code is taken in this transaction with a guarded UPDATE, so a code works
   once even when two requests carry it at the same moment.

The answer to a wrong email, password or code is the same, so it does not
tell which emails exist or which part was wrong.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models.account import User
from models.account_events import Origin, record_event
from models.auth import LoginFailure
from models.base import now_utc
from models.coalition import Partner
from models.database import reads_only
from models.errors import DomainError
from models.lockout import LOCKOUT_AFTER, LOCKOUT_DURATION, is_locked, mail_locked
from models.passwords import verify_password
from models.second_factor import has_second_factor, take_code
from models.unit_of_work import UnitOfWork

THROTTLE_WINDOW = timedelta(minutes=1)
MAX_FAILURES = 10
WRONG = "Het e-mailadres, het wachtwoord of de code klopt niet."

# Checks a second factor inside the outcome's transaction: (session, user, now) -> taken?
FactorCheck = Callable[[Session, User, datetime], bool]


class InvalidCredentials(DomainError):
    """Wrong email, password or second factor; the same message whichever."""


class TooManyAttempts(DomainError):
    """More than ``MAX_FAILURES`` failed sign-ins for one email within ``THROTTLE_WINDOW``."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after  # seconds


@dataclass(frozen=True)
class SignIn:
    """A password that checked out; ``complete`` once the second factor did too (or none is set)."""

    user_id: int
    complete: bool


def code_check(code: str | None) -> FactorCheck:
    """The check of a TOTP or recovery code typed by the person."""
    return lambda session, user, now: take_code(session, user, code, now)


def sign_in(
    session: Session,
    email: str,
    origin: Origin,
    *,
    password: str | None,
    factor: FactorCheck | None = None,
    now: datetime | None = None,
) -> SignIn:
    """Check a sign-in; raises ``TooManyAttempts`` or ``InvalidCredentials`` (a locked
    account too, so that the answer does not tell that the email has one).

    ``password=None`` only for the portal's second step, after the password
    was checked in the first. Without ``factor`` an account with a second
    factor gets ``complete=False``: the portal then asks the factor; the API
    treats it as wrong credentials. Each step commits its own unit of work.
    """
    now = now or now_utc()
    email = email.strip().lower()
    with UnitOfWork(session):
        attempt_id = _record_attempt(session, email, now)
    try:
        with _reading(session):
            _check_throttle(session, email, attempt_id, now)
            user = session.scalars(select(User).where(User.email == email)).first()
            user_id, password_hash = (user.id, user.password_hash) if user else (None, None)
    except TooManyAttempts:
        with UnitOfWork(session):
            session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))
        raise
    # Outside any transaction; costs the same for an unknown email.
    password_ok = password is None or verify_password(password_hash, password)
    with UnitOfWork(session):
        outcome = _outcome(session, email, user_id, password_ok, factor, now,
                           origin, attempt_id)
    if outcome is None:
        raise InvalidCredentials(WRONG)
    return outcome


def _outcome(session, email, user_id, password_ok, factor, now, origin, attempt_id):
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not can_sign_in(session, user):
        record_event(session, "signin_failed", origin, email=email, user_id=user_id)
        return None
    if is_locked(user, now):
        record_event(session, "signin_failed", origin, email=email, user_id=user.id,
                     detail="geblokkeerd")
        return None
    needs_factor = has_second_factor(session, user)
    factor_ok = not needs_factor or (factor is not None and factor(session, user, now))
    if not password_ok or (factor is not None and not factor_ok):
        _count_failure(session, user.id, now)
        record_event(session, "signin_failed", origin, email=email, user_id=user.id)
        return None
    session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))
    if not factor_ok:  # the password is right; the portal asks the factor next
        return SignIn(user.id, complete=False)
    session.execute(
        update(User).where(User.id == user.id)
        .values(failed_logins=0, locked_until=None, last_login_at=now)
        .execution_options(synchronize_session=False)
    )
    record_event(session, "signin", origin, email=email, user_id=user.id)
    return SignIn(user.id, complete=True)


def record_sign_out(session: Session, user_id: int, origin: Origin, *, expired: bool) -> None:
    """Note that a session ended: signed out by its owner, or expired (idle or too old)."""
    record_event(session, "session_expired" if expired else "signout", origin, user_id=user_id)


def can_sign_in(session: Session, user: User) -> bool:
    """Active, with a password of their own, and not of a deactivated partner."""
    if not user.is_active or not user.password_hash:
        return False
    if user.partner_id is None:
        return True
    return bool(session.scalar(select(Partner.active).where(Partner.id == user.partner_id)))


def _count_failure(session: Session, user_id: int, now: datetime) -> None:
    """One more failure in a row, counted by the database; the ``LOCKOUT_AFTER``-th locks."""
    count = session.execute(
        update(User).where(User.id == user_id)
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if count >= LOCKOUT_AFTER:
        session.execute(
            update(User).where(User.id == user_id)
            .values(failed_logins=0, locked_until=now + LOCKOUT_DURATION)
            .execution_options(synchronize_session=False)
        )
        mail_locked(session, session.get(User, user_id), now + LOCKOUT_DURATION)


def _record_attempt(session: Session, email: str, now: datetime) -> int:
    """This attempt counts as a failure until it succeeds; old ones are cleared."""
    since = now - THROTTLE_WINDOW
    session.execute(
        delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.at <= since)
    )
    attempt = LoginFailure(email=email, at=now)
    session.add(attempt)
    session.flush()
    return attempt.id


def _check_throttle(session: Session, email: str, attempt_id: int, now: datetime) -> None:
    recent = session.scalars(
        select(LoginFailure.at)
        .where(LoginFailure.email == email, LoginFailure.at > now - THROTTLE_WINDOW,
               LoginFailure.id != attempt_id)
        .order_by(LoginFailure.at)
    ).all()
    if len(recent) < MAX_FAILURES:
        return
    # The attempt may go ahead once enough of the earlier failures have left the window.
    leaves_at = _aware(recent[len(recent) - MAX_FAILURES]) + THROTTLE_WINDOW
    raise TooManyAttempts(
        "Te veel mislukte pogingen om in te loggen; probeer het over een minuut opnieuw.",
        max(1, math.ceil((leaves_at - now).total_seconds())),
    )


def failures_in_a_row(session: Session, user_id: int) -> int:
    return session.scalar(select(User.failed_logins).where(User.id == user_id))


def recent_attempts(session: Session, email: str) -> int:
    return session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email)
    )


class _reading:
    """A transaction that only reads: DEFERRED on SQLite, so it takes no write lock."""

    def __init__(self, session: Session):
        self.session = session

    def __enter__(self):
        self.token = reads_only.set(True)

    def __exit__(self, *_exc):
        try:
            self.session.rollback()  # ends the read; nothing was written
        finally:
            reads_only.reset(self.token)


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they are stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
