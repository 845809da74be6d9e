"""The read-only HSDS 3.1 API under ``/hsds/``, as in HSDS's own openapi.json.

Views parse the query, filter what ``Directory`` publishes and render it
with ``web.hsds.documents``. A coalition's directory holds hundreds of
records, not millions: filtering in Python keeps the mentor rule in one place.
"""

import json
import math

from flask import Blueprint, jsonify, request, url_for

from models.hsds_schema import SCHEMA_DIR
from models.hsds_vocabulary import (
    PARTNER_KIND_TAXONOMY,
    PARTNER_KIND_TERMS,
    TAXONOMIES,
    TERMS,
    TERMS_BY_ID,
)
from web.extensions import db
from web.hsds import paging
from web.hsds.directory import Directory, Service
from web.hsds.documents import (
    HSDS_VERSION,
    organization_document,
    service_at_location_document,
    service_document,
    service_term_ids,
    timestamp,
)
from web.problems import problem

bp = Blueprint("hsds", __name__, url_prefix="/hsds")

HSDS_PROFILE = "https://docs.openreferral.org/en/latest/hsds/overview.html"
EARTH_RADIUS_M = 6_371_000


@bp.errorhandler(paging.BadParameter)
def bad_parameter(error: paging.BadParameter):
    return problem(400, "Ongeldige parameter", error.message,
                   errors=[{"field": error.field, "message": error.message}])


def not_found(what: str):
    return problem(404, "Niet gevonden", f"Deze {what} staat niet in de Wegwijs-gids.")


@bp.get("/")
def about():
    return jsonify(
        version=HSDS_VERSION,
        profile=HSDS_PROFILE,
        openapi_url=url_for("hsds.openapi", _external=True),
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8")))


@bp.get("/services")
def services():
    args = request.args
    paging.only_json(args)
    found = _filter_services(Directory(db.session).services, args)
    if paging.boolean(args, "minimal"):
        return jsonify(paging.page(found, args, lambda s: {
            "id": str(s.offer.uuid), "last_modified": timestamp(s.offer.updated_at)}))
    full = paging.boolean(args, "full")
    return jsonify(paging.page(found, args, lambda s: service_document(s, full=full)))


@bp.get("/services/<service_id>")
def service(service_id: str):
    found = Directory(db.session).service(service_id)
    if found is None:
        return not_found("dienst")
    return jsonify(service_document(found, full=True))


@bp.get("/organizations")
def organizations():
    args = request.args
    paging.only_json(args)
    directory = Directory(db.session)
    found = directory.organizations
    if search := _search_text(args):
        found = [p for p in found if _contains(search, p.name, p.description)]
    if term_id := args.get("taxonomy_term_id"):
        found = [p for p in found if PARTNER_KIND_TERMS[p.kind].id == term_id]
    if (taxonomy_id := args.get("taxonomy_id")) and taxonomy_id != PARTNER_KIND_TAXONOMY.id:
        found = []
    full, full_service = paging.boolean(args, "full"), paging.boolean(args, "full_service")
    return jsonify(paging.page(found, args, lambda p: organization_document(
        directory, p, full=full, full_service=full_service)))


@bp.get("/organizations/<organization_id>")
def organization(organization_id: str):
    directory = Directory(db.session)
    found = directory.organization(organization_id)
    if found is None:
        return not_found("organisatie")
    full_service = paging.boolean(request.args, "full_service")
    return jsonify(organization_document(directory, found, full=True, full_service=full_service))


@bp.get("/service_at_locations")
def service_at_locations():
    args = request.args
    paging.only_json(args)
    directory = Directory(db.session)
    found = _filter_services(directory.services, args)
    if postcode := args.get("postcode"):
        found = _near(directory, found, postcode.strip()[:4], args.get("proximity"))
    full = paging.boolean(args, "full")
    return jsonify(paging.page(found, args, lambda s: service_at_location_document(s, full=full)))


@bp.get("/service_at_locations/<service_at_location_id>")
def service_at_location(service_at_location_id: str):
    found = Directory(db.session).service_at_location(service_at_location_id)
    if found is None:
        return not_found("dienst op locatie")
    return jsonify(service_at_location_document(found, full=True))


@bp.get("/taxonomies")
def taxonomies():
    args = request.args
    paging.only_json(args)
    found = list(TAXONOMIES)
    if search := _search_text(args):
        found = [t for t in found if _contains(search, t.name, t.description)]
    return jsonify(paging.page(found, args, lambda t: t.document()))


@bp.get("/taxonomies/<taxonomy_id>")
def taxonomy(taxonomy_id: str):
    for found in TAXONOMIES:
        if found.id == taxonomy_id:
            return jsonify(found.document())
    return not_found("taxonomie")


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    args = request.args
    paging.only_json(args)
    found = list(TERMS)
    if search := _search_text(args):
        found = [t for t in found if _contains(search, t.code, t.name, t.description)]
    if taxonomy_id := args.get("taxonomy_id"):
        found = [t for t in found if t.taxonomy.id == taxonomy_id]
    if args.get("parent_id"):
        found = []  # the Wegwijs taxonomies are flat
    return jsonify(paging.page(found, args, lambda t: t.document()))


@bp.get("/taxonomy_terms/<term_id>")
def taxonomy_term(term_id: str):
    found = TERMS_BY_ID.get(term_id)
    if found is None:
        return not_found("term")
    return jsonify(found.document())


def _filter_services(found: list[Service], args) -> list[Service]:
    if search := _search_text(args):
        found = [s for s in found if _contains(search, *_searchable(s))]
    if term_id := args.get("taxonomy_term_id"):
        found = [s for s in found if term_id in service_term_ids(s.offer)]
    if taxonomy_id := args.get("taxonomy_id"):
        found = [
            s for s in found
            if any(TERMS_BY_ID[t].taxonomy.id == taxonomy_id for t in service_term_ids(s.offer))
        ]
    if organization_id := args.get("organization_id"):
        found = [s for s in found if str(s.organization.uuid) == organization_id]
    if after := paging.moment(args, "modified_after"):
        found = [s for s in found if s.capacity_updated >= after]
    return found


def _searchable(service: Service) -> tuple:
    doc = service_document(service)
    return doc["name"], doc.get("description"), doc["organization"]["name"]


def _near(directory: Directory, found: list[Service], pc4: str, proximity: str | None):
    if not proximity:
        return [s for s in found if s.place.postcode and s.place.postcode.pc4 == pc4]
    centre = directory.postcode(pc4)
    if centre is None:
        raise paging.BadParameter("postcode", f"Postcode {pc4} ligt niet in de regio Utrecht.")
    try:
        metres = float(proximity)
    except ValueError:
        raise paging.BadParameter("proximity", "proximity moet een aantal meters zijn.") from None
    return [
        s for s in found
        if _distance_m(centre.lat, centre.lon, *s.place.coordinates) <= metres
    ]


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _search_text(args) -> str:
    return (args.get("search") or "").strip().casefold()


def _contains(search: str, *texts: str | None) -> bool:
    return any(search in text.casefold() for text in texts if text)
