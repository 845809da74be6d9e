"""The funnel of a period per gemeente, per partner or per domain.

The same events as ``models.reports.funnel`` (moves into a stage, and out of
the funnel, in the period), counted per group: the person's gemeente, the
offer's partner or the offer's domain.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.coalition import Offer, Partner
from models.geography import Gemeente
from models.people import Inburgeraar
from models.referral import Referral, ReferralEvent
from models.reports.funnel import STAGES, exits_from, period_bounds

DIMENSIONS = ("gemeente", "partner", "domain")


@dataclass(frozen=True)
class GroupFunnel:
    key: int | str  # the gemeente's or partner's id, or the domain's code
    name: str  # its name (a domain's code: the portal labels it)
    moves: Counter  # (from_status, to_status) → events in the period

    def reached(self, stage: str) -> int:
        return sum(n for (_, target), n in self.moves.items() if target == stage)

    def left(self, stage: str) -> int:
        return sum(self.moves[(stage, target)] for target in exits_from(stage))

    @property
    def sent(self) -> int:
        return self.reached("sent")


def funnel_by(session: Session, start: date, end: date, dimension: str,
              scope: Select | None = None) -> list[GroupFunnel]:
    """Per group with any event in the period, most referrals sent first; of the
    referrals in ``scope`` (a query of referral ids) when given."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    key, name = {
        "gemeente": (Gemeente.id, Gemeente.name),
        "partner": (Partner.id, Partner.name),
        "domain": (Offer.domain, Offer.domain),
    }[dimension]
    first, after = period_bounds(start, end)
    query = (
        select(key, name, ReferralEvent.from_status, ReferralEvent.to_status)
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Offer, Offer.id == Referral.offer_id)
        .join(Partner, Partner.id == Offer.partner_id)
        .join(Inburgeraar, Inburgeraar.id == Referral.inburgeraar_id)
        .join(Gemeente, Gemeente.id == Inburgeraar.gemeente_id)
        .where(ReferralEvent.at >= first, ReferralEvent.at < after)
    )
    if scope is not None:
        query = query.where(ReferralEvent.referral_id.in_(scope))
    rows = session.execute(query).all()
    moves: dict[tuple, Counter] = defaultdict(Counter)
    for group_key, group_name, source, target in rows:
        moves[(group_key, group_name)][(source, target)] += 1
    groups = [GroupFunnel(k, n, c) for (k, n), c in moves.items()]
    return sorted(groups, key=lambda g: (-g.sent, str(g.name)))


__all__ = ["DIMENSIONS", "STAGES", "GroupFunnel", "funnel_by"]
