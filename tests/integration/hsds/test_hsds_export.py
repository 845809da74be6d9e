"""The HSDS 3.1 API publishes the demo coalition: valid, complete, paged, and without people."""

import json
from datetime import UTC, datetime
from functools import cache

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

import factories
from conftest import DEMO_PASSWORD
from models import Offer, Partner, Referral, Tie
from models.hsds_schema import SCHEMA_DIR
from models.hsds_vocabulary import DOMAIN_TERMS, PARTNER_KIND_TERMS
from seeds.demo import load_demo

# Built here as SOURCE.md describes, independently of the code under test.
SCHEMAS = {
    path.name: json.loads(path.read_text(encoding="utf-8"))
    for path in SCHEMA_DIR.glob("*.json")
    if path.name != "openapi.json"
}
REGISTRY = Registry().with_resources(
    (name, Resource.from_contents(schema, default_specification=DRAFT202012))
    for name, schema in SCHEMAS.items()
)
OPENAPI = json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
PAGE = {
    **OPENAPI["components"]["schemas"]["Page"],
    "required": ["total_items", "total_pages", "page_number", "size", "first_page",
                 "last_page", "empty", "contents"],
}


@cache
def validator_for(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator(SCHEMAS[schema_name], registry=REGISTRY,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(document: dict, schema: dict | str) -> None:
    validator = validator_for(schema) if isinstance(schema, str) else Draft202012Validator(
        schema, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(document)]
    assert not errors, errors


def get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def every_page(client, url: str, per_page: int = 7) -> list[dict]:
    """All contents of a paged list, checking each envelope on the way."""
    contents, number = [], 1
    while True:
        sep = "&" if "?" in url else "?"
        page = get(client, f"{url}{sep}page={number}&per_page={per_page}")
        assert_valid(page, PAGE)
        assert page["page_number"] == number and page["size"] == len(page["contents"])
        assert page["first_page"] == (number == 1)
        contents += page["contents"]
        if page["last_page"]:
            assert page["total_pages"] == number or page["total_items"] == 0
            assert len(contents) == page["total_items"]
            return contents
        number += 1


@pytest.fixture
def demo(session):
    load_demo(session, password=DEMO_PASSWORD)
    return session


def test_every_response_of_the_demo_validates_against_the_hsds_schemas(client, demo):
    about = get(client, "/hsds/")
    assert_valid(about, OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"]
                 ["application/json"]["schema"])
    assert about["version"] == "3.1"

    for full in ("false", "true"):
        for service in every_page(client, f"/hsds/services?full={full}", per_page=40):
            assert_valid(service, "service.json")
        for organization in every_page(client, f"/hsds/organizations?full={full}", per_page=40):
            assert_valid(organization, "organization.json")
        for at in every_page(client, f"/hsds/service_at_locations?full={full}", per_page=40):
            assert_valid(at, "service_at_location.json")
    services = every_page(client, "/hsds/services", per_page=500)
    for service in services:
        document = get(client, f"/hsds/services/{service['id']}")
        assert_valid(document, "service.json")
        capacity = document["capacities"][0]
        assert_valid(capacity, "service_capacity.json")
        assert capacity["unit"]["name"] == "plaats"
        assert document["schedules"] and document["attributes"]
        at = document["service_at_locations"][0]
        assert_valid(get(client, f"/hsds/service_at_locations/{at['id']}"),
                     "service_at_location.json")
    for organization in every_page(client, "/hsds/organizations", per_page=500):
        document = get(client, f"/hsds/organizations/{organization['id']}?full_service=true")
        assert_valid(document, "organization.json")
        for service in document["services"]:
            assert_valid(service, "service.json")
    for taxonomy in every_page(client, "/hsds/taxonomies"):
        assert_valid(taxonomy, "taxonomy.json")
        assert_valid(get(client, f"/hsds/taxonomies/{taxonomy['id']}"), "taxonomy.json")
    for term in every_page(client, "/hsds/taxonomy_terms"):
        assert_valid(term, "taxonomy_term.json")
        assert_valid(get(client, f"/hsds/taxonomy_terms/{term['id']}"), "taxonomy_term.json")
    minimal = get(client, "/hsds/services?minimal=true&per_page=500")["contents"]
    assert {m["id"] for m in minimal} == {s["id"] for s in services}
    for item in minimal:
        assert set(item) == {"id", "last_modified"}
        assert_valid(item, {"properties": SCHEMAS["service.json"]["properties"]})


@pytest.mark.parametrize("per_page", [3, 50])
def test_pagination_covers_every_record_once(client, demo, per_page):
    services = every_page(client, "/hsds/services", per_page=per_page)
    ids = [s["id"] for s in services]
    open_offers = demo.scalars(select(Offer).join(Partner).where(
        Offer.closed_at.is_(None), Partner.kind != "mentor")).all()
    assert len(ids) == len(set(ids))
    assert {str(o.uuid) for o in open_offers} <= set(ids)

    organizations = every_page(client, "/hsds/organizations", per_page=per_page)
    expected = set(demo.scalars(select(Partner.uuid).where(Partner.kind != "mentor")))
    assert sorted(o["id"] for o in organizations) == sorted(str(u) for u in expected)

    places = every_page(client, "/hsds/service_at_locations", per_page=per_page)
    assert sorted(p["service_id"] for p in places) == sorted(ids)


def test_a_page_past_the_end_is_empty_and_bad_paging_is_refused(client, demo):
    total = get(client, "/hsds/organizations?per_page=10")["total_pages"]
    beyond = get(client, f"/hsds/organizations?per_page=10&page={total + 1}")
    assert beyond["empty"] and beyond["contents"] == [] and beyond["last_page"]
    for query in ("page=0", "per_page=abc", "per_page=100000", "full=misschien",
                  "modified_after=gisteren", "format=ndjson"):
        response = client.get(f"/hsds/services?{query}")
        assert response.status_code == 400, query
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"][0]["field"] == query.split("=")[0]
    assert client.get("/hsds/services/8d0f7c1e-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/hsds/organizations/geen-uuid").status_code == 404


def test_no_mentor_name_and_no_person_appears_anywhere(client, demo):
    mentors = demo.scalars(select(Partner).where(Partner.kind == "mentor")).all()
    assert mentors
    # A mentor's free-text title and description must not leak either.
    mentor = mentors[0]
    factories.offer(demo, partner_id=mentor.id, title=f"Koken met {mentor.name}",
                    description=f"{mentor.name} helpt je", domain="sociaal_netwerk",
                    kind="mentoraat")
    factories.inburgeraar(demo, pseudonym="IB-ZICHTBAAR")
    dump = json.dumps([
        every_page(client, "/hsds/services?full=true", per_page=500),
        every_page(client, "/hsds/organizations?full=true", per_page=500),
        every_page(client, "/hsds/service_at_locations?full=true", per_page=500),
    ], ensure_ascii=False)
    for name in [m.name for m in mentors] + ["Mentor ", "IB-"]:
        assert name not in dump
    for mentor in mentors:
        assert str(mentor.uuid) not in dump


def test_a_mentors_offer_is_published_under_the_project_it_is_tied_to(client, session):
    project = factories.partner(session, kind="maatjesproject", name="Maatjes Test (fictief)",
                                postcode="3563")
    mentor = factories.partner(session, kind="mentor", name="Mentor Q. (fictief)",
                               postcode="3701")
    loner = factories.partner(session, kind="mentor", name="Mentor Z. (fictief)")
    low, high = sorted((project.id, mentor.id))
    session.add(Tie(partner_a_id=low, partner_b_id=high))
    tied = factories.offer(session, partner_id=mentor.id, domain="sociaal_netwerk",
                           kind="mentoraat", postcode="3701", languages=["ti", "nl"])
    untied = factories.offer(session, partner_id=loner.id, domain="sociaal_netwerk",
                             kind="mentoraat")
    service = get(client, f"/hsds/services/{tied.uuid}")
    assert service["organization_id"] == str(project.uuid)
    assert service["name"] == "Mentoraat door een ervaringsdeskundige"
    location = service["service_at_locations"][0]["location"]
    assert location["external_identifier"] == "3563"  # the project's place, not the mentor's
    assert [language["code"] for language in service["languages"]] == ["ti", "nl"]
    assert client.get(f"/hsds/services/{untied.uuid}").status_code == 404
    assert client.get(f"/hsds/organizations/{mentor.uuid}").status_code == 404


def test_free_places_count_the_referrals_that_hold_one_and_closed_offers_are_hidden(
        client, session):
    offer = factories.offer(session, capacity=4)
    closed = factories.offer(session, closed_at=datetime.now(UTC))
    for status in ("sent", "accepted", "started", "declined", "completed"):
        session.add(Referral(inburgeraar=factories.inburgeraar(session), offer=offer,
                             status=status))
    session.commit()
    capacity = get(client, f"/hsds/services/{offer.uuid}")["capacities"][0]
    assert (capacity["available"], capacity["maximum"]) == (1, 4)
    assert client.get(f"/hsds/services/{closed.uuid}").status_code == 404
    listed = every_page(client, "/hsds/services", per_page=100)
    assert str(closed.uuid) not in {s["id"] for s in listed}


def test_the_documents_carry_the_offers_rules_in_dutch_and_as_terms(client, session):
    offer = factories.offer(session, min_level="A1", max_level="A2", leerroutes=["b1", "z"],
                            women_only=True, min_age=18, schedule=["ochtend", "weekend"],
                            languages=["ar"], postcode="3563")
    service = get(client, f"/hsds/services/{offer.uuid}")
    assert service["eligibility_description"] == (
        "Taalniveau A1 tot en met A2. Voor de B1-route en Z-route. Vanaf 18 jaar. "
        "Alleen voor vrouwen.")
    assert [(s["byday"], s["opens_at"]) for s in service["schedules"]] == [
        ("MO,TU,WE,TH,FR", "09:00:00"), ("SA,SU", "10:00:00")]
    assert service["languages"][0]["name"] == "Arabisch"
    location = service["service_at_locations"][0]["location"]
    assert location["name"] == "Omgeving postcode 3563, Utrecht"
    assert "addresses" not in location


def test_filters_of_the_hsds_api(client, demo):
    taal = DOMAIN_TERMS["taal"].id
    by_term = every_page(client, f"/hsds/services?taxonomy_term_id={taal}&full=true", 500)
    assert by_term and all(
        any(a["taxonomy_term_id"] == taal for a in s["attributes"]) for s in by_term)
    partner = demo.scalars(select(Partner).where(Partner.name.like("Taalschool Domstad%"))).one()
    own = every_page(client, f"/hsds/services?organization_id={partner.uuid}", 500)
    assert own and {s["organization_id"] for s in own} == {str(partner.uuid)}
    found = every_page(client, "/hsds/services?search=avondcursus", 500)
    assert found and all("avondcursus" in s["name"].lower() for s in found)
    future = get(client, "/hsds/services?modified_after=2999-01-01T00:00:00Z")
    assert future["empty"]
    scholen = every_page(
        client, f"/hsds/organizations?taxonomy_term_id={PARTNER_KIND_TERMS['taalschool'].id}")
    taalscholen = demo.scalars(select(Partner).where(Partner.kind == "taalschool")).all()
    assert sorted(o["id"] for o in scholen) == sorted(str(p.uuid) for p in taalscholen)
    near = every_page(client, "/hsds/service_at_locations?postcode=3512&proximity=3000", 500)
    exact = every_page(client, "/hsds/service_at_locations?postcode=3512", 500)
    assert set(p["id"] for p in exact) <= set(p["id"] for p in near)
