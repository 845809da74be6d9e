"""One meaning of null in every body, the rules the document states, and every bad field
named at once (API.md, Errors)."""

from datetime import timedelta

import api_world
import pytest
from api_world import assert_problem

import factories
from models.clock import local_today
from models.person_fields import RECORDED_FIELDS, empty_value

world = api_world.world
PIP = {"dagtekening": "2026-03-02", "leerroute": "B"}


def tomorrow() -> str:
    """Asked when the test runs, not at import: a run may pass midnight before it gets here."""
    return (local_today() + timedelta(days=1)).isoformat()


def _person(client, world, **fields):
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                           json={"needs": {"taal": 2}, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _patch(client, world, person_id, body):
    return client.patch(f"/api/v1/inburgeraars/{person_id}", headers=world["auth"]["km_utrecht"],
                        json=body)


def test_null_sets_every_person_field_to_its_empty_value(client, session, world):
    mentor = factories.partner(session, kind="mentor")
    full = {"postcode": "3512", "gender": "v", "birth_year": 1990, "arrived_on": "2024-01-02",
            "languages": ["ar"], "level": "A2", "leerroute": "b1", "education": "mbo",
            "availability": ["ochtend"], "childcare_needed": True, "max_travel_km": 10,
            "sectors": ["zorg"], "mentor_id": mentor.id, "goals": "Werk",
            "latin_literate": False, "duaal": True}
    person = _person(client, world, **full)
    nulls = {field.name: None for field in RECORDED_FIELDS}
    body = _patch(client, world, person["id"], nulls).get_json()
    assert {name: body[name] for name in nulls} == {
        f.name: empty_value(f.name) for f in RECORDED_FIELDS}
    assert body["latin_literate"] is True  # a flag's empty value is its default
    assert body["needs"] == {"taal": 2.0}  # left out: unchanged


def test_null_removes_the_pip_and_leaving_it_out_keeps_it(client, world):
    person = _person(client, world, pip=PIP)
    kept = _patch(client, world, person["id"], {"goals": "Taal"}).get_json()
    assert kept["pip"]["leerroute"] == "B"
    assert _patch(client, world, person["id"], {"pip": None}).get_json()["pip"] is None


@pytest.mark.parametrize("body", [{"needs": None}, {"needs": {}}])
def test_needs_cannot_be_null_or_empty(client, world, body):
    person = _person(client, world)
    errors = assert_problem(_patch(client, world, person["id"], body), 422)["errors"]
    assert [e["field"] for e in errors] == ["needs"]


@pytest.mark.parametrize("field", ["title", "domain", "capacity"])
def test_an_offers_required_fields_take_no_null(client, world, field):
    response = client.patch(f"/api/v1/offers/{world['course'].id}",
                            headers=world["auth"]["school"], json={field: None})
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == [field]


def test_null_empties_an_offers_lists_and_flags(client, world):
    url, headers = f"/api/v1/offers/{world['course'].id}", world["auth"]["school"]
    client.patch(url, headers=headers, json={"schedule": ["ochtend"], "childcare": True})
    body = client.patch(url, headers=headers, json={"schedule": None, "childcare": None,
                                                    "description": None}).get_json()
    assert (body["schedule"], body["childcare"], body["description"]) == ([], False, None)


@pytest.mark.parametrize("body", [{"lat": 52.1}, {"lon": 5.1}, {"lat": 52.1, "lon": None}])
def test_lat_and_lon_only_together_even_when_the_offer_has_both(client, session, world, body):
    course = world["course"]
    course.lat, course.lon = 52.0, 5.0
    session.commit()
    response = client.patch(f"/api/v1/offers/{course.id}", headers=world["auth"]["school"],
                            json=body)
    assert {e["field"] for e in assert_problem(response, 422)["errors"]} <= {"lat", "lon"}
    session.refresh(course)
    assert (course.lat, course.lon) == (52.0, 5.0)


def test_a_whole_number_written_with_a_fraction_is_a_whole_number(client, world):
    response = client.patch(f"/api/v1/offers/{world['course'].id}",
                            headers=world["auth"]["school"], json={"capacity": 7.0})
    assert response.get_json()["capacity"] == 7
    response = client.patch(f"/api/v1/offers/{world['course'].id}",
                            headers=world["auth"]["school"], json={"capacity": 7.5})
    assert_problem(response, 422)


def _dated(field: str, day: str) -> dict:
    return {"arrived_on": day} if field == "arrived_on" else {"pip": {**PIP, "dagtekening": day}}


@pytest.mark.parametrize("field", ["arrived_on", "pip.dagtekening"])
def test_a_date_of_what_happened_is_not_in_the_future(client, world, field):
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                           json={"needs": {"taal": 1}, **_dated(field, tomorrow())})
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == [field]
    _person(client, world, **_dated(field, local_today().isoformat()))


def test_a_422_names_every_bad_field_the_pips_rules_among_them(client, world):
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"], json={
        "level": "Z9", "arrived_on": tomorrow(), "leerroute": "z", "latin_literate": True,
        "pip": {"dagtekening": tomorrow(), "leerroute": "O", "niveau": "A2", "alfabetisering": "A",
                "intensiteit_b1_uren": 10},
    })
    assert {e["field"] for e in assert_problem(response, 422)["errors"]} == {
        "level", "needs", "arrived_on", "leerroute", "latin_literate", "pip.dagtekening",
        "pip.niveau", "pip.intensiteit_b1_uren"}


def test_with_a_pip_giving_alfabetisering_literacy_is_false_or_left_out_never_null(
        client, world):
    pip = {**PIP, "leerroute": "Z", "alfabetisering": "AA"}
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                           json={"needs": {"taal": 1}, "pip": pip, "latin_literate": None})
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["latin_literate"]
    rules = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"][
        "InburgeraarCreate"]["allOf"]
    literacy = [rule["then"]["properties"]["latin_literate"] for rule in rules
                if "latin_literate" in rule.get("then", {}).get("properties", {})]
    assert literacy == [{"const": False}]  # the document refuses null there too
    for body in ({}, {"latin_literate": False}):
        _person(client, world, pip=pip, **body)


def test_the_document_says_what_null_does_for_every_nullable_body_field(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    said = 0
    for name in ("InburgeraarCreate", "InburgeraarChange", "OfferCreate", "OfferChange"):
        for field, schema in schemas[name]["properties"].items():
            if any(branch.get("type") == "null" for branch in schema.get("anyOf", [])):
                assert "null" in schema.get("description", ""), (name, field)
                said += 1
    assert said > 40
    assert "`null`" in document["info"]["description"]


def test_the_document_states_the_rules_across_fields(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["OfferChange"]["dependentRequired"] == {"lat": ["lon"], "lon": ["lat"]}
    assert "needs" in schemas["InburgeraarCreate"]["required"]
    assert schemas["InburgeraarChange"]["properties"]["needs"]["minProperties"] == 1
    assert len(schemas["PipFields"]["allOf"]) == 3


def test_the_document_states_the_reason_codes_rules(client):
    # models.reason_codes.check_reason: a code with declined and dropped only, anders with text.
    referral_change = client.get("/api/v1/openapi.json").get_json()[
        "components"]["schemas"]["ReferralChange"]
    coded, anders = referral_change["allOf"]
    assert sorted(coded["if"]["properties"]["status"]["enum"]) == ["declined", "dropped"]
    assert anders["then"]["required"] == ["reason"]
