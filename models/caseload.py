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

Referrals under way and done: a domain where the person holds a referral
under way is served (``models.under_way``), so nothing more is proposed in
it; and a person who completed a course is not proposed that course again
(the offer, or a new round of it: the same partner's open offer of the same
title). The engine's rule 9 keeps a pair apart for an ongoing referral, so
such a pair goes to the engine as one; an ongoing entry teaches the learned
component nothing.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import matching
from matching.allocation import FULL, KEPT  # noqa: F401 - the reasons the portal tells apart
from models.clock import local_today
from models.coalition import Offer
from models.matching_bridge import active_mentor_ids, build_scenario, engine_inburgeraar
from models.people import Inburgeraar
from models.referral import Referral
from models.under_way import served_domains


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
    served = {str(k): v for k, v in served_domains(session, people).items()}
    pool, expected = arrival_pool(session, gemeente_id, forecast_weeks, reference_date,
                                  history_weeks=history_weeks)
    offered = {o.id for o in scenario.offers}
    done = [
        matching.HistoryEntry(inburgeraar_id=str(person_id), offer_id=str(offer_id),
                              outcome="ongoing")
        for person_id, offer_id in completed_courses(session, people)
        if str(offer_id) in offered
    ]
    scenario = replace(
        scenario,
        inburgeraars=[
            replace(person, needs={d: w for d, w in person.needs.items()
                                   if d not in served[person.id]})
            if person.id in served else replace(person, needs={})
            for person in scenario.inburgeraars
        ],
        history=[*scenario.history, *done],
        forecast=pool,
    )
    return matching.allocate(scenario, forecast_method="stochastic", arrivals=expected)


def served_needs(session: Session, gemeente_id: int) -> list[Referral]:
    """The referrals under way that serve a need of the gemeente's people, one per need.

    What the proposal leaves out as served, for the page to say so.
    """
    people = session.scalars(
        select(Inburgeraar).where(Inburgeraar.gemeente_id == gemeente_id)
        .options(selectinload(Inburgeraar.needs))
    ).all()
    needed = {(p.id, d) for p in people for d in p.needs_by_domain}
    served = served_domains(session, [p.id for p in people])
    ids = [referral_id for person_id, domains in served.items()
           for domain, referral_id in domains.items() if (person_id, domain) in needed]
    return list(session.scalars(
        select(Referral).where(Referral.id.in_(ids))
        .options(selectinload(Referral.offer), selectinload(Referral.inburgeraar))
    ))


def completed_courses(session: Session, person_ids: list[int]) -> set[tuple[int, int]]:
    """(person, offer) for every offer each person completed, and every open offer of the
    same partner with the same title (the course's next round)."""
    done = session.execute(
        select(Referral.inburgeraar_id, Offer.id, Offer.partner_id, Offer.title)
        .join(Offer, Offer.id == Referral.offer_id)
        .where(Referral.inburgeraar_id.in_(person_ids), Referral.status == "completed")
    ).all()
    if not done:
        return set()
    rounds = session.execute(
        select(Offer.id, Offer.partner_id, Offer.title).where(
            Offer.closed_at.is_(None), Offer.partner_id.in_({row.partner_id for row in done}))
    ).all()
    same_course: dict[tuple[int, str], set[int]] = {}
    for offer_id, partner_id, title in rounds:
        same_course.setdefault((partner_id, title), set()).add(offer_id)
    return {
        (row.inburgeraar_id, offer_id)
        for row in done
        for offer_id in {row.id} | same_course.get((row.partner_id, row.title), set())
    }


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
    since = datetime.combine((today or local_today()) - timedelta(weeks=history), time(),
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
    mentors = active_mentor_ids(session)
    recent = [
        engine_inburgeraar(p, needs=p.intake_needs_by_domain, mentors=mentors)
        for p in people
        if p.intake_needs_by_domain
    ]
    return recent, round(len(recent) * weeks / history)
