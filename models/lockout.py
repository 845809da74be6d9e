"""Account lockout: after ``LOCKOUT_AFTER`` failed logins in a row an account is locked.

The per-email throttle (models/sign_in.py, which also counts the failures here) slows
guessing to ten tries a minute; the lockout stops a slow, patient guesser: once locked, no password
is checked until ``LOCKOUT_DURATION`` has passed, the coordinator unlocks the
account, or its person sets a new password by a reset link. ``is_active``
stays as it is: a lock is not a deactivation.

While locked, the answer is the one for a wrong password, whatever the
password: guessing on during the lock teaches nothing, and the answer does
not tell that the email has an account (an unknown email is never locked).
The person learns of the lock by mail, sent when it begins.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import access
from models.account import User
from models.account_events import CLI, Origin, record_event
from models.base import now_utc
from models.errors import Forbidden, NotFound
from models.outbox import Recipient, enqueue

LOCKOUT_AFTER = 10
LOCKOUT_DURATION = timedelta(minutes=30)


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and _aware(user.locked_until) > now


def mail_locked(session: Session, user: User, until: datetime) -> None:
    """Tell the person their account is locked: the sign-in page does not (it would tell
    anyone that the email has an account)."""
    enqueue(
        session, kind="account", event_key=f"locked-{user.id}-{until.timestamp():.0f}",
        recipients=[Recipient(user.id, user.email)],
        subject="Uw account in Wegwijs is tijdelijk geblokkeerd",
        body=(
            f"Er is {LOCKOUT_AFTER} keer op rij geprobeerd met een verkeerd wachtwoord of een "
            "verkeerde code op uw account in te loggen. Daarom is het een half uur "
            "geblokkeerd: tot dan lukt inloggen niet, ook niet met het goede wachtwoord.\n\n"
            "Was u dit zelf, wacht dan een half uur, vraag de coördinator het account te "
            "deblokkeren of stel een nieuw wachtwoord in via 'Wachtwoord vergeten'. Was u "
            "dit niet, meld het dan de coördinator."
        ),
        path="/wachtwoord-vergeten",
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
