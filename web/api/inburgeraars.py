"""``/api/v1/inburgeraars``: a klantmanager's own gemeente's people, or all for the coordinator."""

from flask import Blueprint
from sqlalchemy.orm import selectinload

from models import access
from models.inburgeraars import KEEP, create_inburgeraar, update_inburgeraar
from models.matcher_cache import cached
from models.matches import ranked
from models.people import Inburgeraar
from models.under_way import served_by
from web.api import representations, schemas
from web.api.auth import current_user, roles
from web.api.spec import api, responses
from web.audit import log_access
from web.extensions import db

bp = Blueprint("api_inburgeraars", __name__)

ROLES = access.INBURGERAAR_ROLES
PERSON_ID = "<int(max=2147483647):inburgeraar_id>"
FORBIDDEN = {"HTTP_403": schemas.Problem}
UNKNOWN = {"HTTP_403": schemas.Problem, "HTTP_404": schemas.Problem}


@bp.get("/inburgeraars")
@roles(*ROLES)
@api.validate(
    resp=responses(takes_input=False, HTTP_200=schemas.InburgeraarList, **FORBIDDEN),
    tags=["inburgeraars"],
)
def list_inburgeraars():
    """The inburgeraars of the klantmanager's gemeente (all for the coordinator)."""
    statement = (
        access.inburgeraars_visible_to(current_user())
        .options(selectinload(Inburgeraar.needs), selectinload(Inburgeraar.pip),
                 selectinload(Inburgeraar.gemeente))
        .order_by(Inburgeraar.id)
    )
    people = db.session.scalars(statement).all()
    body = schemas.InburgeraarList(inburgeraars=[representations.inburgeraar(p) for p in people])
    log_access("list", [p.id for p in people])
    return body


@bp.post("/inburgeraars")
@roles(*ROLES)
@api.validate(
    json=schemas.InburgeraarCreate,
    resp=responses(HTTP_201=schemas.Inburgeraar, **FORBIDDEN),
    tags=["inburgeraars"],
)
def post_inburgeraar(json: schemas.InburgeraarCreate):
    """Record an inburgeraar, pseudonymously, with the needs of the brede intake."""
    fields = json.model_dump(
        exclude_unset=True, exclude={"gemeente_id", "gemeente", "pseudonym", "needs", "pip"}
    )
    person = create_inburgeraar(
        db.session,
        actor_id=current_user().id,
        gemeente_id=json.gemeente_id,
        gemeente=json.gemeente,
        pseudonym=json.pseudonym,
        fields=fields,
        needs=json.needs,
        pip=json.pip.model_dump() if json.pip else None,
    )
    body = representations.inburgeraar(person)
    log_access("create", [person.id])
    return body, 201


@bp.get(f"/inburgeraars/{PERSON_ID}")
@roles(*ROLES)
@api.validate(resp=responses(HTTP_200=schemas.Inburgeraar, **UNKNOWN), tags=["inburgeraars"])
def get_inburgeraar(inburgeraar_id: int):
    """One inburgeraar with their needs."""
    person = access.get_inburgeraar(db.session, current_user(), inburgeraar_id)
    body = representations.inburgeraar(person)
    log_access("read", [person.id])
    return body


@bp.patch(f"/inburgeraars/{PERSON_ID}")
@roles(*ROLES)
@api.validate(
    json=schemas.InburgeraarChange,
    resp=responses(HTTP_200=schemas.Inburgeraar, **UNKNOWN),
    tags=["inburgeraars"],
)
def patch_inburgeraar(inburgeraar_id: int, json: schemas.InburgeraarChange):
    """Change an inburgeraar; ``needs``, when given, replaces every need."""
    person = update_inburgeraar(
        db.session,
        actor_id=current_user().id,
        inburgeraar_id=inburgeraar_id,
        changes=json.model_dump(exclude_unset=True, exclude={"needs", "pip"}),
        needs=json.needs,
        pip=_pip_change(json),
    )
    body = representations.inburgeraar(person)
    log_access("update", [person.id])
    return body


def _pip_change(json: schemas.InburgeraarChange):
    """Left out: the PIP stays; null: no PIP any more; given: the new PIP."""
    if "pip" not in json.model_fields_set:
        return KEEP
    return json.pip.model_dump() if json.pip else None


@bp.get(f"/inburgeraars/{PERSON_ID}/matches")
@roles(*ROLES)
@api.validate(
    query=schemas.MatchQuery,
    resp=responses(HTTP_200=schemas.MatchList, **UNKNOWN),
    tags=["inburgeraars"],
)
def get_matches(inburgeraar_id: int, query: schemas.MatchQuery):
    """The eligible open offers for this inburgeraar, best first, with scores and reasons.

    Items as the matcher's ``rank`` gives them: ``offer_id``, ``partner_id``,
    ``domain``, ``score`` (the estimated chance of success), ``components`` (each
    one's contribution to that chance) and Dutch ``reasons``. With ``domain``,
    ``served_by`` names the person's referral under way in it: the domain is
    served, and the offers are listed for an additional referral.
    """
    person_id = access.visible_inburgeraar_id(db.session, current_user(), inburgeraar_id)
    key = ("matches", person_id, query.domain, query.top)
    # The referral under way too: a referral's move changes the version like any other.
    matches, serving = cached(db.session, key, lambda: (
        _ranked(person_id, query),
        served_by(db.session, person_id, query.domain) if query.domain else None))
    log_access("match", [person_id])
    return schemas.MatchList(matches=matches, served_by=serving)


def _ranked(person_id: int, query: schemas.MatchQuery) -> list[schemas.Match]:
    found = ranked(db.session, person_id, domain=query.domain, top=query.top)
    return [
        schemas.Match.model_construct(
            offer_id=int(m.offer_id),
            partner_id=int(m.partner_id),
            domain=m.domain,
            score=round(m.score, 4),
            components={k: round(v, 4) for k, v in m.components.items()},
            reasons=list(m.reasons),
        )
        for m in found
    ]
