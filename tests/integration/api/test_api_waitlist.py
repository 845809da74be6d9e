"""The waitlist through the API (API.md, Waitlist): 201, 409s, 422s, and a freed place refers."""

import api_world
from api_world import assert_problem
from sqlalchemy import func, select

import factories
from models.outbox import OutboxMail
from models.referral import Referral
from models.referral_service import refer
from models.unit_of_work import UnitOfWork
from models.waitlist import WaitlistEntry

world = api_world.world


def full_course(session, world, places=1):
    """The course with ``places`` places, all taken by Utrecht people."""
    course = world["course"]
    course.capacity = places
    session.commit()
    with UnitOfWork(session):
        held = [refer(session, actor_id=world["users"]["km_utrecht"].id, offer_id=course.id,
                      inburgeraar_id=factories.inburgeraar(session).id) for _ in range(places)]
    return course, held


def join(client, world, offer_id, person_id, who="km_utrecht", note=None):
    return client.post(f"/api/v1/offers/{offer_id}/waitlist", headers=world["auth"][who],
                       json={"inburgeraar_id": person_id, "note": note})


def test_a_klantmanager_joins_a_full_offer_and_sees_the_position(client, session, world):
    course, _ = full_course(session, world)
    first, second = (factories.inburgeraar(session) for _ in range(2))
    response = join(client, world, course.id, first.id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("offer_id", "inburgeraar_id", "position", "status")} == {
        "offer_id": course.id, "inburgeraar_id": first.id, "position": 1, "status": "waiting"}
    assert join(client, world, course.id, second.id).get_json()["position"] == 2
    listed = client.get(f"/api/v1/offers/{course.id}/waitlist",
                        headers=world["auth"]["school"]).get_json()["entries"]
    assert [(e["pseudonym"], e["position"], e["inburgeraar_id"]) for e in listed] == [
        (first.pseudonym, 1, None), (second.pseudonym, 2, None)]


def test_the_409s_and_the_422(client, session, world):
    course = world["course"]
    person = world["person_utrecht"]
    assert_problem(join(client, world, course.id, person.id), 409)  # a free place: refer
    course, held = full_course(session, world)
    already = held[0].inburgeraar_id
    assert_problem(join(client, world, course.id, already), 409)  # holds a referral
    assert join(client, world, course.id, person.id).status_code == 201
    assert_problem(join(client, world, course.id, person.id), 409)  # already waits
    beginner = factories.inburgeraar(session, level="A0")
    course.min_level = "A2"
    session.commit()
    body = assert_problem(join(client, world, course.id, beginner.id), 422)
    assert [e["rule"] for e in body["errors"]] == ["level"]
    # The offer is the URL's; the field of the body that does not fit it is the person.
    assert [e["field"] for e in body["errors"]] == ["inburgeraar_id"]
    assert_problem(join(client, world, course.id, world["person_zeist"].id), 404)
    assert_problem(join(client, world, course.id, person.id, who="school"), 403)
    assert session.scalar(select(func.count()).select_from(WaitlistEntry)) == 1


def test_a_freed_place_refers_the_first_eligible_entry_and_the_others_move_up(
    client, session, world
):
    course, held = full_course(session, world)
    gone, first, second = (factories.inburgeraar(session) for _ in range(3))
    ids = [join(client, world, course.id, p.id, note="Graag snel").get_json()["id"]
           for p in (gone, first, second)]
    gone.level = "A0"  # no longer eligible: skipped, naming the rule
    course.min_level = "A1"
    session.commit()
    response = client.patch(f"/api/v1/referrals/{held[0].id}", headers=world["auth"]["school"],
                            json={"status": "declined", "reason_code": "persoonlijk"})
    assert response.status_code == 200
    entries = {e.id: e for e in session.scalars(select(WaitlistEntry))}
    assert entries[ids[0]].status == "skipped" and "level" in entries[ids[0]].skipped_rule
    assert entries[ids[1]].status == "referred"
    referral = session.get(Referral, entries[ids[1]].referral_id)
    assert (referral.status, referral.inburgeraar_id, referral.note) == ("sent", first.id,
                                                                        "Graag snel")
    assert referral.created_by_id == world["users"]["km_utrecht"].id
    listed = client.get(f"/api/v1/offers/{course.id}/waitlist",
                        headers=world["auth"]["km_utrecht"]).get_json()["entries"]
    assert [(e["inburgeraar_id"], e["position"]) for e in listed] == [(second.id, 1)]
    kinds = {m.kind for m in session.scalars(select(OutboxMail))}
    assert "waitlist_referred" in kinds


