"""The allocation proposal for one gemeente's caseload: who could go where, and who cannot.

The engine's ``allocate`` divides the open offers' free places over the
needs of the gemeente's inburgeraars only. People of other gemeenten stay in
the scenario without needs: the learned component still sees their history,
but they claim no place in this proposal.
"""

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import matching
from models.matching_bridge import build_scenario
from models.people import Inburgeraar


def caseload_allocation(
    session: Session, gemeente_id: int, *, reference_date: date | None = None
) -> matching.Allocation:
    """The optimal division of free places over the needs of the gemeente's inburgeraars.

    Ids in the result are the engine's: strings of the database ids.
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
    )
    return matching.allocate(scenario)
