"""Closing and reopening an offer through the API, as the portal's buttons do (API.md: PATCH
changes an offer, DELETE closes it): both through the writer of places, so a close skips
the waitlist and a reopened offer takes referrals again."""

import api_world
from api_world import assert_problem
from sqlalchemy import select

import factories
from models.coalition import Offer
from models.referral_service import refer
from models.unit_of_work import UnitOfWork
from models.waitlist import WaitlistEntry, join_waitlist

world = api_world.world


def patch(client, world, offer_id, body, who="school"):
    return client.patch(f"/api/v1/offers/{offer_id}", json=body, headers=world["auth"][who])


def refer_by_api(client, world, offer_id, person_id):
    return client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                       json={"inburgeraar_id": person_id, "offer_id": offer_id})


def test_a_closed_offer_reopens_with_a_patch_and_takes_referrals_again(client, session, world):
    course = world["course"]
    assert client.delete(f"/api/v1/offers/{course.id}",
                         headers=world["auth"]["school"]).status_code == 204
    assert_problem(refer_by_api(client, world, course.id, world["person_utrecht"].id), 404)
    reopened = patch(client, world, course.id, {"closed": False, "capacity": 6})
    assert reopened.status_code == 200, reopened.get_json()
    body = reopened.get_json()
    assert (body["closed"], body["capacity"], body["free"]) == (False, 6, 6)
    assert refer_by_api(client, world, course.id, world["person_utrecht"].id).status_code == 201
    listed = client.get("/api/v1/offers", headers=world["auth"]["km_utrecht"]).get_json()
    assert course.id in [o["id"] for o in listed["offers"]]


def test_closing_with_a_patch_skips_the_waitlist_as_delete_does(client, session, world):
    course = world["course"]
    course.capacity = 1
    session.commit()
    km = world["users"]["km_utrecht"]
    with UnitOfWork(session):
        refer(session, actor_id=km.id, offer_id=course.id,
              inburgeraar_id=world["person_utrecht"].id)
    with UnitOfWork(session):
        entry = join_waitlist(session, actor_id=km.id, offer_id=course.id,
                              inburgeraar_id=factories.inburgeraar(
                                  session, gemeente=km.gemeente).id)
    closed = patch(client, world, course.id, {"closed": True})
    assert closed.status_code == 200 and closed.get_json()["closed"] is True
    session.expire_all()
    assert session.get(WaitlistEntry, entry.id).status == "skipped"
    assert patch(client, world, course.id, {"closed": True}).status_code == 200  # idempotent


def test_closed_takes_no_null_and_only_the_offers_manager_may_change_it(client, session, world):
    course = world["course"]
    body = assert_problem(patch(client, world, course.id, {"closed": None}), 422)
    assert [e["field"] for e in body["errors"]] == ["closed"]
    assert_problem(patch(client, world, course.id, {"closed": True}, who="employer"), 404)
    assert_problem(patch(client, world, course.id, {"closed": True}, who="km_utrecht"), 403)
    session.expire_all()
    assert session.scalar(select(Offer.closed_at).where(Offer.id == course.id)) is None
