"""How klantmanagers refer from the allocation proposal: as proposed, or elsewhere and why.

Counts the referrals made from the proposal (``models.proposal``) in a
period, those that went to the offer proposed, and those that went elsewhere
by reason, so the coordinator sees where the proposal misses what
klantmanagers know. Optionally of one gemeente (by the person's gemeente).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.people import Inburgeraar
from models.proposal import DEVIATION_REASONS, ProposalReferral
from models.referral import Referral
from models.reports.funnel import period_bounds

NO_REASON = "Geen reden gegeven"


@dataclass(frozen=True)
class ProposalCounts:
    referred: int
    as_proposed: int
    elsewhere: int
    by_reason: list[tuple[str, int]]  # (Dutch label, count), most first

    @property
    def elsewhere_share(self) -> float | None:
        return self.elsewhere / self.referred if self.referred else None


def proposal_counts(session: Session, *, start: date | None = None, end: date | None = None,
                    gemeente_id: int | None = None) -> ProposalCounts:
    """The referrals made from the proposal, as proposed or elsewhere (with their reasons).

    ``start`` to ``end``: calendar days in Dutch time, both included, as the funnel counts.
    """
    elsewhere = Referral.offer_id != ProposalReferral.proposed_offer_id
    query = (
        select(elsewhere.label("elsewhere"), ProposalReferral.reason_code, func.count())
        .join(Referral, Referral.id == ProposalReferral.referral_id)
        .group_by(elsewhere, ProposalReferral.reason_code)
    )
    if start is not None and end is not None:
        first, after = period_bounds(start, end)
        query = query.where(ProposalReferral.created_at >= first,
                            ProposalReferral.created_at < after)
    if gemeente_id is not None:
        query = query.join(Inburgeraar, Inburgeraar.id == Referral.inburgeraar_id).where(
            Inburgeraar.gemeente_id == gemeente_id)
    as_proposed, reasons = 0, {}
    for went_elsewhere, code, count in session.execute(query):
        if not went_elsewhere:
            as_proposed += count
            continue
        label = DEVIATION_REASONS.get(code, NO_REASON) if code else NO_REASON
        reasons[label] = reasons.get(label, 0) + count
    moved = sum(reasons.values())
    return ProposalCounts(
        referred=as_proposed + moved, as_proposed=as_proposed, elsewhere=moved,
        by_reason=sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
    )
