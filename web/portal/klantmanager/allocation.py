"""The allocation proposal for the gemeente's whole caseload (the engine's ``allocate``),
and referring its ticked rows in one step (``models.proposal``)."""

import re
from collections import Counter
from dataclasses import replace

from flask import current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import access
from models.caseload import FULL, KEPT, caseload_allocation, served_needs
from models.coalition import Offer
from models.people import Inburgeraar
from models.proposal import DEVIATION_REASONS, ProposalRow, RowOutcome, alternatives, refer_rows
from models.vocabulary import DOMAINS
from web.audit import log_access
from web.extensions import db
from web.portal.klantmanager import bp
from web.portal.security import actor_id

KEPT_TEXT = "plek bewaard voor inburgeraars die alleen hier terecht kunnen"
ROW_KEY = re.compile(r"^(\d{1,9})-([a-z_]{1,32})$")  # "<person id>-<domain>"
OFFER_ID = re.compile(r"^\d{1,9}$")


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
    choices = alternatives(db.session, [(int(a.inburgeraar_id), a.domain) for a in assignments])
    offers |= _offers({offer_id for found in choices.values() for offer_id, _ in found})
    served = sorted(served_needs(db.session, user.gemeente_id),
                    key=lambda r: (r.inburgeraar.pseudonym, r.offer.domain))
    log_access("list", [*people, *(r.inburgeraar_id for r in served)])
    return render_template(
        "klantmanager/allocation.html", assignments=assignments, unassigned=unassigned,
        people=people, offers=offers, objective=result.objective,
        reasons=Counter(u.reason for u in unassigned).most_common(),
        kept=[(offers[int(k)], n) for k, n in result.kept.items()],
        full_reason=FULL,  # these get a link to the person's full offers, to wait for one
        choices=choices, served=served, deviation_reasons=DEVIATION_REASONS,
    )


@bp.post("/verdeelvoorstel/verwijzen")
def refer_proposal():
    """Refer the ticked rows, each on its own; the answer lists every row's outcome."""
    rows, unreadable = _ticked_rows(request.form)
    outcomes = refer_rows(db.session, actor_id=actor_id(), rows=rows) if rows else []
    outcomes += unreadable
    referred = [o for o in outcomes if o.referral_id is not None]
    person_ids = {o.row.inburgeraar_id for o in outcomes}
    people = {p.id: p for p in db.session.scalars(
        access.inburgeraars_visible_to(access.get_actor(db.session, actor_id()))
        .where(Inburgeraar.id.in_(person_ids)))}
    log_access("refer", [o.row.inburgeraar_id for o in referred])
    # The rows not referred are shown too, by pseudonym and with why not.
    shown = [person_id for person_id in people
             if person_id not in {o.row.inburgeraar_id for o in referred}]
    if shown:
        log_access("list", shown)
    # Some rows referred: a success that commits them; none: nothing was written.
    return render_template(
        "klantmanager/allocation_referred.html", outcomes=outcomes, people=people,
        offers=_offers({o.row.offer_id for o in outcomes}), referred=len(referred),
    ), 200 if referred else 422


def _ticked_rows(form) -> tuple[list[ProposalRow], list[RowOutcome]]:
    """The ticked rows as the form sends them, and an outcome for each that cannot be read."""
    rows, unreadable = [], []
    for key in form.getlist("row"):
        match = ROW_KEY.match(key)
        proposed, chosen = form.get(f"proposed-{key}", ""), form.get(f"offer-{key}", "")
        if not (match and match.group(2) in DOMAINS and OFFER_ID.match(proposed)
                and OFFER_ID.match(chosen)):
            unreadable.append(RowOutcome(ProposalRow(0, "", 0, 0),
                                         problem="Deze rij is niet te lezen; open het "
                                                 "verdeelvoorstel opnieuw."))
            continue
        # The reason fields stand beside every row; they count only where the offer changed.
        elsewhere = chosen != proposed
        rows.append(ProposalRow(
            inburgeraar_id=int(match.group(1)), domain=match.group(2),
            proposed_offer_id=int(proposed), offer_id=int(chosen),
            reason_code=(form.get(f"reason_code-{key}") or None) if elsewhere else None,
            reason=(form.get(f"reason-{key}") or "").strip() or None if elsewhere else None,
        ))
    return rows, unreadable


def _offers(offer_ids: set[int]) -> dict[int, Offer]:
    return {o.id: o for o in db.session.scalars(
        select(Offer).where(Offer.id.in_(offer_ids)).options(selectinload(Offer.partner)))}
