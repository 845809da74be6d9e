"""Referrals and the events of their lifecycle.

Only ``models.referral_service`` changes ``Referral.status``; every change
writes a ``ReferralEvent`` in the same transaction.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, now_utc
from models.coalition import Offer
from models.people import Inburgeraar
from models.reason_codes import REASON_CODES
from models.vocabulary import HOLDING_STATUSES, REFERRAL_STATUSES, in_set

# At most one referral per person and offer holds a place: the database's own
# backstop for refer()'s check (a partial unique index, on SQLite and PostgreSQL).
HOLDING = in_set("status", HOLDING_STATUSES)
REASON_CODE_CHECK = f"reason_code IS NULL OR {in_set('reason_code', REASON_CODES)}"


class Referral(Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    inburgeraar_id: Mapped[int] = mapped_column(ForeignKey("inburgeraar.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    # Why it was declined or dropped (models.reason_codes); None otherwise. Indexed for
    # the coordinator's count of reasons per partner and domain.
    reason_code: Mapped[str | None] = mapped_column(String(16), index=True)
    # When it was made (models.referral_snapshot): the person's fields the matcher reads, as
    # they were (the scenario's ``as_referred``; None where that is not known), and the chance
    # of completing that Wegwijs gave the pair then (None where it could not say).
    as_referred: Mapped[dict | None] = mapped_column(JSON)
    chance_given: Mapped[float | None] = mapped_column(Float)

    inburgeraar: Mapped[Inburgeraar] = relationship()
    offer: Mapped[Offer] = relationship()
    events: Mapped[list["ReferralEvent"]] = relationship(
        back_populates="referral", order_by="ReferralEvent.id"
    )

    __table_args__ = (
        CheckConstraint(in_set("status", REFERRAL_STATUSES), name="status"),
        CheckConstraint(REASON_CODE_CHECK, name="reason_code"),
        CheckConstraint(
            "chance_given IS NULL OR chance_given BETWEEN 0 AND 1", name="chance_given"
        ),
        Index(
            "uq_referral_holding_person_offer",
            "inburgeraar_id",
            "offer_id",
            unique=True,
            sqlite_where=text(HOLDING),
            postgresql_where=text(HOLDING),
        ),
    )


class ReferralEvent(Base):
    """One change of a referral's state: who, when, from, to, why."""

    __tablename__ = "referral_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    # None when the system acted (expiry).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(16))

    referral: Mapped[Referral] = relationship(back_populates="events")

    __table_args__ = (
        CheckConstraint(
            f"from_status IS NULL OR {in_set('from_status', REFERRAL_STATUSES)}",
            name="from_status",
        ),
        CheckConstraint(in_set("to_status", REFERRAL_STATUSES), name="to_status"),
        CheckConstraint(REASON_CODE_CHECK, name="reason_code"),
    )
