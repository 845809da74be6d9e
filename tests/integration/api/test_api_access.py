"""Per route and role: allowed, 403 for a role that may not, 404 for what is out of reach."""

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import func, select

import factories
from models import access
from models.account import Caller
from models.base import now_utc
from models.errors import Forbidden
from models.offers import create_offer, update_offer
from models.referral import Referral
from models.referral_service import refer
from models.unit_of_work import UnitOfWork

world = api_world.world


def test_offers_are_listed_for_every_role_with_capacity_and_free(client, world):
    for name, headers in world["auth"].items():
        response = client.get("/api/v1/offers", headers=headers)
        assert response.status_code == 200, name
        by_id = {o["id"]: o for o in response.get_json()["offers"]}
        course = by_id[world["course"].id]
        assert (course["capacity"], course["free"]) == (5, 5)


def test_offer_filters(client, world):
    headers = world["auth"]["km_utrecht"]
    werk = client.get("/api/v1/offers?domain=werk", headers=headers).get_json()["offers"]
    assert {o["domain"] for o in werk} == {"werk"} and world["job"].id in {o["id"] for o in werk}
    own = client.get(f"/api/v1/offers?partner_id={world['school'].id}", headers=headers)
    assert {o["partner_id"] for o in own.get_json()["offers"]} == {world["school"].id}


def test_partner_creates_changes_and_closes_its_own_offer(client, world):
    headers = world["auth"]["school"]
    created = client.post("/api/v1/offers", headers=headers, json={
        "title": "Avondcursus A2", "domain": "taal", "capacity": 4, "min_level": "A1",
        "schedule": ["avond"], "postcode": "3512",
    })
    assert created.status_code == 201, created.get_json()
    offer = created.get_json()
    assert offer["partner_id"] == world["school"].id and offer["free"] == 4
    changed = client.patch(f"/api/v1/offers/{offer['id']}", headers=headers, json={"capacity": 6})
    assert changed.status_code == 200 and changed.get_json()["capacity"] == 6
    assert client.delete(f"/api/v1/offers/{offer['id']}", headers=headers).status_code == 204
    # Closed: gone for the others, still there for the partner itself.
    others = world["auth"]["km_utrecht"]
    assert_problem(client.get(f"/api/v1/offers/{offer['id']}", headers=others), 404)
    mine = client.get(f"/api/v1/offers/{offer['id']}", headers=headers).get_json()
    assert mine["closed"] is True and mine["free"] == 0


def test_coordinator_manages_offers_of_any_partner(client, world):
    headers = world["auth"]["coordinator"]
    created = client.post("/api/v1/offers", headers=headers, json={
        "title": "Werkervaringsplek", "domain": "werk", "capacity": 1,
        "partner_id": world["employer"].id, "kind": "werkervaringsplek",
        "sectors": ["zorg"], "hours_per_week": 16,
    })
    assert created.status_code == 201, created.get_json()
    response = client.patch(
        f"/api/v1/offers/{world['course'].id}", headers=headers, json={"title": "Nieuwe titel"}
    )
    assert response.status_code == 200 and response.get_json()["title"] == "Nieuwe titel"


def test_klantmanager_may_not_manage_offers(client, world):
    headers = world["auth"]["km_utrecht"]
    course = world["course"].id
    assert_problem(client.post("/api/v1/offers", headers=headers,
                               json={"title": "x", "domain": "taal", "capacity": 1}), 403)
    assert_problem(client.patch(f"/api/v1/offers/{course}", headers=headers, json={}), 403)
    assert_problem(client.delete(f"/api/v1/offers/{course}", headers=headers), 403)


