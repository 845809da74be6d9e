"""The allocation proposal for the gemeente's whole caseload (the engine's ``allocate``)."""

from collections import Counter
from dataclasses import replace

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import access
from models.caseload import FULL, KEPT, caseload_allocation
from models.coalition import Offer
from models.people import Inburgeraar
from web.audit import log_access
from web.extensions import db
from web.portal.klantmanager import bp
from web.portal.security import actor_id

KEPT_TEXT = "plek bewaard voor inburgeraars die alleen hier terecht kunnen"


@bp.get("/verdeelvoorstel")
def allocation():
    user = access.get_actor(db.session, actor_id())
    result = caseload_allocation(
        db.session, user.gemeente_id, forecast_weeks=current_app.config["WEGWIJS_FORECAST_WEEKS"],
        history_weeks=current_app.config["WEGWIJS_FORECAST_HISTORY_WEEKS"],
    )
    person_ids = {int(a.inburgeraar_id) for a in result.assignments}
    person_ids |= {int(u.inburgeraar_id) for u in result.unassigned}
    people = {
        p.id: p
        for p in db.session.scalars(
            access.inburgeraars_visible_to(user).where(Inburgeraar.id.in_(person_ids))
        )
    }
    offer_ids = {int(a.offer_id) for a in result.assignments} | {int(k) for k in result.kept}
    offers = {
        o.id: o
        for o in db.session.scalars(
            select(Offer).where(Offer.id.in_(offer_ids)).options(selectinload(Offer.partner))
        )
    }
    assignments = sorted(
        result.assignments,
        key=lambda a: (people[int(a.inburgeraar_id)].pseudonym, a.domain),
    )
    # A kept place is told in general terms: who it is kept for is a forecast, not a person.
    unassigned = sorted(
        (replace(u, reason=KEPT_TEXT) if u.reason.startswith(KEPT) else u
         for u in result.unassigned),
        key=lambda u: (people[int(u.inburgeraar_id)].pseudonym, u.domain),
    )
    log_access("list", people)
    return render_template(
        "klantmanager/allocation.html", assignments=assignments, unassigned=unassigned,
        people=people, offers=offers, objective=result.objective,
        reasons=Counter(u.reason for u in unassigned).most_common(),
        kept=[(offers[int(k)], n) for k, n in result.kept.items()],
        full_reason=FULL,  # these get a link to the person's full offers, to wait for one
    )
