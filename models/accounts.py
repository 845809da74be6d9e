"""Use cases for accounts."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.account import User
from models.auth import ApiToken
from models.base import now_utc
from models.errors import InvalidInput, NotFound
from models.lockout import check_not_locked, record_failure, record_success
from models.passwords import hash_password, password_problems, verify_password


def authenticate(
    session: Session, email: str, password: str, now: datetime | None = None
) -> User | None:
    """The active user with this email and password, else None.

    Takes as long for an unknown email as for a wrong password, so the answer
    does not tell which emails exist. Counts a wrong password against the
    account and raises ``AccountLocked`` while it is locked (models/lockout.py);
    the caller commits.
    """
    now = now or now_utc()
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_active:
        return None
    check_not_locked(user, now)
    if not valid:
        record_failure(user, now)
        return None
    record_success(user)
    return user


def change_password(
    session: Session,
    *,
    user_id: int,
    current_password: str,
    new_password: str,
    now: datetime | None = None,
) -> User:
    """The user changes their own password; every API token of theirs is revoked.

    Raises InvalidInput naming ``current_password`` or ``new_password``.
    The caller's unit of work commits (models/unit_of_work.py).
    """
    now = now or now_utc()
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound("Dit account bestaat niet.")
    if not verify_password(user.password_hash, current_password):
        message = "Het huidige wachtwoord klopt niet."
        raise InvalidInput(message, [{"field": "current_password", "message": message}])
    problems = password_problems(new_password, user.email)
    if problems:
        raise InvalidInput(
            "Het nieuwe wachtwoord voldoet niet aan de regels.",
            [{"field": "new_password", "message": problem} for problem in problems],
        )
    user.password_hash = hash_password(new_password)
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.flush()
    return user