def test_another_partners_offer_is_not_found_for_writing(client, world):
    headers = world["auth"]["employer"]
    course = world["course"].id
    missing = assert_problem(
        client.patch("/api/v1/offers/999999", headers=headers, json={"capacity": 1}), 404
    )
    other = assert_problem(
        client.patch(f"/api/v1/offers/{course}", headers=headers, json={"capacity": 1}), 404
    )
    assert other == missing
    assert_problem(client.delete(f"/api/v1/offers/{course}", headers=headers), 404)
    assert client.get(f"/api/v1/offers/{course}", headers=headers).status_code == 200


def test_partner_may_not_post_for_another_partner(client, world):
    response = client.post("/api/v1/offers", headers=world["auth"]["school"], json={
        "title": "x", "domain": "taal", "capacity": 1, "partner_id": world["employer"].id,
    })
    assert_problem(response, 403)


@pytest.mark.parametrize("route", [
    "/api/v1/inburgeraars", "/api/v1/inburgeraars/{id}", "/api/v1/inburgeraars/{id}/matches",
])
def test_klantmanager_sees_only_own_gemeente(client, world, route):
    own, other = world["person_utrecht"].id, world["person_zeist"].id
    headers = world["auth"]["km_utrecht"]
    if "{id}" not in route:
        ids = {p["id"] for p in client.get(route, headers=headers).get_json()["inburgeraars"]}
        assert own in ids and other not in ids
        return
    assert client.get(route.format(id=own), headers=headers).status_code == 200
    out_of_reach = assert_problem(client.get(route.format(id=other), headers=headers), 404)
    missing = assert_problem(client.get(route.format(id=999999), headers=headers), 404)
    assert out_of_reach == missing


@pytest.mark.parametrize("route", [
    "/api/v1/inburgeraars", "/api/v1/inburgeraars/{id}", "/api/v1/inburgeraars/{id}/matches",
])
def test_partners_have_no_access_to_inburgeraars(client, world, route):
    path = route.format(id=world["person_utrecht"].id)
    assert_problem(client.get(path, headers=world["auth"]["school"]), 403)
    assert client.get(path, headers=world["auth"]["coordinator"]).status_code == 200


def test_klantmanager_creates_and_changes_needs_in_own_gemeente(client, world):
    headers = world["auth"]["km_utrecht"]
    created = client.post("/api/v1/inburgeraars", headers=headers, json={
        "postcode": "3563", "level": "A1", "leerroute": "b1", "needs": {"taal": 3, "werk": 1},
    })
    assert created.status_code == 201, created.get_json()
    person = created.get_json()
    assert person["gemeente_id"] == world["users"]["km_utrecht"].gemeente_id
    assert person["needs"] == {"taal": 3.0, "werk": 1.0} and person["pseudonym"].startswith("IB-")
    changed = client.patch(f"/api/v1/inburgeraars/{person['id']}", headers=headers,
                           json={"needs": {"werk": 2}, "level": "A2"})
    assert changed.get_json()["needs"] == {"werk": 2.0} and changed.get_json()["level"] == "A2"
    zeist = world["person_zeist"].id
    assert_problem(client.patch(f"/api/v1/inburgeraars/{zeist}", headers=headers,
                                json={"level": "B1"}), 404)
    assert_problem(client.post("/api/v1/inburgeraars", headers=world["auth"]["employer"],
                               json={"needs": {}}), 403)


def test_matches_rank_eligible_offers_with_reasons(client, world):
    person = world["person_utrecht"].id
    response = client.get(f"/api/v1/inburgeraars/{person}/matches?domain=taal&top=5",
                          headers=world["auth"]["km_utrecht"])
    matches = response.get_json()["matches"]
    assert world["course"].id in {m["offer_id"] for m in matches}
    assert len(matches) <= 5 and all(m["domain"] == "taal" for m in matches)
    first = matches[0]
    assert 0 <= first["score"] <= 1 and first["reasons"] and first["components"]


