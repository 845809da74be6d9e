"""``/api/v1/partners``: the coalition's partners, run from Wegwijs itself."""

from flask import Blueprint

from models.coalition import Partner
from models.partners import (
    create_partner,
    get_partner,
    partners_query,
    ties_of,
    update_partner,
)
from web.api import coalition_schemas as schemas
from web.api.auth import ALL_ROLES, current_user, roles
from web.api.schemas import Problem
from web.api.spec import api, responses
from web.audit import current_origin
from web.extensions import db

bp = Blueprint("api_partners", __name__)

PARTNER_ID = "<int(max=2147483647):partner_id>"


def represent(partner: Partner, ties: list[int]) -> schemas.Partner:
    return schemas.Partner(
        id=partner.id, name=partner.name, kind=partner.kind, gemeente=partner.gemeente.name,
        postcode=partner.postcode, languages=partner.languages or [],
        description=partner.description, ties=ties, active=partner.active,
        # HSDS publishes no peer mentor as an organization (web/hsds/directory.py).
        hsds_organization_id=None if partner.kind == "mentor" else partner.uuid,
    )


def _one(partner: Partner) -> schemas.Partner:
    return represent(partner, ties_of(db.session, [partner.id])[partner.id])


@bp.get("/partners")
@roles(*ALL_ROLES)
@api.validate(query=schemas.PartnerQuery,
              resp=responses(HTTP_200=schemas.PartnerList, HTTP_403=Problem), tags=["partners"])
def list_partners(query: schemas.PartnerQuery):
    """The active partners; filters ``kind``, ``gemeente``; inactive ones for the coordinator
    with ``status=inactive`` or ``all``."""
    statement = partners_query(viewer_role=current_user().role, status=query.status,
                               kind=query.kind, gemeente=query.gemeente)
    partners = db.session.scalars(statement).all()
    ties = ties_of(db.session, [p.id for p in partners])
    return schemas.PartnerList(partners=[represent(p, ties[p.id]) for p in partners])


@bp.post("/partners")
@roles("coordinator")
@api.validate(json=schemas.PartnerCreate,
              resp=responses(HTTP_201=schemas.Partner, HTTP_403=Problem), tags=["partners"])
def post_partner(json: schemas.PartnerCreate):
    """Add a partner of any kind, with its place, languages and ties."""
    partner = create_partner(db.session, actor_id=current_user().id,
                             fields=json.model_dump(exclude_unset=True), origin=current_origin())
    return _one(partner), 201


@bp.get(f"/partners/{PARTNER_ID}")
@roles(*ALL_ROLES)
@api.validate(resp=responses(HTTP_200=schemas.Partner, HTTP_404=Problem), tags=["partners"])
def read_partner(partner_id: int):
    """One partner with its ties."""
    return _one(get_partner(db.session, actor_id=current_user().id, partner_id=partner_id))


@bp.patch(f"/partners/{PARTNER_ID}")
@roles("coordinator", "partner")
@api.validate(
    json=schemas.PartnerChange,
    resp=responses(HTTP_200=schemas.Partner, HTTP_403=Problem, HTTP_404=Problem,
                   HTTP_409=Problem),
    tags=["partners"],
)
def patch_partner(partner_id: int, json: schemas.PartnerChange):
    """Change a partner; ``"active": false`` deactivates it (409 naming how many referrals
    are under way; otherwise its open offers close and its accounts can no longer sign in).
    A partner changes only its own description, languages and postcode (else 403)."""
    partner = update_partner(db.session, actor_id=current_user().id, partner_id=partner_id,
                             changes=json.model_dump(exclude_unset=True), origin=current_origin())
    return _one(partner)
