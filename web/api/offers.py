"""``/api/v1/offers``: open offers for everyone; a partner manages its own, the coordinator all."""

from flask import Blueprint
from sqlalchemy.orm import selectinload

from models import access
from models.capacity import free_places
from models.coalition import Offer
from models.matcher_cache import cached
from models.offers import close_offer, create_offer, update_offer
from web.api import representations, schemas
from web.api.auth import ALL_ROLES, current_user, roles
from web.api.spec import api, responses
from web.extensions import db

bp = Blueprint("api_offers", __name__)

MANAGERS = ("partner", "coordinator")
OFFER_ID = "<int(max=2147483647):offer_id>"


def _represent(offer: Offer) -> schemas.Offer:
    return representations.offer(offer, free_places(db.session, [offer.id])[offer.id])


@bp.get("/offers")
@roles(*ALL_ROLES)
@api.validate(query=schemas.OfferQuery, resp=responses(HTTP_200=schemas.OfferList), tags=["offers"])
def list_offers(query: schemas.OfferQuery):
    """The open offers, with their free places; filters ``domain``, ``partner_id``, ``status``.

    Closed offers only with ``status=closed`` or ``all``: a partner its own, the
    coordinator every one.
    """
    user = current_user()
    # What the list depends on besides the data: the caller's scope and the filters.
    # (Tagged: a bare partner id 1 would equal True, the coordinator's scope, as a key.)
    scope = ("partner", user.partner_id) if user.role == "partner" else (user.role,)
    key = ("offers", scope, query.domain, query.partner_id, query.status)
    return cached(db.session, key, lambda: _offer_list(user, query))


def _offer_list(user, query: schemas.OfferQuery) -> schemas.OfferList:
    statement = access.offers_visible_to(user, query.status).options(selectinload(Offer.partner))
    statement = statement.order_by(Offer.id)
    if query.domain:
        statement = statement.where(Offer.domain == query.domain)
    if query.partner_id:
        statement = statement.where(Offer.partner_id == query.partner_id)
    offers = db.session.scalars(statement).all()
    free = free_places(db.session, [o.id for o in offers])
    return schemas.OfferList(offers=[representations.offer(o, free[o.id]) for o in offers])


@bp.post("/offers")
@roles(*MANAGERS)
@api.validate(
    json=schemas.OfferCreate,
    resp=responses(HTTP_201=schemas.Offer, HTTP_403=schemas.Problem),
    tags=["offers"],
)
def post_offer(json: schemas.OfferCreate):
    """Post an offer: a partner for itself, the coordinator for the partner it names."""
    fields = json.model_dump(exclude_unset=True, exclude={"partner_id"})
    offer = create_offer(
        db.session, actor_id=current_user().id, partner_id=json.partner_id, fields=fields
    )
    return _represent(offer), 201


@bp.get(f"/offers/{OFFER_ID}")
@roles(*ALL_ROLES)
@api.validate(resp=responses(HTTP_200=schemas.Offer, HTTP_404=schemas.Problem), tags=["offers"])
def get_offer(offer_id: int):
    """One offer, with its free places."""
    return _represent(access.get_offer(db.session, current_user(), offer_id))


@bp.patch(f"/offers/{OFFER_ID}")
@roles(*MANAGERS)
@api.validate(
    json=schemas.OfferChange,
    resp=responses(HTTP_200=schemas.Offer, HTTP_403=schemas.Problem, HTTP_404=schemas.Problem),
    tags=["offers"],
)
def patch_offer(offer_id: int, json: schemas.OfferChange):
    """Change an offer (capacity too, never below the places referrals hold); ``closed``
    closes it (as DELETE) or reopens it, as the portal does."""
    offer = update_offer(
        db.session,
        actor_id=current_user().id,
        offer_id=offer_id,
        changes=json.model_dump(exclude_unset=True),
    )
    return _represent(offer)


@bp.delete(f"/offers/{OFFER_ID}")
@roles(*MANAGERS)
@api.validate(
    resp=responses(HTTP_204=None, HTTP_403=schemas.Problem, HTTP_404=schemas.Problem),
    tags=["offers"],
)
def delete_offer(offer_id: int):
    """Close an offer: no new referrals; it stays, with its referrals, for history."""
    close_offer(db.session, actor_id=current_user().id, offer_id=offer_id)
    return "", 204
