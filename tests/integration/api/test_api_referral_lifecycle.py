"""The referral lifecycle through the API: the whole transition table, capacity and eligibility."""

from datetime import timedelta

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import func, select

import factories
from models.base import now_utc
from models.capacity import free_places
from models.referral import Referral, ReferralEvent
from models.referral_service import TRANSITIONS, change_status, expire_referrals, refer
from models.unit_of_work import UnitOfWork
from models.vocabulary import REFERRAL_STATUSES

world = api_world.world

# How to bring a fresh referral (status sent) into each state, by role.
PATHS = {
    "sent": [],
    "accepted": [("school", "accepted")],
    "started": [("school", "accepted"), ("school", "started")],
    "completed": [("school", "accepted"), ("school", "started"), ("school", "completed")],
    "dropped": [("school", "accepted"), ("school", "started"), ("school", "dropped")],
    "declined": [("school", "declined")],
    "withdrawn": [("km_utrecht", "withdrawn")],
    "expired": "expire",
}
ROLE_USER = {"partner": "school", "klantmanager": "km_utrecht"}


def _referral_in(session, world, status):
    with UnitOfWork(session):
        return _move_to(session, world, status)


def _move_to(session, world, status):
    person = factories.inburgeraar(session)
    referral = refer(session, actor_id=world["users"]["km_utrecht"].id,
                     inburgeraar_id=person.id, offer_id=world["course"].id)
    if PATHS[status] == "expire":
        expire_referrals(session, now=now_utc() + timedelta(days=15))
        return referral
    for user, target in PATHS[status]:
        change_status(session, actor_id=world["users"][user].id, referral_id=referral.id,
                      to_status=target, reason="Reden",
                      reason_code="anders" if target in ("declined", "dropped") else None)
    return referral


def _events(session, referral_id):
    return session.scalar(
        select(func.count()).select_from(ReferralEvent)
        .where(ReferralEvent.referral_id == referral_id)
    )


@pytest.mark.parametrize("source", REFERRAL_STATUSES)
def test_every_move_from_a_state_by_every_role(client, session, world, source):
    world["course"].capacity = 50
    for role, user in ROLE_USER.items():
        for target in REFERRAL_STATUSES:
            referral = _referral_in(session, world, source)
            assert referral.status == source
            before = _events(session, referral.id)
            response = client.patch(f"/api/v1/referrals/{referral.id}", headers=world["auth"][user],
                                    json={"status": target, "reason": "Omdat het moet",
                                          **({"reason_code": "anders"}
                                             if target in ("declined", "dropped") else {})})
            legal = TRANSITIONS.get((source, target))
            if legal is not None and legal.role == role:
                assert response.status_code == 200, (source, target, role, response.get_json())
                assert response.get_json()["status"] == target
                last = response.get_json()["events"][-1]
                assert (last["from_status"], last["to_status"]) == (source, target)
                assert _events(session, referral.id) == before + 1
            else:
                assert_problem(response, 409)
                session.refresh(referral)
                assert referral.status == source and _events(session, referral.id) == before


def test_expiry_is_the_systems_move_only(session, world):
    referral = _referral_in(session, world, "sent")
    assert expire_referrals(session, now=now_utc() + timedelta(days=13)) == []
    assert expire_referrals(session, now=now_utc() + timedelta(days=15)) == [referral.id]
    session.refresh(referral)
    assert referral.status == "expired" and referral.events[-1].actor_id is None


def test_referral_to_a_full_offer_is_409_and_writes_nothing(client, session, world):
    headers = world["auth"]["km_utrecht"]
    job = world["job"]  # two places
    people = [factories.inburgeraar(session, needs={"werk": 1}) for _ in range(3)]
    statuses = [
        client.post("/api/v1/referrals", headers=headers,
                    json={"inburgeraar_id": p.id, "offer_id": job.id}).status_code
        for p in people
    ]
    assert statuses == [201, 201, 409]
    assert free_places(session, [job.id])[job.id] == 0
    assert session.scalar(select(func.count()).select_from(Referral)) == 2
    offer = client.get(f"/api/v1/offers/{job.id}", headers=headers).get_json()
    assert (offer["capacity"], offer["free"]) == (2, 0)


def test_a_place_is_freed_when_a_referral_is_declined(client, session, world):
    job = world["job"]
    people = [factories.inburgeraar(session, needs={"werk": 1}) for _ in range(3)]
    with UnitOfWork(session):
        first, _ = (refer(session, actor_id=world["users"]["km_utrecht"].id, inburgeraar_id=p.id,
                          offer_id=job.id) for p in people[:2])
    client.patch(f"/api/v1/referrals/{first.id}", headers=world["auth"]["employer"],
                 json={"status": "declined", "reason_code": "niveau"})
    response = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": people[2].id, "offer_id": job.id})
    assert response.status_code == 201


def test_ineligible_referral_is_422_naming_the_rule(client, session, world):
    beginner = factories.inburgeraar(session, level="A0")
    world["course"].min_level = "A2"
    session.flush()
    response = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": beginner.id, "offer_id": world["course"].id})
    body = assert_problem(response, 422)
    assert [e["rule"] for e in body["errors"]] == ["level"]
    assert "A0" in body["errors"][0]["message"] and body["title"]
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_no_need_in_the_domain_names_the_need_rule(client, session, world):
    response = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": world["person_utrecht"].id,
                                 "offer_id": world["job"].id})
    assert [e["rule"] for e in assert_problem(response, 422)["errors"]] == ["need"]


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "declined"}, "reason_code"),
    ({"status": "declined", "reason": "Geen match"}, "reason_code"),
    ({"status": "declined", "reason_code": "druk"}, "reason_code"),
    ({"status": "declined", "reason_code": "anders"}, "reason"),
])
def test_declining_without_a_valid_reason_code_is_422_and_changes_nothing(client, session, world,
                                                                         body, field):
    referral = _referral_in(session, world, "sent")
    response = client.patch(f"/api/v1/referrals/{referral.id}", headers=world["auth"]["school"],
                            json=body)
    assert assert_problem(response, 422)["errors"][0]["field"] == field
    session.refresh(referral)
    assert referral.status == "sent" and _events(session, referral.id) == 1


def test_a_declined_referral_carries_its_reason_code(client, session, world):
    referral = _referral_in(session, world, "sent")
    response = client.patch(f"/api/v1/referrals/{referral.id}", headers=world["auth"]["school"],
                            json={"status": "declined", "reason_code": "anders",
                                  "reason": "Start pas in het najaar"})
    body = response.get_json()
    assert response.status_code == 200 and body["reason_code"] == "anders"
    assert body["events"][-1]["reason_code"] == "anders"
