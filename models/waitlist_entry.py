"""A place in the queue of a full offer.

The rules: models/waitlist.py; the one writer of its status: models/places.py.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, now_utc
from models.coalition import Offer
from models.people import Inburgeraar
from models.vocabulary import in_set

ENTRY_STATUSES = ("waiting", "referred", "skipped", "withdrawn")
WAITING = "status = 'waiting'"


class WaitlistEntry(Base):
    __tablename__ = "waitlist_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    inburgeraar_id: Mapped[int] = mapped_column(ForeignKey("inburgeraar.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    # Why the entry was skipped: the eligibility rule the person no longer meets.
    skipped_rule: Mapped[str | None] = mapped_column(Text)
    # The last time a free place passed the entry by, and why: a rule that holds only while
    # another referral of the person is under way (models/referral_rules.py). It waits on.
    passed_over_rule: Mapped[str | None] = mapped_column(Text)
    passed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def passed_over_reasons(self) -> list[str]:
        """The Dutch reasons of the last pass-over, without the rules' codes
        (``passed_over_rule`` is "rule: reason; rule: reason", as ``skipped_rule``)."""
        return [part.partition(": ")[2] or part
                for part in (self.passed_over_rule or "").split("; ") if part]

    inburgeraar: Mapped[Inburgeraar] = relationship()
    offer: Mapped[Offer] = relationship()

    __table_args__ = (
        CheckConstraint(in_set("status", ENTRY_STATUSES), name="status"),
        # One waiting entry per person and offer: the backstop of join_waitlist's check.
        Index("uq_waitlist_entry_waiting_person_offer", "inburgeraar_id", "offer_id",
              unique=True, sqlite_where=text(WAITING), postgresql_where=text(WAITING)),
    )
