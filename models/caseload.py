"""The allocation proposal for one gemeente's caseload: who could go where, and who cannot.

The engine's ``allocate`` divides the open offers' free places over the
needs of the gemeente's inburgeraars only. People of other gemeenten stay in
the scenario without needs: the learned component still sees their history,
but they claim no place in this proposal.

Places over time: the people the gemeente took in over the last
``history_weeks`` weeks, with their needs as at intake, stand for the
arrivals of the coming ``forecast_weeks`` weeks: the engine's ``forecast`` as
a pool, with the number expected at that pace (``forecast_method=
"stochastic"``: futures drawn from the pool decide how many places this
caseload may take, ``matching.stochastic``). A place the people expected
would gain more from than anyone now is kept free (``Allocation.kept``), and
the need left without it says so. The needs at intake, not today's: by
now some are met, changed or removed, and a newcomer arrives with the needs
they had at their intake.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import matching
from matching.allocation import FULL, KEPT  # noqa: F401 - the reasons the portal tells apart
from models.matching_bridge import build_scenario, engine_inburgeraar
from models.people import Inburgeraar


def caseload_allocation(
    session: Session,
    gemeente_id: int,
    *,
    reference_date: date | None = None,
    forecast_weeks: int = 0,
    history_weeks: int | None = None,
) -> matching.Allocation:
    """The optimal division of free places over the needs of the gemeente's inburgeraars.

    Ids in the result are the engine's: strings of the database ids. With
    ``forecast_weeks`` > 0, places are kept for arrivals like the recent ones
    (those of the last ``history_weeks``, ``forecast_weeks`` when None).
    """
    people = session.scalars(
        select(Inburgeraar.id).where(Inburgeraar.gemeente_id == gemeente_id)
    ).all()
    scenario = build_scenario(session, inburgeraar_ids=list(people), reference_date=reference_date)
    own = {str(person_id) for person_id in people}
    pool, expected = arrival_pool(session, gemeente_id, forecast_weeks, reference_date,
                                  history_weeks=history_weeks)
    scenario = replace(
        scenario,
        inburgeraars=[
            person if person.id in own else replace(person, needs={})
            for person in scenario.inburgeraars
        ],
        forecast=pool,
    )
    return matching.allocate(scenario, forecast_method="stochastic", arrivals=expected)


def arrival_pool(
    session: Session,
    gemeente_id: int,
    weeks: int,
    today: date | None = None,
    *,
    history_weeks: int | None = None,
) -> tuple[list, int]:
    """The gemeente's recent arrivals, and how many are expected in the next ``weeks`` weeks.

    The people taken in over the last ``history_weeks`` weeks (``weeks`` when
    None or fewer), each with the needs recorded at their intake
    (``Inburgeraar.intake_needs``) and everything else as it is now; people
    without needs at intake are left out. The number expected is theirs at
    the same pace.
    """
    if weeks <= 0:
        return [], 0
    history = max(history_weeks or weeks, weeks)
    since = datetime.combine((today or date.today()) - timedelta(weeks=history), time(),
                             tzinfo=UTC)
    people = session.scalars(
        select(Inburgeraar)
        .where(Inburgeraar.gemeente_id == gemeente_id, Inburgeraar.created_at >= since)
        .options(
            selectinload(Inburgeraar.intake_needs), selectinload(Inburgeraar.gemeente),
            selectinload(Inburgeraar.pip),
        )
        .order_by(Inburgeraar.id)
    ).all()
    recent = [
        engine_inburgeraar(p, needs=p.intake_needs_by_domain)
        for p in people
        if p.intake_needs_by_domain
    ]
    return recent, round(len(recent) * weeks / history)