def test_raising_the_capacity_refers_from_the_waitlist(client, session, world):
    course, _ = full_course(session, world)
    waiting = factories.inburgeraar(session)
    join(client, world, course.id, waiting.id)
    response = client.patch(f"/api/v1/offers/{course.id}", headers=world["auth"]["school"],
                            json={"capacity": 2})
    assert response.status_code == 200
    assert session.scalar(select(Referral.status).where(
        Referral.inburgeraar_id == waiting.id)) == "sent"


def test_a_klantmanager_takes_someone_off_and_only_their_own(client, session, world):
    course, _ = full_course(session, world)
    entry_id = join(client, world, course.id, world["person_utrecht"].id).get_json()["id"]
    assert_problem(client.delete(f"/api/v1/waitlist/{entry_id}",
                                 headers=world["auth"]["km_zeist"]), 404)
    response = client.delete(f"/api/v1/waitlist/{entry_id}", headers=world["auth"]["km_utrecht"])
    assert response.status_code == 204
    assert session.get(WaitlistEntry, entry_id).status == "withdrawn"
    assert_problem(client.delete(f"/api/v1/waitlist/{entry_id}",
                                 headers=world["auth"]["km_utrecht"]), 409)


def test_another_partners_offer_queue_is_404(client, session, world):
    course, _ = full_course(session, world)
    assert_problem(client.get(f"/api/v1/offers/{course.id}/waitlist",
                              headers=world["auth"]["employer"]), 404)


def test_closing_the_offer_skips_its_queue(client, session, world):
    course, _ = full_course(session, world)
    entry_id = join(client, world, course.id, world["person_utrecht"].id).get_json()["id"]
    assert client.delete(f"/api/v1/offers/{course.id}",
                         headers=world["auth"]["school"]).status_code == 204
    entry = session.get(WaitlistEntry, entry_id)
    session.refresh(entry)
    assert entry.status == "skipped" and entry.skipped_rule.startswith("closed")


def test_an_entry_passed_over_says_why_to_the_klantmanager_and_not_to_the_partner(
    client, session, world
):
    course, held = full_course(session, world)
    other = factories.offer(session, partner_id=course.partner_id, title="Andere cursus")
    waiting, next_in_line = factories.inburgeraar(session), factories.inburgeraar(session)
    ids = [join(client, world, course.id, p.id).get_json()["id"] for p in (waiting, next_in_line)]
    elsewhere = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                            json={"inburgeraar_id": waiting.id, "offer_id": other.id})
    assert elsewhere.status_code == 201
    client.patch(f"/api/v1/referrals/{held[0].id}", headers=world["auth"]["school"],
                 json={"status": "declined", "reason_code": "persoonlijk"})
    listed = client.get(f"/api/v1/offers/{course.id}/waitlist",
                        headers=world["auth"]["km_utrecht"]).get_json()["entries"]
    assert [(e["id"], e["position"]) for e in listed] == [(ids[0], 1)]
    assert listed[0]["passed_over_rule"] == (
        f"domain: lopende verwijzing {elsewhere.get_json()['id']} in het domein taal")
    assert listed[0]["passed_over_at"] is not None
    shown = client.get(f"/api/v1/offers/{course.id}/waitlist",
                       headers=world["auth"]["school"]).get_json()["entries"]
    assert shown[0]["passed_over_rule"] is None and shown[0]["passed_over_at"] is None
    assert session.get(WaitlistEntry, ids[1]).status == "referred"
