"""``/api/v1/referrals``: through ``models.referral_service`` only; views never set a status."""

from flask import Blueprint
from sqlalchemy.orm import selectinload

from models import access, referral_service
from models.referral import Referral
from web.api import representations, schemas
from web.api.auth import ALL_ROLES, current_user, roles
from web.api.spec import api, responses
from web.audit import log_access
from web.extensions import db

bp = Blueprint("api_referrals", __name__)

REFERRAL_ID = "<int(max=2147483647):referral_id>"
_LOADED = (selectinload(Referral.inburgeraar), selectinload(Referral.events))


def _represent(referral_id: int, action: str) -> schemas.Referral:
    """The referral as the caller may see it; showing it is an access to the person's data."""
    user = current_user()
    referral = access.get_referral(db.session, user, referral_id)
    body = representations.referral(referral, user)
    log_access(action, [referral.inburgeraar_id])
    return body


@bp.get("/referrals")
@roles(*ALL_ROLES)
@api.validate(
    query=schemas.ReferralQuery, resp=responses(HTTP_200=schemas.ReferralList), tags=["referrals"]
)
def list_referrals(query: schemas.ReferralQuery):
    """The referrals in reach, filtered by ``status`` and ``offer_id``.

    A klantmanager's gemeente's, a partner's incoming, all for the coordinator.
    """
    user = current_user()
    statement = access.referrals_visible_to(user).options(*_LOADED).order_by(Referral.id)
    if query.status:
        statement = statement.where(Referral.status == query.status)
    if query.offer_id:
        statement = statement.where(Referral.offer_id == query.offer_id)
    referrals = db.session.scalars(statement).unique().all()
    body = schemas.ReferralList(referrals=[representations.referral(r, user) for r in referrals])
    log_access("list", [r.inburgeraar_id for r in referrals])
    return body


@bp.post("/referrals")
@roles("klantmanager")
@api.validate(
    json=schemas.ReferralCreate,
    resp=responses(
        HTTP_201=schemas.Referral,
        HTTP_403=schemas.Problem,
        HTTP_404=schemas.Problem,
        HTTP_409=schemas.Problem,
    ),
    tags=["referrals"],
)
def post_referral(json: schemas.ReferralCreate):
    """Refer an inburgeraar of the klantmanager's gemeente to an open offer: status ``sent``.

    409 when the offer has no free place (or the person is already referred
    to it), or when the person already holds a referral under way in the
    offer's domain (naming it in ``referral_id``) unless ``additional`` is
    true; 422 naming the rule when the person is not eligible for it, or
    naming ``note`` when it holds personal data (a BSN, a phone number, an
    e-mail address, an IBAN).
    """
    referral = referral_service.refer(
        db.session,
        actor_id=current_user().id,
        inburgeraar_id=json.inburgeraar_id,
        offer_id=json.offer_id,
        note=json.note,
        additional=json.additional,
    )
    return _represent(referral.id, "refer"), 201


@bp.get(f"/referrals/{REFERRAL_ID}")
@roles(*ALL_ROLES)
@api.validate(
    resp=responses(HTTP_200=schemas.Referral, HTTP_404=schemas.Problem), tags=["referrals"]
)
def get_referral(referral_id: int):
    """One referral with its history of state changes."""
    return _represent(referral_id, "read")


@bp.patch(f"/referrals/{REFERRAL_ID}")
@roles("partner", "klantmanager")
@api.validate(
    json=schemas.ReferralChange,
    resp=responses(
        HTTP_200=schemas.Referral,
        HTTP_403=schemas.Problem,
        HTTP_404=schemas.Problem,
        HTTP_409=schemas.Problem,
    ),
    tags=["referrals"],
)
def patch_referral(referral_id: int, json: schemas.ReferralChange):
    """Move a referral on: the partner accepts, declines, starts, completes or drops it;
    the klantmanager withdraws it. Any other move is 409. A decline or a drop
    names a ``reason_code`` (422 naming it otherwise; ``anders`` needs ``reason``).
    """
    referral_service.change_status(
        db.session,
        actor_id=current_user().id,
        referral_id=referral_id,
        to_status=json.status,
        reason=json.reason,
        reason_code=json.reason_code,
    )
    return _represent(referral_id, "status")
