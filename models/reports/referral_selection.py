"""The referrals behind a number on the coordinator's pages.

Each figure of the overview and the reports is a count of referrals (or of
their events) under some conditions; ``Selection`` holds those conditions and
``selected_referrals`` is the query of the referrals that make up the figure,
so that the list the coordinator opens from a number has that many rows. The
definitions are those of ``models.reports.overview``, ``.funnel`` and
``.cohort``:

- ``min_days``/``max_days``: whole days since the referral was sent (the
  overview's waiting ages, "langer dan 7 dagen" is ``min_days=8``);
- ``answered``: the partner made a first move (accepted or declined);
- ``steps`` (and ``step_from``) with ``start``/``end``: an event into one of
  those states (from that state) in the period, as the funnel counts;
- ``cohort_stage`` with ``start``/``end``: sent in the period and ever reached
  that stage, as the cohort counts.
"""

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from models.base import now_utc
from models.coalition import Offer
from models.people import Inburgeraar
from models.referral import Referral, ReferralEvent
from models.reports.funnel import period_bounds

ANSWERS = ("accepted", "declined")


@dataclass(frozen=True)
class Selection:
    statuses: tuple[str, ...] = field(default=())
    partner_id: int | None = None
    gemeente_id: int | None = None  # the person's gemeente
    domain: str | None = None
    reason_code: str | None = None
    min_days: int | None = None
    max_days: int | None = None
    answered: bool = False
    steps: tuple[str, ...] = field(default=())
    step_from: str | None = None
    cohort_stage: str | None = None
    start: date | None = None
    end: date | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) in (None, (), False) for f in fields(self))


def selected_referrals(selection: Selection, now: datetime | None = None) -> Select:
    """``select(Referral)`` of the referrals the selection describes."""
    now = now or now_utc()
    query = select(Referral).join(Offer, Offer.id == Referral.offer_id)
    if selection.statuses:
        query = query.where(Referral.status.in_(selection.statuses))
    if selection.partner_id is not None:
        query = query.where(Offer.partner_id == selection.partner_id)
    if selection.domain is not None:
        query = query.where(Offer.domain == selection.domain)
    if selection.gemeente_id is not None:
        query = query.where(Referral.inburgeraar_id.in_(
            select(Inburgeraar.id).where(Inburgeraar.gemeente_id == selection.gemeente_id)))
    if selection.reason_code is not None:
        query = query.where(Referral.reason_code == selection.reason_code)
    # A referral sent d whole days ago: d >= low when sent at or before now - low days,
    # d <= high when sent after now - (high + 1) days.
    if selection.min_days is not None:
        query = query.where(Referral.created_at <= now - timedelta(days=selection.min_days))
    if selection.max_days is not None:
        query = query.where(Referral.created_at > now - timedelta(days=selection.max_days + 1))
    if selection.answered:
        query = query.where(_event(from_status="sent", to_statuses=ANSWERS))
    period = _period(selection)
    if selection.steps:
        query = query.where(_event(from_status=selection.step_from,
                                   to_statuses=selection.steps, period=period))
    if selection.cohort_stage is not None:
        if period is not None:
            first, after = period
            query = query.where(Referral.created_at >= first, Referral.created_at < after)
        query = query.where(_event(to_statuses=(selection.cohort_stage,)))
    return query


def count_selected(session: Session, selection: Selection, now: datetime | None = None) -> int:
    query = selected_referrals(selection, now).with_only_columns(Referral.id)
    return session.scalar(select(func.count()).select_from(query.subquery()))


def _period(selection: Selection) -> tuple[datetime, datetime] | None:
    if selection.start is None or selection.end is None:
        return None
    return period_bounds(selection.start, selection.end)


def _event(*, to_statuses, from_status=None, period=None):
    condition = exists().where(ReferralEvent.referral_id == Referral.id,
                               ReferralEvent.to_status.in_(to_statuses))
    if from_status is not None:
        condition = condition.where(ReferralEvent.from_status == from_status)
    if period is not None:
        first, after = period
        condition = condition.where(ReferralEvent.at >= first, ReferralEvent.at < after)
    return condition
