"""Mailed links: an invitation (valid 72 hours) and a password reset (1 hour), each usable once.

The link carries 256 random bits; only their SHA-256 is stored. A new link
of the same purpose ends the earlier ones. Using a link is a guarded UPDATE
(``used_at IS NULL``), so two tabs submitting the same link cannot both win.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.account_security import AccountLink
from models.base import now_utc
from models.errors import DomainError

LIFETIME = {"invitation": timedelta(hours=72), "reset": timedelta(hours=1)}
PATHS = {"invitation": "/uitnodiging/", "reset": "/wachtwoord-herstellen/"}


class InvalidLink(DomainError):
    """Unknown, expired, replaced or already used: the same message for all."""


def new_link(session: Session, user_id: int, purpose: str, now: datetime | None = None
             ) -> tuple[int, str]:
    """A fresh link for the user: its id and its path (with the secret); earlier links of
    the purpose end."""
    now = now or now_utc()
    end_links(session, user_id, purpose, now)
    secret = secrets.token_urlsafe(32)
    link = AccountLink(user_id=user_id, purpose=purpose, token_hash=_digest(secret),
                       expires_at=now + LIFETIME[purpose])
    session.add(link)
    session.flush()
    return link.id, PATHS[purpose] + secret


def end_links(session: Session, user_id: int, purpose: str, now: datetime | None = None) -> None:
    session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user_id, AccountLink.purpose == purpose,
               AccountLink.used_at.is_(None))
        .values(used_at=now or now_utc())
        .execution_options(synchronize_session=False)
    )


def valid_link(session: Session, secret: str, purpose: str, now: datetime | None = None
               ) -> AccountLink:
    """The link while it works; raises ``InvalidLink`` otherwise."""
    now = now or now_utc()
    link = session.scalars(select(AccountLink).where(
        AccountLink.token_hash == _digest(secret), AccountLink.purpose == purpose)).first()
    if link is None or link.used_at is not None or _aware(link.expires_at) <= now:
        raise InvalidLink(
            "Deze link werkt niet (meer): hij is verlopen, al gebruikt of vervangen door een "
            "nieuwere. Vraag een nieuwe aan."
        )
    return link


def use_link(session: Session, secret: str, purpose: str, now: datetime | None = None
             ) -> AccountLink:
    """Take the link: valid, and used from now on (once, even under concurrency)."""
    now = now or now_utc()
    link = valid_link(session, secret, purpose, now)
    taken = session.execute(
        update(AccountLink).where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise InvalidLink("Deze link is al gebruikt.")
    return link


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
