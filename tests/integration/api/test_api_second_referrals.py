"""API 1.2.0: one referral under way per domain unless ``additional``, ``served_by`` in the
matches, and notes refused when they hold personal data."""

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import func, select

import factories
from models.referral import Referral
from models.waitlist import WaitlistEntry

world = api_world.world


def _refer(client, world, offer, **extra):
    body = {"inburgeraar_id": world["person_utrecht"].id, "offer_id": offer.id, **extra}
    return client.post("/api/v1/referrals", json=body, headers=world["auth"]["km_utrecht"])


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def second_course(session, world):
    return factories.offer(session, partner=world["school"], title="Taalcafé", kind="activiteit")


@pytest.mark.parametrize("status", ["sent", "accepted", "started"])
def test_a_second_referral_in_a_served_domain_is_a_409_naming_the_first(
        client, session, world, second_course, status):
    first = _refer(client, world, world["course"]).get_json()
    school = world["auth"]["school"]
    for step in {"sent": [], "accepted": ["accepted"],
                 "started": ["accepted", "started"]}[status]:
        client.patch(f"/api/v1/referrals/{first['id']}", json={"status": step}, headers=school)

    body = assert_problem(_refer(client, world, second_course), 409)
    assert body["referral_id"] == first["id"]
    assert f"verwijzing {first['id']}" in body["detail"]
    assert "taal" in body["detail"]
    assert _count(session, Referral) == 1


def test_additional_true_refers_beside_the_one_under_way(client, session, world, second_course):
    _refer(client, world, world["course"])
    response = _refer(client, world, second_course, additional=True)
    assert response.status_code == 201, response.get_json()
    assert _count(session, Referral) == 2


def test_a_domain_is_free_again_once_its_referral_ended(client, world, second_course):
    first = _refer(client, world, world["course"]).get_json()
    client.patch(f"/api/v1/referrals/{first['id']}", json={"status": "withdrawn"},
                 headers=world["auth"]["km_utrecht"])
    assert _refer(client, world, second_course).status_code == 201


def test_the_schema_declares_additional_and_served_by(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    create = next(s for name, s in schemas.items() if name.startswith("ReferralCreate"))
    assert create["properties"]["additional"]["type"] == "boolean"
    assert "additional" not in create.get("required", [])
    matches = next(s for name, s in schemas.items() if name.startswith("MatchList"))
    assert "served_by" in matches["properties"]
    assert "served_by" in matches["required"]


def test_matches_name_the_referral_that_serves_the_domain_and_still_list_offers(
        client, session, world, second_course):
    person = world["person_utrecht"]
    url = f"/api/v1/inburgeraars/{person.id}/matches?domain=taal"
    auth = world["auth"]["km_utrecht"]
    before = client.get(url, headers=auth).get_json()
    assert before["served_by"] is None
    assert {m["offer_id"] for m in before["matches"]} == {world["course"].id, second_course.id}

    first = _refer(client, world, world["course"]).get_json()
    after = client.get(url, headers=auth).get_json()
    assert after["served_by"] == first["id"]
    assert [m["offer_id"] for m in after["matches"]] == [second_course.id]
    assert client.get(f"/api/v1/inburgeraars/{person.id}/matches?domain=werk",
                      headers=auth).get_json()["served_by"] is None


@pytest.mark.parametrize("note, kind", [
    ("BSN 111222333", "een BSN"),
    ("Bel 06-12345678", "een telefoonnummer"),
    ("mail amina@example.nl", "een e-mailadres"),
    ("NL91 ABNA 0417 1643 00", "een IBAN"),
])
def test_a_referral_note_with_personal_data_is_a_422_naming_note(client, session, world, note,
                                                                   kind):
    body = assert_problem(_refer(client, world, world["course"], note=note), 422)
    [error] = body["errors"]
    assert error["field"] == "note"
    assert kind in error["message"]
    assert _count(session, Referral) == 0


def test_ordinary_numbers_in_a_note_pass(client, world):
    note = "Kenmerk 123456789, woont bij 3511 AB, start 01-02-2024 10:00"
    response = _refer(client, world, world["course"], note=note)
    assert response.status_code == 201
    assert response.get_json()["note"] == note


def test_a_waitlist_note_and_a_decline_reason_are_checked_too(client, session, world):
    full = factories.offer(session, partner=world["school"], capacity=0)
    response = client.post(f"/api/v1/offers/{full.id}/waitlist",
                           headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": world["person_utrecht"].id,
                                 "note": "tel 030-1234567"})
    assert assert_problem(response, 422)["errors"][0]["field"] == "note"
    assert _count(session, WaitlistEntry) == 0

    referral = _refer(client, world, world["course"]).get_json()
    response = client.patch(f"/api/v1/referrals/{referral['id']}", headers=world["auth"]["school"],
                            json={"status": "declined", "reason_code": "anders",
                                  "reason": "Zij belde vanaf 0612345678"})
    assert assert_problem(response, 422)["errors"][0]["field"] == "reason"
    session.expire_all()
    assert session.get(Referral, referral["id"]).status == "sent"


def test_an_offer_with_referrals_under_way_keeps_its_domain(client, session, world):
    """A person holds one referral under way per domain: moving an offer the person is
    referred to into a domain where they hold another would make two (and served_by tell
    only one). Before, the PATCH (and the HSDS import) moved it; now it is a 422 naming
    ``domain`` while referrals are under way, and a domain once they ended."""
    cafe = factories.offer(session, partner=world["school"], title="Buurtkamer",
                           kind="activiteit", domain="sociaal_netwerk")
    person = world["person_utrecht"]
    person.needs = person.needs + [type(person.needs[0])(domain="sociaal_netwerk", weight=1)]
    session.commit()
    assert _refer(client, world, world["course"]).status_code == 201
    referred = _refer(client, world, cafe)
    assert referred.status_code == 201, referred.get_json()

    moved = client.patch(f"/api/v1/offers/{cafe.id}", json={"domain": "taal"},
                         headers=world["auth"]["school"])
    body = assert_problem(moved, 422)
    assert [e["field"] for e in body["errors"]] == ["domain"]
    session.expire_all()
    assert session.get(type(cafe), cafe.id).domain == "sociaal_netwerk"

    client.patch(f"/api/v1/referrals/{referred.get_json()['id']}", json={"status": "withdrawn"},
                 headers=world["auth"]["km_utrecht"])
    moved = client.patch(f"/api/v1/offers/{cafe.id}", json={"domain": "taal"},
                         headers=world["auth"]["school"])
    assert moved.status_code == 200, moved.get_json()
