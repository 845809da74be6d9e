"""The gemeente's referrals, each with the timeline of its events; the klantmanager withdraws."""

from flask import flash, redirect, render_template, url_for

from models import access
from models.referral_service import STATUS_LABELS, allowed_targets
from web.audit import log_access
from web.extensions import db
from web.portal.klantmanager import bp
from web.portal.offer_forms import StatusForm
from web.portal.referral_pages import referrals_page, submit_status_change
from web.portal.security import actor_id


@bp.get("/verwijzingen")
def referrals():
    return referrals_page("klantmanager/referrals.html", with_partner=True)


@bp.get("/verwijzingen/<int:referral_id>")
def referral(referral_id: int):
    return render_referral(referral_id)


@bp.post("/verwijzingen/<int:referral_id>/status")
def move_referral(referral_id: int):
    form, moved = submit_status_change(referral_id)
    if moved is None:
        return render_referral(referral_id, form=form, status=422)
    flash(f"De verwijzing is nu {STATUS_LABELS[moved.status]}.", "ok")
    return redirect(url_for("klantmanager.referral", referral_id=referral_id))


def render_referral(referral_id: int, form: StatusForm | None = None, status: int = 200):
    user = access.get_actor(db.session, actor_id())
    referral = access.get_referral(db.session, user, referral_id)
    log_access("read", [referral.inburgeraar_id])
    return render_template(
        "klantmanager/referral.html", referral=referral,
        targets=allowed_targets(referral.status, "klantmanager"),
        form=form or StatusForm(formdata=None),
    ), status
