"""The record of who changed which partner or account, and of every sign-in, failed or not.

BIO2 asks that changes to rights and every attempt to sign in can be
traced: who, when, from where. One row per event; like the access log
(models/audit.py) the application only adds rows. A failed sign-in is a row
too, so counting them is counting rows: exact however many arrive at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Select,
    String,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, now_utc
from models.vocabulary import in_set

ACTIONS = {
    "signin": "ingelogd",
    "signin_failed": "inloggen mislukt",
    "signout": "uitgelogd",
    "session_expired": "sessie verlopen",
    "invited": "uitgenodigd",
    "invitation_resent": "uitnodiging opnieuw verstuurd",
    "enrolled": "account ingericht",
    "account_changed": "account gewijzigd",
    "account_deactivated": "account gedeactiveerd",
    "account_reactivated": "account geactiveerd",
    "password_changed": "wachtwoord gewijzigd",
    "password_reset_requested": "wachtwoordherstel gevraagd",
    "password_reset": "wachtwoord hersteld",
    "factor_changed": "tweede factor gewijzigd",
    "api_key_created": "API-sleutel gemaakt",
    "api_key_revoked": "API-sleutel ingetrokken",
    "unlocked": "gedeblokkeerd",
    "partner_created": "partner toegevoegd",
    "partner_changed": "partner gewijzigd",
    "partner_deactivated": "partner gedeactiveerd",
}
CHANNELS = ("api", "portal", "cli")
# Failed sign-ins across all accounts within an hour that the overview flags.
SPIKE_WINDOW = timedelta(hours=1)
SPIKE_THRESHOLD = 20


class AccountEvent(Base):
    __tablename__ = "account_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    # Who acted: None for an operator at the command line or someone not signed in.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The account or partner concerned.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    # The address typed at a sign-in (an unknown one too).
    email: Mapped[str | None] = mapped_column(String(254))
    channel: Mapped[str] = mapped_column(String(8))
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(in_set("action", tuple(ACTIONS)), name="action"),
        CheckConstraint(in_set("channel", CHANNELS), name="channel"),
    )


@dataclass(frozen=True)
class Origin:
    """Where a request came from: the channel and the client's address."""

    channel: str = "cli"
    remote_addr: str | None = None


CLI = Origin()


def record_event(
    session: Session,
    action: str,
    origin: Origin,
    *,
    actor_id: int | None = None,
    user_id: int | None = None,
    partner_id: int | None = None,
    email: str | None = None,
    detail: str | None = None,
) -> None:
    """Add one event to the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown account event {action!r}")
    session.execute(insert(AccountEvent).values(
        at=now_utc(), action=action, actor_id=actor_id, user_id=user_id, partner_id=partner_id,
        email=email, channel=origin.channel, remote_addr=origin.remote_addr, detail=detail,
    ))


def failed_signins_since(session: Session, since: datetime) -> int:
    return session.scalar(
        select(func.count()).select_from(AccountEvent)
        .where(AccountEvent.action == "signin_failed", AccountEvent.at >= since)
    )


def signin_spike(session: Session, now: datetime | None = None) -> int | None:
    """The number of failed sign-ins in the last hour when it is a spike, else None."""
    count = failed_signins_since(session, (now or now_utc()) - SPIKE_WINDOW)
    return count if count >= SPIKE_THRESHOLD else None


def events_query(*, action: str | None = None, user_id: int | None = None,
                 partner_id: int | None = None) -> Select:
    """The events, of one kind, account or partner where given; unordered."""
    query = select(AccountEvent)
    if action:
        query = query.where(AccountEvent.action == action)
    if user_id:
        query = query.where(AccountEvent.user_id == user_id)
    if partner_id:
        query = query.where(AccountEvent.partner_id == partner_id)
    return query


def recent_events(session: Session, *, limit: int = 200, action: str | None = None,
                  user_id: int | None = None, partner_id: int | None = None):
    query = events_query(action=action, user_id=user_id, partner_id=partner_id)
    return session.scalars(query.order_by(AccountEvent.id.desc()).limit(limit)).all()