def test_matches_follow_a_change_of_needs(client, world):
    headers = world["auth"]["km_utrecht"]
    person = world["person_utrecht"].id
    path = f"/api/v1/inburgeraars/{person}/matches"
    assert client.get(path + "?domain=werk", headers=headers).get_json()["matches"] == []
    client.patch(f"/api/v1/inburgeraars/{person}", headers=headers,
                 json={"needs": {"taal": 2, "werk": 3}})
    werk = client.get(path + "?domain=werk", headers=headers).get_json()["matches"]
    assert world["job"].id in {m["offer_id"] for m in werk}


def _referral(session, world, person="person_utrecht", offer="course", km="km_utrecht"):
    person_id = world[person].id if isinstance(person, str) else person.id
    with UnitOfWork(session):
        return refer(session, actor_id=world["users"][km].id,
                     inburgeraar_id=person_id, offer_id=world[offer].id, note="Past goed")


def test_referrals_are_scoped_per_role(client, session, world):
    utrecht = _referral(session, world)
    zeist = _referral(session, world, person="person_zeist", km="km_zeist")
    job_seeker = factories.inburgeraar(session, needs={"werk": 2})
    job = _referral(session, world, person=job_seeker, offer="job")

    def visible(name):
        response = client.get("/api/v1/referrals", headers=world["auth"][name])
        return {r["id"] for r in response.get_json()["referrals"]}

    assert visible("km_utrecht") == {utrecht.id, job.id}
    assert visible("km_zeist") == {zeist.id}
    assert visible("school") == {utrecht.id, zeist.id}
    assert visible("employer") == {job.id}
    assert visible("coordinator") >= {utrecht.id, zeist.id, job.id}
    assert_problem(client.get(f"/api/v1/referrals/{zeist.id}",
                              headers=world["auth"]["km_utrecht"]), 404)
    assert_problem(client.get(f"/api/v1/referrals/{job.id}", headers=world["auth"]["school"]), 404)


def test_partner_sees_only_what_the_referral_needs(client, session, world):
    referral = _referral(session, world)
    response = client.get(f"/api/v1/referrals/{referral.id}", headers=world["auth"]["school"])
    body = response.get_json()
    assert body["inburgeraar_id"] is None
    assert set(body["inburgeraar"]) == {"pseudonym", "level", "leerroute", "availability"}
    assert body["note"] == "Past goed"
    assert body["inburgeraar"]["pseudonym"] == world["person_utrecht"].pseudonym


def test_after_a_referral_ended_the_partner_sees_the_person_as_referred(client, session,
                                                                          world):
    """Withdrawn, the referral needs nothing more: what the person's record says since is not
    the partner's. While under way the partner sees them as they are now."""
    referral = _referral(session, world)
    person = world["person_utrecht"]
    km = world["auth"]["km_utrecht"]
    path = f"/api/v1/referrals/{referral.id}"
    assert client.patch(f"/api/v1/inburgeraars/{person.id}", headers=km,
                        json={"availability": ["avond"]}).status_code == 200
    under_way = client.get(path, headers=world["auth"]["school"]).get_json()["inburgeraar"]
    assert under_way["availability"] == ["avond"]
    assert client.patch(path, headers=km, json={"status": "withdrawn"}).status_code == 200
    changed = client.patch(f"/api/v1/inburgeraars/{person.id}", headers=km,
                           json={"level": "B1", "availability": ["ochtend", "middag"]})
    assert changed.status_code == 200
    for route in (path, "/api/v1/referrals"):
        body = client.get(route, headers=world["auth"]["school"]).get_json()
        seen = body["inburgeraar"] if route == path else body["referrals"][0]["inburgeraar"]
        assert seen == {"pseudonym": person.pseudonym, "level": "A1", "leerroute": "b1",
                        "availability": []}
    # The klantmanager still reads the person as they are.
    assert client.get(path, headers=km).get_json()["inburgeraar"]["level"] == "B1"


