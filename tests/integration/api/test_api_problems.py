"""Every API error is application/problem+json in Dutch; a failing request changes nothing."""

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import func, select

from models.coalition import Offer
from models.people import Inburgeraar, Need
from models.referral_service import refer
from models.unit_of_work import UnitOfWork

world = api_world.world


def test_unknown_route_and_method_under_api_are_problems(client, world):
    headers = world["auth"]["coordinator"]
    assert assert_problem(client.get("/api/v1/bestaat-niet", headers=headers), 404)["title"] == (
        "Niet gevonden"
    )
    assert_problem(client.get("/api/v1/offers/niet-een-getal", headers=headers), 404)
    response = client.put("/api/v1/offers", headers=headers, json={})
    assert assert_problem(response, 405)["title"] == "Methode niet toegestaan"
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


def test_invalid_input_names_every_bad_field_in_dutch(client, session, world):
    before = session.scalar(select(func.count()).select_from(Offer))
    response = client.post("/api/v1/offers", headers=world["auth"]["school"], json={
        "title": "", "domain": "koken", "capacity": -1, "min_level": "B3", "lat": 200,
        "schedule": ["nacht"], "onbekend": True,
    })
    body = assert_problem(response, 422)
    assert body["title"] == "Ongeldige invoer"
    fields = {e["field"] for e in body["errors"]}
    assert {"title", "domain", "capacity", "min_level", "lat", "schedule.0", "onbekend"} <= fields
    assert all(e["message"] and e["message"][0].isupper() for e in body["errors"])
    assert session.scalar(select(func.count()).select_from(Offer)) == before


def test_rules_across_fields_are_checked_before_writing(client, session, world):
    course = world["course"]
    response = client.patch(f"/api/v1/offers/{course.id}", headers=world["auth"]["school"], json={
        "title": "Nieuw", "min_level": "B2", "max_level": "A1", "min_age": 40, "max_age": 20,
        "postcode": "9999",
    })
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert fields == {"max_level", "max_age", "postcode"}
    session.refresh(course)
    assert course.title == "Testcursus" and course.min_level is None


def test_a_failing_inburgeraar_write_leaves_the_database_unchanged(client, session, world):
    person = world["person_utrecht"]
    counts = (
        session.scalar(select(func.count()).select_from(Inburgeraar)),
        session.scalar(select(func.count()).select_from(Need)),
    )
    response = client.patch(f"/api/v1/inburgeraars/{person.id}",
                            headers=world["auth"]["km_utrecht"],
                            json={"level": "B1", "needs": {"werk": 2}, "mentor_id": 999999})
    assert assert_problem(response, 422)["errors"][0]["field"] == "mentor_id"
    session.expire_all()
    assert person.level == "A1" and person.needs_by_domain == {"taal": 2}
    created = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                          json={"postcode": "0000", "needs": {"taal": 0}})
    fields = {e["field"] for e in assert_problem(created, 422)["errors"]}
    assert fields == {"postcode", "needs.taal"}
    assert counts == (
        session.scalar(select(func.count()).select_from(Inburgeraar)),
        session.scalar(select(func.count()).select_from(Need)),
    )


def test_capacity_cannot_drop_below_the_places_held(client, session, world):
    with UnitOfWork(session):
        refer(session, actor_id=world["users"]["km_utrecht"].id,
              inburgeraar_id=world["person_utrecht"].id, offer_id=world["course"].id)
    response = client.patch(f"/api/v1/offers/{world['course'].id}",
                            headers=world["auth"]["school"], json={"capacity": 0})
    assert assert_problem(response, 422)["errors"][0]["field"] == "capacity"


def test_malformed_json_is_a_400_problem(client, world):
    response = client.post("/api/v1/referrals", headers={**world["auth"]["km_utrecht"],
                           "Content-Type": "application/json"}, data="{niet json")
    assert_problem(response, 400)


@pytest.mark.parametrize("route", ["/inburgeraars", "/offers", "/referrals", "/account/password",
                                   "/tokens"])
# The caller may use the route: only the body is wrong.
@pytest.mark.parametrize("content_type", [
    "multipart/form-data", "application/x-www-form-urlencoded", "text/plain", None,
])
def test_a_body_that_is_no_json_is_a_400_and_creates_nothing(
    client, session, world, route, content_type
):
    """Even multipart without a boundary: never a 500, and never read as an empty object."""
    before = session.scalar(select(func.count()).select_from(Inburgeraar))
    headers = {**world["auth"]["coordinator" if route == "/offers" else "km_utrecht"]}
    if content_type:
        headers["Content-Type"] = content_type
    response = client.post(f"/api/v1{route}", headers=headers, data="x=1")
    assert assert_problem(response, 400)["title"] == "Ongeldig verzoek"
    assert session.scalar(select(func.count()).select_from(Inburgeraar)) == before


def test_json_that_is_not_an_object_is_a_422_naming_the_body(client, world):
    # Valid JSON of the wrong shape: the fields are wrong, not the request (web/api/json_body.py).
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"], json=[])
    assert assert_problem(response, 422)["errors"][0]["field"] == "body"


def test_an_id_beyond_the_converter_is_a_404_whatever_the_method(client, world):
    headers = world["auth"]["coordinator"]
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)("/api/v1/offers/2147483648", headers=headers, json={})
        assert_problem(response, 404)
    # A method the URL really lacks is still a 405.
    assert_problem(client.put(f"/api/v1/offers/{world['course'].id}", headers=headers), 405)


def test_json_types_are_strict_in_bodies(client, world):
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                           json={"latin_literate": 0, "birth_year": "1990"})
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert fields == {"latin_literate", "birth_year", "needs"}


def test_an_unexpected_failure_is_a_500_problem(app, client, world, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("stuk")

    monkeypatch.setattr("web.api.offers.free_places", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    body = assert_problem(client.get("/api/v1/offers", headers=world["auth"]["coordinator"]), 500)
    assert body["title"] == "Interne fout" and "stuk" not in body["detail"]


def test_docs_page_and_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert [server["url"] for server in document["servers"]] == ["/api/v1"]
    assert "/inburgeraars/{inburgeraar_id}/matches" in document["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"/api/v1/referrals" in page.data
    assert b"<script src=\"http" not in page.data and b"cdn" not in page.data.lower()


@pytest.mark.parametrize("url, fields", [
    ("/api/v1/offers?domain=koken&partner_id=x", {"domain", "partner_id"}),
    ("/api/v1/referrals?status=weg&offer_id=0", {"status", "offer_id"}),
    ("/api/v1/partners?kind=school", {"kind"}),
])
def test_a_bad_filter_is_named_once_by_its_own_name_in_dutch(client, world, url, fields):
    # An optional filter is "a value or absent": the absent branch is no field of the request.
    body = assert_problem(client.get(url, headers=world["auth"]["coordinator"]), 422)
    assert [e["field"] for e in body["errors"]] == sorted(fields, key=url.index)
    choices = [e["message"] for e in body["errors"] if "een van deze waarden" in e["message"]]
    assert choices and all(" or " not in m for m in choices)
