"""Use cases for accounts."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.account import User
from models.passwords import verify_password


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, else None.

    Takes as long for an unknown email as for a wrong password, so the answer
    does not tell which emails exist.
    """
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    valid = verify_password(user.password_hash if user else None, password)
    return user if valid and user.is_active else None