def test_only_a_klantmanager_refers(client, world):
    payload = {"inburgeraar_id": world["person_utrecht"].id, "offer_id": world["course"].id}
    for name in ("coordinator", "school"):
        assert_problem(client.post("/api/v1/referrals", headers=world["auth"][name], json=payload),
                       403)
    created = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"], json=payload)
    assert created.status_code == 201 and created.get_json()["status"] == "sent"
    assert [e["to_status"] for e in created.get_json()["events"]] == ["sent"]


def test_klantmanager_cannot_refer_another_gemeentes_person(client, session, world):
    payload = {"inburgeraar_id": world["person_zeist"].id, "offer_id": world["course"].id}
    assert_problem(client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                               json=payload), 404)
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_referral_changes_are_scoped(client, session, world):
    referral = _referral(session, world)
    path = f"/api/v1/referrals/{referral.id}"
    assert_problem(client.patch(path, headers=world["auth"]["coordinator"],
                                json={"status": "accepted"}), 403)
    assert_problem(client.patch(path, headers=world["auth"]["employer"],
                                json={"status": "accepted"}), 404)
    assert_problem(client.patch(path, headers=world["auth"]["km_zeist"],
                                json={"status": "withdrawn"}), 404)
    accepted = client.patch(path, headers=world["auth"]["school"], json={"status": "accepted"})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"


def test_coalition_is_for_the_coordinator(client, world):
    response = client.get("/api/v1/coalition", headers=world["auth"]["coordinator"])
    assert response.status_code == 200
    summary = response.get_json()
    assert summary["nodes"]["total"] >= 2 and "centrality" in summary and "areas" in summary
    for name in ("km_utrecht", "school"):
        assert_problem(client.get("/api/v1/coalition", headers=world["auth"][name]), 403)


def test_offer_created_through_the_use_case_shows_in_the_api(client, session, world):
    with UnitOfWork(session):
        offer = create_offer(
            session, actor_id=world["users"]["coordinator"].id, partner_id=world["school"].id,
            fields={"title": "Taalcafé", "domain": "sociaal_netwerk", "capacity": 9},
        )
    body = client.get(f"/api/v1/offers/{offer.id}", headers=world["auth"]["school"]).get_json()
    assert body["title"] == "Taalcafé" and body["free"] == 9 and body["leerroutes"] == []


def test_the_offer_list_shows_closed_offers_only_when_asked(client, session, world):
    """API.md: open offers; closed ones with status=closed or all, a partner its own."""
    own_closed = factories.offer(session, partner=world["school"], closed_at=now_utc())
    other_closed = factories.offer(session, partner=world["employer"], closed_at=now_utc())

    def listed(role, query=""):
        response = client.get(f"/api/v1/offers{query}", headers=world["auth"][role])
        assert response.status_code == 200, response.get_data(as_text=True)
        return {o["id"] for o in response.get_json()["offers"]}

    open_ids = {world["course"].id, world["job"].id}
    for role in ("school", "coordinator", "km_utrecht"):
        assert listed(role) & {own_closed.id, other_closed.id} == set(), role
        assert listed(role) >= open_ids
        assert listed(role, "?status=open") == listed(role)
    assert listed("school", "?status=closed") == {own_closed.id}
    assert listed("school", "?status=all") >= open_ids | {own_closed.id}
    assert other_closed.id not in listed("school", "?status=all")
    assert listed("coordinator", "?status=closed") >= {own_closed.id, other_closed.id}
    assert not listed("coordinator", "?status=closed") & open_ids
    assert listed("km_utrecht", "?status=closed") == set()
    assert_problem(client.get("/api/v1/offers?status=dicht",
                              headers=world["auth"]["school"]), 422)


