"""The allocation proposal for one gemeente's caseload: who could go where, and who cannot.

The engine's ``allocate`` divides the open offers' free places over the
needs of the gemeente's inburgeraars only. People of other gemeenten stay in
the scenario without needs: the learned component still sees their history,
but they claim no place in this proposal.

Places over time: the people the gemeente took in over the last
``history_weeks`` weeks, with their needs as at intake, resampled to as many
as arrive in ``forecast_weeks`` weeks at that pace, stand for the arrivals of
the coming weeks, the engine's ``forecast``; a place one of them
would gain more from than anyone now is kept free (``Allocation.kept``),
and the need left without it says so. The needs at intake, not today's: by
now some are met, changed or removed, and a newcomer arrives with the needs
they had at their intake.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import matching
from matching.forecast import forecast_from
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
    scenario = replace(
        scenario,
        inburgeraars=[
            person if person.id in own else replace(person, needs={})
            for person in scenario.inburgeraars
        ],
        forecast=recent_arrivals(session, gemeente_id, forecast_weeks, reference_date,
                                 history_weeks=history_weeks),
    )
    return matching.allocate(scenario)


def recent_arrivals(
    session: Session,
    gemeente_id: int,
    weeks: int,
    today: date | None = None,
    *,
    history_weeks: int | None = None,
) -> list:
    """The engine's forecast of the next ``weeks`` weeks: the gemeente's recent arrivals.

    The people taken in over the last ``history_weeks`` weeks (``weeks`` when
    None or fewer), resampled to the number arriving in ``weeks`` weeks at
    that pace (``matching.forecast.forecast_from``, seeded: the same answer
    every time). Each with the needs recorded at their intake
    (``Inburgeraar.intake_needs``) and everything else as it is now; people
    without needs at intake are left out.
    """
    if weeks <= 0:
        return []
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
    expected = round(len(recent) * weeks / history)
    return list(forecast_from(recent, expected, np.random.default_rng(gemeente_id)))
