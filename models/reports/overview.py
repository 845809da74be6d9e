"""The coordinator's overview: the state of the coalition at a glance.

Today's figures, not a period's: referrals waiting for an answer by age,
partners with referrals unanswered for more than 7 days, per partner the
median days to an answer and the acceptance and completion rates, decline
reasons per partner and per domain, waitlist lengths, and unserved needs per
domain. Definitions:

- an **answer** is the partner's first move of a ``sent`` referral (accepted
  or declined); days to an answer run from sending to that move;
- the **acceptance rate** is accepted answers over all answers; the
  **completion rate** is completed over completed plus dropped;
- an **unserved need** is a need of a person not yet purged for whom no
  referral in that domain is sent, accepted, started or completed.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import now_utc
from models.capacity import HOLDING_STATUSES
from models.coalition import Offer, Partner
from models.mail_health import mail_figures
from models.people import Inburgeraar, Need
from models.referral import Referral, ReferralEvent
from models.vocabulary import EXPIRY_AFTER, REMINDER_AFTER
from models.waitlist import WaitlistEntry

OPEN_END = 10**6
OVERDUE_DAYS = 7
# Days a referral has waited for its answer: up to a week, to the reminder, to the expiry.
_EDGES = (3, OVERDUE_DAYS, REMINDER_AFTER.days, EXPIRY_AFTER.days)
AGE_BUCKETS = (*((low, high, f"{low}–{high} dagen")
                 for low, high in zip((0, *(e + 1 for e in _EDGES[:-1])), _EDGES, strict=True)),
               (EXPIRY_AFTER.days + 1, OPEN_END, "langer"))
SERVING = (*HOLDING_STATUSES, "completed")


@dataclass
class PartnerRow:
    partner_id: int
    name: str
    referrals: int = 0
    unanswered_over_7: int = 0
    answers: list[float] = field(default_factory=list)
    accepted: int = 0
    completed: int = 0
    dropped: int = 0

    @property
    def median_days(self) -> float | None:
        return median(self.answers) if self.answers else None

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / len(self.answers) if self.answers else None

    @property
    def completion_rate(self) -> float | None:
        ended = self.completed + self.dropped
        return self.completed / ended if ended else None


@dataclass(frozen=True)
class AgeBucket:
    label: str
    count: int
    min_days: int
    max_days: int | None  # None: no upper bound


@dataclass
class Overview:
    waiting_by_age: list[AgeBucket]
    partners: list[PartnerRow]
    reasons_by_partner: dict[tuple[str, int], Counter]  # (name, partner id) → reasons
    reasons_by_domain: dict[str, Counter]
    waitlists: list[tuple[str, str, int]]  # (offer title, partner name, length)
    unserved_by_domain: dict[str, int]

    @property
    def overdue_partners(self) -> list[PartnerRow]:
        return [p for p in self.partners if p.unanswered_over_7]


def coalition_overview(session: Session, now: datetime | None = None) -> Overview:
    now = now or now_utc()
    partners = {p.id: PartnerRow(p.id, p.name)
                for p in session.scalars(select(Partner).order_by(Partner.name))}
    rows = session.execute(
        select(Referral.id, Referral.status, Referral.created_at, Referral.reason_code,
               Offer.partner_id, Offer.domain)
        .join(Offer, Offer.id == Referral.offer_id)
    ).all()
    answered_at = dict(session.execute(
        select(ReferralEvent.referral_id, ReferralEvent.at)
        .where(ReferralEvent.from_status == "sent",
               ReferralEvent.to_status.in_(("accepted", "declined")))
    ).all())
    ages = Counter()
    by_partner: dict[tuple[str, int], Counter] = defaultdict(Counter)
    by_domain: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        partner = partners[row.partner_id]
        partner.referrals += 1
        if row.status == "sent":
            days = (now - _aware(row.created_at)).days
            ages[next(label for low, high, label in AGE_BUCKETS if low <= days <= high)] += 1
            if days > OVERDUE_DAYS:
                partner.unanswered_over_7 += 1
        if row.id in answered_at:
            partner.answers.append(
                (_aware(answered_at[row.id]) - _aware(row.created_at)).total_seconds() / 86400)
            partner.accepted += row.status not in ("declined",)
        partner.completed += row.status == "completed"
        partner.dropped += row.status == "dropped"
        if row.reason_code:
            by_partner[(partner.name, partner.partner_id)][row.reason_code] += 1
            by_domain[row.domain][row.reason_code] += 1
    waitlists = session.execute(
        select(Offer.title, Partner.name, WaitlistEntry.id)
        .join(Offer, Offer.id == WaitlistEntry.offer_id)
        .join(Partner, Partner.id == Offer.partner_id)
        .where(WaitlistEntry.status == "waiting")
    ).all()
    lengths = Counter((title, name) for title, name, _ in waitlists)
    return Overview(
        waiting_by_age=[AgeBucket(label, ages[label], low, None if high == OPEN_END else high)
                        for low, high, label in AGE_BUCKETS],
        partners=[p for p in partners.values() if p.answers or p.unanswered_over_7
                  or p.completed or p.dropped],
        reasons_by_partner=dict(by_partner),
        reasons_by_domain=dict(by_domain),
        waitlists=sorted(((t, n, c) for (t, n), c in lengths.items()), key=lambda r: -r[2]),
        unserved_by_domain=_unserved(session),
    )


def _unserved(session: Session) -> dict[str, int]:
    served = set(session.execute(
        select(Referral.inburgeraar_id, Offer.domain).join(Offer, Offer.id == Referral.offer_id)
        .where(Referral.status.in_(SERVING))
    ).all())
    needs = session.execute(
        select(Need.inburgeraar_id, Need.domain).join(Inburgeraar)
        .where(Inburgeraar.purged_at.is_(None))
    ).all()
    counts = Counter(domain for person, domain in needs if (person, domain) not in served)
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def _aware(moment: datetime) -> datetime:
    # SQLite returns UTC without its zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class MailWarning:
    """Mail is stuck: how long the oldest unsent mail waits, when the worker last beat."""

    waiting: str
    heartbeat: str | None  # None: no worker has ever run


def stuck_mail(session: Session, now: datetime | None = None) -> MailWarning | None:
    """A warning for the overview when the oldest unsent mail waits too long, else None."""
    figures = mail_figures(session, now=now or now_utc())
    if not figures.stuck:
        return None
    heartbeat = figures.last_heartbeat
    return MailWarning(_duration(figures.oldest_unsent),
                       None if heartbeat is None else _duration(heartbeat))


def _duration(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "minder dan een minuut"
    if minutes < 120:
        return f"{minutes} {'minuut' if minutes == 1 else 'minuten'}"
    if minutes < 48 * 60:
        return f"{minutes // 60} uur"
    return f"{minutes // (24 * 60)} dagen"
