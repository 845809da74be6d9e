"""The gemeente's referrals, each with the timeline of its events; the klantmanager withdraws."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from models import access
from models.errors import IllegalTransition, InvalidInput
from models.referral import Referral
from models.referral_service import STATUS_LABELS, allowed_targets, change_status
from models.vocabulary import REFERRAL_STATUSES
from web.audit import log_access
from web.extensions import db
from web.portal.klantmanager import bp
from web.portal.offer_forms import StatusForm
from web.portal.security import actor_id


@bp.get("/verwijzingen")
def referrals():
    user = access.get_actor(db.session, actor_id())
    status = request.args.get("status") or None
    query = access.referrals_visible_to(user).options(
        selectinload(Referral.inburgeraar), selectinload(Referral.offer)
    )
    if status in REFERRAL_STATUSES:
        query = query.where(Referral.status == status)
    rows = db.session.scalars(
        query.order_by(Referral.status_changed_at.desc(), Referral.id.desc())
    ).all()
    log_access("list", [r.inburgeraar_id for r in rows])
    return render_template(
        "klantmanager/referrals.html", referrals=rows, status=status, statuses=REFERRAL_STATUSES
    )


@bp.get("/verwijzingen/<int:referral_id>")
def referral(referral_id: int):
    return render_referral(referral_id)


@bp.post("/verwijzingen/<int:referral_id>/status")
def move_referral(referral_id: int):
    form = StatusForm()
    if form.validate():
        try:
            moved = change_status(
                db.session, actor_id=actor_id(), referral_id=referral_id,
                to_status=form.to_status.data, reason=form.reason.data,
            )
        except InvalidInput as error:
            form.add_domain_errors(error)
        except IllegalTransition as error:
            form.form_errors.append(error.message)
        else:
            log_access("status", [moved.inburgeraar_id])
            flash(f"De verwijzing is nu {STATUS_LABELS[moved.status]}.", "ok")
            return redirect(url_for("klantmanager.referral", referral_id=referral_id))
    return render_referral(referral_id, form=form, status=422)


def render_referral(referral_id: int, form: StatusForm | None = None, status: int = 200):
    user = access.get_actor(db.session, actor_id())
    referral = access.get_referral(db.session, user, referral_id)
    log_access("read", [referral.inburgeraar_id])
    return render_template(
        "klantmanager/referral.html", referral=referral,
        targets=allowed_targets(referral.status, "klantmanager"),
        form=form or StatusForm(formdata=None),
    ), status
