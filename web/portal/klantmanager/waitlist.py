"""The klantmanager's waitlist: "Zet op wachtlijst" beside a full offer, and their entries."""

from flask import flash, redirect, render_template, url_for

from models.errors import DomainError
from models.waitlist import join_waitlist, leave_waitlist, waiting_of_gemeente
from web.audit import log_access
from web.extensions import db
from web.portal.klantmanager import bp
from web.portal.klantmanager.matches import ReferForm, render_person
from web.portal.security import actor_id


@bp.post("/inburgeraars/<int:inburgeraar_id>/wachtlijst")
def wait_for_offer(inburgeraar_id: int):
    form = ReferForm()
    if form.validate():
        try:
            entry = join_waitlist(db.session, actor_id=actor_id(), inburgeraar_id=inburgeraar_id,
                                  offer_id=int(form.offer_id.data), note=form.note.data or None)
        except DomainError as error:
            form.show_error(error)
        else:
            log_access("refer", [inburgeraar_id])
            flash(f"{entry.inburgeraar.pseudonym} staat op de wachtlijst van "
                  f"“{entry.offer.title}”. Komt er een plaats vrij, dan wordt de verwijzing "
                  "vanzelf verstuurd.", "ok")
            return redirect(url_for("klantmanager.waitlist"))
    return render_person(inburgeraar_id, failed=form, status=422)


@bp.get("/wachtlijst")
def waitlist():
    rows = waiting_of_gemeente(db.session, actor_id=actor_id())
    log_access("list", [entry.inburgeraar_id for entry, _ in rows])
    return render_template("klantmanager/waitlist.html", rows=rows)


@bp.post("/wachtlijst/<int:entry_id>/intrekken")
def leave(entry_id: int):
    try:
        entry = leave_waitlist(db.session, actor_id=actor_id(), entry_id=entry_id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("klantmanager.waitlist"))
    log_access("update", [entry.inburgeraar_id])
    flash(f"{entry.inburgeraar.pseudonym} staat niet meer op de wachtlijst.", "ok")
    return redirect(url_for("klantmanager.waitlist"))
