"""What needs doing, per role: the werkbak's lists, and their counts in one query.

A klantmanager's werkbak: answers that ask a next step (a referral accepted
lately, or declined or expired with nothing referred in its domain since),
referrals near their 14 days, and waitlist places handed out lately. A
partner's: new referrals to answer, those near their 14 days, and its open
offers that are full or have a waitlist. Each list is a query (``Select``), so
the page reads its rows and the navigation its counts, all in one statement.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from models.base import now_utc
from models.capacity import held_places_of_offer, places_left_of_offer
from models.coalition import Offer
from models.people import Inburgeraar
from models.referral import Referral
from models.vocabulary import REMINDER_AFTER
from models.waitlist import WaitlistEntry

# How long an answer or a handed-out waitlist place counts as new.
NEWS_WINDOW = timedelta(days=14)
ANSWERED = ("accepted", "declined", "expired")
ENDED_WITHOUT_PLACE = ("declined", "expired")


@dataclass(frozen=True)
class Counts:
    """One count per werkbak list, in the order the page shows them."""

    first: int
    second: int
    third: int

    @property
    def total(self) -> int:
        return self.first + self.second + self.third


def near_expiry(now: datetime | None = None) -> ColumnElement[bool]:
    """Still unanswered after the reminder's 10 days: it expires at 14."""
    return and_(Referral.status == "sent",
                Referral.status_changed_at <= (now or now_utc()) - REMINDER_AFTER)


def answers_needing_a_step(gemeente_id: int, now: datetime | None = None) -> Select:
    """The gemeente's referrals answered lately that ask the klantmanager a next step.

    Accepted: tell the person. Declined or expired: refer elsewhere, unless a
    later referral in the same domain already did.
    """
    later = aliased(Referral)
    later_offer = aliased(Offer)
    referred_since = exists(
        select(later.id).join(later_offer, later_offer.id == later.offer_id).where(
            later.inburgeraar_id == Referral.inburgeraar_id, later.id != Referral.id,
            later.created_at >= Referral.created_at, later_offer.domain == Offer.domain,
        )
    )
    return (
        _gemeente_referrals(gemeente_id)
        .where(Referral.status.in_(ANSWERED),
               Referral.status_changed_at >= (now or now_utc()) - NEWS_WINDOW,
               or_(Referral.status == "accepted",
                   and_(Referral.status.in_(ENDED_WITHOUT_PLACE), not_(referred_since))))
    )


def gemeente_near_expiry(gemeente_id: int, now: datetime | None = None) -> Select:
    return _gemeente_referrals(gemeente_id).where(near_expiry(now))


def waitlist_places_handed_out(gemeente_id: int, now: datetime | None = None) -> Select:
    """Waitlist entries of the gemeente's people that lately became a referral."""
    return (
        select(WaitlistEntry).join(Inburgeraar, Inburgeraar.id == WaitlistEntry.inburgeraar_id)
        .where(Inburgeraar.gemeente_id == gemeente_id, WaitlistEntry.status == "referred",
               WaitlistEntry.closed_at >= (now or now_utc()) - NEWS_WINDOW)
    )


def partner_to_answer(partner_id: int) -> Select:
    return _partner_referrals(partner_id).where(Referral.status == "sent")


def partner_near_expiry(partner_id: int, now: datetime | None = None) -> Select:
    return _partner_referrals(partner_id).where(near_expiry(now))


def partner_offers_full_or_waiting(partner_id: int) -> Select:
    """The partner's open offers with no free place, or with people on their waitlist."""
    waiting = (select(func.count(WaitlistEntry.id))
               .where(WaitlistEntry.offer_id == Offer.id, WaitlistEntry.status == "waiting")
               .correlate(Offer).scalar_subquery())
    return (
        select(Offer).add_columns(held_places_of_offer().label("held"), waiting.label("waiting"))
        .where(Offer.partner_id == partner_id, Offer.closed_at.is_(None),
               or_(places_left_of_offer() == 0, waiting > 0))
    )


def klantmanager_counts(session: Session, gemeente_id: int, now: datetime | None = None
                        ) -> Counts:
    now = now or now_utc()
    return _counts(session, answers_needing_a_step(gemeente_id, now),
                   gemeente_near_expiry(gemeente_id, now),
                   waitlist_places_handed_out(gemeente_id, now))


def partner_counts(session: Session, partner_id: int, now: datetime | None = None) -> Counts:
    return _counts(session, partner_to_answer(partner_id), partner_near_expiry(partner_id, now),
                   partner_offers_full_or_waiting(partner_id))


def _counts(session: Session, *queries: Select) -> Counts:
    """The three lists' sizes in one statement."""
    row = session.execute(select(*(
        select(func.count()).select_from(q.subquery()).scalar_subquery() for q in queries
    ))).one()
    return Counts(*row)


def _gemeente_referrals(gemeente_id: int) -> Select:
    return (select(Referral).join(Inburgeraar, Inburgeraar.id == Referral.inburgeraar_id)
            .join(Offer, Offer.id == Referral.offer_id)
            .where(Inburgeraar.gemeente_id == gemeente_id))


def _partner_referrals(partner_id: int) -> Select:
    return (select(Referral).join(Offer, Offer.id == Referral.offer_id)
            .where(Offer.partner_id == partner_id))