def test_a_werkgever_posts_only_plekken_with_their_fields(client, world):
    """The portal's plek rules hold through the API too (models.field_rules)."""
    headers = world["auth"]["employer"]
    refused = client.post("/api/v1/offers", headers=headers, json={
        "title": "Cursus", "domain": "taal", "kind": "taalcursus", "capacity": 3})
    fields = {e["field"] for e in assert_problem(refused, 422)["errors"]}
    assert fields == {"domain", "kind", "sectors", "hours_per_week"}
    created = client.post("/api/v1/offers", headers=headers, json={
        "title": "Stage in de zorg", "domain": "werk", "kind": "stage", "capacity": 2,
        "sectors": ["zorg"], "hours_per_week": 24})
    assert created.status_code == 201, created.get_json()
    school = world["auth"]["school"]
    job_at_school = client.post("/api/v1/offers", headers=school, json={
        "title": "Baan", "domain": "werk", "kind": "baan", "capacity": 1})
    assert [e["field"] for e in assert_problem(job_at_school, 422)["errors"]] == ["kind"]


def test_what_is_out_of_reach_or_forbidden_is_named_in_dutch(client, session, world):
    """The problem's detail names what the caller was refused, as API.md's problems do."""
    def detail(response, status):
        return assert_problem(response, status)["detail"]

    km, employer = world["auth"]["km_utrecht"], world["auth"]["employer"]
    zeist = world["person_zeist"].id
    closed = factories.offer(session, partner=world["school"], closed_at=now_utc())
    for path in (f"/api/v1/inburgeraars/{zeist}", f"/api/v1/inburgeraars/{zeist}/matches"):
        assert detail(client.get(path, headers=km), 404) == "Deze inburgeraar bestaat niet."
    referral = _referral(session, world, person="person_zeist", km="km_zeist")
    assert detail(client.get(f"/api/v1/referrals/{referral.id}", headers=km),
                  404) == "Deze verwijzing bestaat niet."
    assert detail(client.get(f"/api/v1/offers/{closed.id}", headers=km),
                  404) == "Dit aanbod bestaat niet."
    course = f"/api/v1/offers/{world['course'].id}"
    assert detail(client.patch(course, headers=employer, json={"capacity": 1}),
                  404) == "Dit aanbod bestaat niet."
    # The API refuses these roles before the rules do; the rules refuse them as well.
    with pytest.raises(Forbidden) as refused:
        access.get_inburgeraar(session, world["users"]["school"], zeist)
    assert refused.value.message == "Deze rol heeft geen toegang tot inburgeraars."
    with pytest.raises(Forbidden) as refused:
        update_offer(session, actor_id=world["users"]["km_utrecht"].id,
                     offer_id=world["course"].id, changes={"capacity": 1})
    assert refused.value.message == "Alleen de partner zelf of de coördinator beheert aanbod."
    assert world["course"].capacity == 5


def test_a_deactivated_account_acts_no_more_by_the_rules_either(session, world):
    """The API ends a deactivated account's tokens; the rules refuse its id as well."""
    partner = world["users"]["school"]
    partner.is_active = False
    session.flush()
    with pytest.raises(Forbidden) as refused:
        update_offer(session, actor_id=partner.id, offer_id=world["course"].id,
                     changes={"capacity": 1})
    assert refused.value.message == "Dit account bestaat niet of is geblokkeerd."
    assert world["course"].capacity == 5


def test_a_klantmanager_sees_every_open_offer_and_no_closed_one(client, session, world):
    closed = factories.offer(session, partner=world["school"], closed_at=now_utc())
    headers = world["auth"]["km_utrecht"]
    listed = client.get("/api/v1/offers?status=all", headers=headers).get_json()["offers"]
    ids = {o["id"] for o in listed}
    assert {world["course"].id, world["job"].id} <= ids and closed.id not in ids
    assert client.get(f"/api/v1/offers/{world['course'].id}", headers=headers).status_code == 200


def test_an_unknown_offer_status_is_named():
    with pytest.raises(ValueError, match="unknown offer status 'gesloten'"):
        access.offers_visible_to(
            Caller(id=1, role="coordinator", gemeente_id=None, partner_id=None), "gesloten")
