"""Account lockout: after ``LOCKOUT_AFTER`` failed logins in a row an account is locked.

The per-email throttle (models/sign_in.py, which also counts the failures here) slows
guessing to ten tries a minute; the lockout stops a slow, patient guesser: once locked, no password
is checked until ``LOCKOUT_DURATION`` has passed or the coordinator unlocks
the account. ``is_active`` stays as it is: a lock is not a deactivation.

While locked, the answer is the same whatever the password, so guessing on
during the lock teaches nothing.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import access
from models.account import User
from models.account_events import CLI, Origin, record_event
from models.base import now_utc
from models.errors import DomainError, Forbidden, NotFound

LOCKOUT_AFTER = 10
LOCKOUT_DURATION = timedelta(minutes=30)


class AccountLocked(DomainError):
    """Too many failed logins in a row: the account is locked for a while."""


def check_not_locked(user: User, now: datetime) -> None:
    if user.locked_until is not None and _aware(user.locked_until) > now:
        raise AccountLocked(
            "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen om in te loggen. "
            "Probeer het over een half uur opnieuw of vraag de coördinator het te deblokkeren."
        )


def record_success(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None


def locked_accounts(session: Session) -> list[User]:
    """The accounts locked now, by email: what the coordinator may unlock."""
    return list(session.scalars(
        select(User).where(User.locked_until > now_utc()).order_by(User.email)
    ))


def unlock_account(session: Session, *, actor_id: int | None, user_id: int,
                   origin: Origin = CLI) -> User:
    """The coordinator (or an operator at the command line: ``actor_id=None``) unlocks."""
    if actor_id is not None and access.get_actor(session, actor_id).role != "coordinator":
        raise Forbidden("Alleen de coördinator deblokkeert accounts.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Dit account bestaat niet.")
    record_success(user)
    record_event(session, "unlocked", origin, actor_id=actor_id, user_id=user.id)
    session.flush()
    return user


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they are stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
