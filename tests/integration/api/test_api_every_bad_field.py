"""API.md, Errors: "A 422 lists every bad field of the request at once ... not only the first
found". A note that holds personal data is one bad field; the offer the person is not eligible
for, or a decline without its reason code, is another of the same request: both are named."""

import api_world
from api_world import assert_problem
from sqlalchemy import func, select

import factories
from models.people import Inburgeraar
from models.referral import Referral
from models.referral_service import refer
from models.unit_of_work import UnitOfWork
from models.waitlist import WaitlistEntry

world = api_world.world
PHONE = "Bel haar op 0612345678"


def _beginner_and_course(session, world, capacity=5):
    """A person at A0 and the course from A2: not eligible (the level rule)."""
    course = world["course"]
    course.min_level, course.capacity = "A2", capacity
    person = factories.inburgeraar(session, level="A0")
    session.commit()
    return person, course


def test_a_referral_names_the_note_and_the_rule_at_once(client, session, world):
    person, course = _beginner_and_course(session, world)
    response = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": person.id, "offer_id": course.id,
                                 "note": PHONE})
    errors = assert_problem(response, 422)["errors"]
    assert [e["field"] for e in errors] == ["note", "offer_id"]
    assert errors[1]["rule"] == "level"
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_a_note_with_personal_data_still_comes_before_a_conflict(client, session, world):
    # Bad input is named before the 409s, as it was: the referral to an offer already held.
    person = world["person_utrecht"]
    with UnitOfWork(session):
        refer(session, actor_id=world["users"]["km_utrecht"].id, inburgeraar_id=person.id,
              offer_id=world["course"].id)
    response = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": person.id, "offer_id": world["course"].id,
                                 "note": PHONE})
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["note"]


def test_a_note_on_a_waitlist_comes_before_the_referral_held(client, session, world):
    person, course = world["person_utrecht"], world["course"]
    with UnitOfWork(session):
        refer(session, actor_id=world["users"]["km_utrecht"].id, inburgeraar_id=person.id,
              offer_id=course.id)
    course.capacity = 1
    session.commit()
    response = client.post(f"/api/v1/offers/{course.id}/waitlist",
                           headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": person.id, "note": PHONE})
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["note"]


def test_joining_a_waitlist_names_the_note_and_the_rule_at_once(client, session, world):
    person, course = _beginner_and_course(session, world, capacity=0)
    response = client.post(f"/api/v1/offers/{course.id}/waitlist",
                           headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": person.id, "note": PHONE})
    errors = assert_problem(response, 422)["errors"]
    assert [e["field"] for e in errors] == ["note", "inburgeraar_id"]
    assert session.scalar(select(func.count()).select_from(WaitlistEntry)) == 0


def test_a_decline_names_the_missing_code_and_the_reason_at_once(client, session, world):
    with UnitOfWork(session):
        referral = refer(session, actor_id=world["users"]["km_utrecht"].id,
                         inburgeraar_id=world["person_utrecht"].id, offer_id=world["course"].id)
    response = client.patch(f"/api/v1/referrals/{referral.id}", headers=world["auth"]["school"],
                            json={"status": "declined", "reason": PHONE})
    errors = assert_problem(response, 422)["errors"]
    assert sorted(e["field"] for e in errors) == ["reason", "reason_code"]
    session.refresh(referral)
    assert referral.status == "sent"


def _fields(response) -> list[str]:
    return sorted(e["field"] for e in assert_problem(response, 422)["errors"])


def test_a_postcode_outside_the_u16_is_named_beside_an_invalid_field(client, session, world):
    before = session.scalar(select(func.count()).select_from(Inburgeraar))
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                           json={"needs": {"taal": 1}, "level": "B3", "postcode": "1012",
                                 "mentor_id": 2_000_000_000})
    assert _fields(response) == ["level", "mentor_id", "postcode"]
    assert session.scalar(select(func.count()).select_from(Inburgeraar)) == before
    response = client.patch(f"/api/v1/offers/{world['course'].id}",
                            headers=world["auth"]["school"],
                            json={"capacity": -1, "postcode": "1012"})
    assert _fields(response) == ["capacity", "postcode"]


def test_a_field_of_the_wrong_shape_is_named_once(client, world):
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                           json={"needs": {"taal": 1}, "postcode": "abc", "mentor_id": "x"})
    assert _fields(response) == ["mentor_id", "postcode"]


def test_what_if_names_an_unknown_offer_beside_a_negative_capacity(client, world):
    response = client.post("/api/v1/coalition/what-if", headers=world["auth"]["coordinator"],
                           json={"changes": [{"offer_id": 2_000_000_000, "capacity": 5},
                                             {"offer_id": world["course"].id, "capacity": -1},
                                             {"offer_id": 2**40, "capacity": 1}]})
    # One way to name a change's field, pydantic's and the use case's alike.
    assert _fields(response) == ["changes.0.offer_id", "changes.1.capacity",
                                 "changes.2.offer_id"]


def test_a_partner_names_its_gemeente_and_ties_beside_an_invalid_field(client, world):
    response = client.post("/api/v1/partners", headers=world["auth"]["coordinator"],
                           json={"name": "Nieuw (fictief)", "kind": "school",
                                 "gemeente": "Amsterdam", "postcode": "1012",
                                 "ties": [2_000_000_000]})
    assert _fields(response) == ["gemeente", "kind", "postcode", "ties"]
