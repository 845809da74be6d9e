"""What the klantmanager's and the partner's referral pages share: the list and the status change.

Each role shows a referral its own way (the partner sees only what the referral
needs of the person), but listing the referrals one may see and moving one on
go the same way for both, so they are written once here.
"""

from flask import request
from sqlalchemy.orm import selectinload

from models import access
from models.errors import DomainError
from models.referral import Referral
from models.referral_service import change_status
from models.vocabulary import REFERRAL_STATUSES
from web.audit import log_access
from web.extensions import db
from web.portal.offer_forms import StatusForm
from web.portal.security import actor_id


def list_referrals() -> dict:
    """The referrals the user may see, filtered by ``?status=``, last changed first.

    Returns the template context for ``macros/referrals.html``'s ``referral_list``
    and writes the access log for the people listed.
    """
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
    return {"referrals": rows, "status": status, "statuses": REFERRAL_STATUSES}


def submit_status_change(referral_id: int) -> tuple[StatusForm, Referral | None]:
    """Move the referral as the posted form asks.

    Returns the form and the moved referral, or the form with its Dutch errors
    and ``None`` when nothing changed.
    """
    form = StatusForm()
    if not form.validate():
        return form, None
    try:
        moved = change_status(
            db.session, actor_id=actor_id(), referral_id=referral_id,
            to_status=form.to_status.data, reason=form.reason.data,
            reason_code=form.reason_code.data or None,
        )
    except DomainError as error:
        form.show_error(error)
        return form, None
    log_access("status", [moved.inburgeraar_id])
    return form, moved
