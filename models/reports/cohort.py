"""The funnel as a cohort: of the referrals *sent* in a period, how many reached each stage.

Beside ``models.reports.funnel`` (events in the period, whenever the
referral was sent) this follows one group of referrals to today: a referral
sent in the period counts at every stage its events ever reached, so each
stage is at most the one before it, and recent cohorts are still filling.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.referral import Referral, ReferralEvent
from models.referral_service import STATUS_LABELS
from models.reports.funnel import STAGES, period_bounds


@dataclass(frozen=True)
class CohortStage:
    status: str
    reached: int

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def referral_cohort(session: Session, start: date, end: date, scope: Select | None = None
                    ) -> list[CohortStage]:
    """Per stage, how many of the referrals sent from ``start`` to ``end`` ever reached it
    (of those in ``scope``, a query of referral ids, when given)."""
    first, after = period_bounds(start, end)
    cohort = select(Referral.id).where(Referral.created_at >= first, Referral.created_at < after)
    if scope is not None:
        cohort = cohort.where(Referral.id.in_(scope))
    reached = set(session.execute(
        select(ReferralEvent.referral_id, ReferralEvent.to_status)
        .where(ReferralEvent.referral_id.in_(cohort), ReferralEvent.to_status.in_(STAGES))
    ).all())
    return [CohortStage(stage, sum(1 for _, s in reached if s == stage)) for stage in STAGES]
