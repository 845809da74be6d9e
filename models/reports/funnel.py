"""The referral funnel over a period: how far referrals got, and where they left.

Definitions: a period is a range of calendar days in Dutch time
(Europe/Amsterdam), both ends included. Every count is a count of
``referral_event`` rows whose moment (``at``) falls in the period:

- a **stage** (verstuurd → geaccepteerd → gestart → afgerond) counts the
  events that moved a referral *into* it, so "geaccepteerd 4" means four
  referrals were accepted in the period, whenever they were sent;
- an **exit** counts the events that moved a referral out of the funnel,
  filed under the stage it left: from verstuurd by afgewezen, ingetrokken or
  verlopen; from geaccepteerd by ingetrokken; from gestart by voortijdig
  gestopt.

Because the counts are of events, a stage can exceed the one before it (a
referral sent before the period and accepted in it); the figures say what
happened in the period, not what became of the referrals sent in it.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.clock import LOCAL_TIME
from models.referral import ReferralEvent
from models.referral_service import STATUS_LABELS, TRANSITIONS

STAGES = ("sent", "accepted", "started", "completed")


@dataclass(frozen=True)
class Exit:
    status: str
    count: int

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Stage:
    status: str
    reached: int
    exits: list[Exit]

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def left(self) -> int:
        return sum(e.count for e in self.exits)


@dataclass(frozen=True)
class Funnel:
    start: date
    end: date
    stages: list[Stage]

    def exit_totals(self) -> dict[str, int]:
        """Exits per status over every stage (ingetrokken happens at two)."""
        totals: Counter[str] = Counter()
        for stage in self.stages:
            for exit_ in stage.exits:
                totals[exit_.status] += exit_.count
        return dict(totals)


def exits_from(stage: str) -> list[str]:
    """The states that end the funnel from ``stage``, as the lifecycle's table has them."""
    return [target for (source, target) in TRANSITIONS if source == stage and target not in STAGES]


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first moment and the moment after its last, in UTC."""
    first = datetime.combine(start, time.min, LOCAL_TIME)
    after = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TIME)
    return first.astimezone(UTC), after.astimezone(UTC)


def referral_funnel(session: Session, start: date, end: date, scope: Select | None = None
                    ) -> Funnel:
    """The funnel of the events from ``start`` to ``end`` (calendar days, both included).

    ``scope``, a query of referral ids, counts only those referrals' events (one
    gemeente's, partner's or domain's).
    """
    if start > end:
        raise ValueError("start lies after end")
    first, after = period_bounds(start, end)
    query = (select(ReferralEvent.from_status, ReferralEvent.to_status, func.count())
             .where(ReferralEvent.at >= first, ReferralEvent.at < after)
             .group_by(ReferralEvent.from_status, ReferralEvent.to_status))
    if scope is not None:
        query = query.where(ReferralEvent.referral_id.in_(scope))
    moves = Counter({(source, target): count for source, target, count in session.execute(query)})
    stages = [
        Stage(
            status=stage,
            reached=sum(count for (_, target), count in moves.items() if target == stage),
            exits=[Exit(target, moves[(stage, target)]) for target in exits_from(stage)],
        )
        for stage in STAGES
    ]
    return Funnel(start, end, stages)
