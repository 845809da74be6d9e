"""/api/v1/partners (API 1.2.0): add, change, tie and deactivate partners; who may do what."""

import api_world
from api_world import assert_problem
from sqlalchemy import select

import factories
from models.account_events import AccountEvent
from models.coalition import Offer, Tie
from models.coalition_version import current_version
from models.matching_bridge import build_scenario
from models.referral_service import refer

world = api_world.world


def _post(client, world, **body):
    body.setdefault("name", "Bouwbedrijf De Dom (fictief)")
    body.setdefault("kind", "werkgever")
    body.setdefault("gemeente", "Utrecht")
    return client.post("/api/v1/partners", json=body, headers=world["auth"]["coordinator"])


def test_the_coordinator_adds_a_partner_with_ties_shown_on_both_sides(client, world):
    school = world["school"]
    response = _post(client, world, postcode="3511", languages=["nl", "ar"],
                     description="Leerwerkplekken in de bouw", ties=[school.id])
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["ties"] == [school.id] and body["active"] is True
    assert body["gemeente"] == "Utrecht" and body["postcode"] == "3511"
    assert body["hsds_organization_id"]
    other = client.get(f"/api/v1/partners/{school.id}", headers=world["auth"]["km_utrecht"])
    assert other.get_json()["ties"] == [body["id"]]
    assert response.headers["API-Version"] == "1.2.0"


def test_the_matcher_sees_a_new_partner_and_its_ties_at_once(client, session, world):
    school = world["school"]
    before = current_version(session)
    new = _post(client, world, ties=[school.id]).get_json()
    assert current_version(session)[0] > before[0]  # every worker's cached matcher rebuilds
    scenario = build_scenario(session)
    partner = next(p for p in scenario.partners if p.id == str(new["id"]))
    assert list(partner.ties) == [str(school.id)]


def test_patch_replaces_the_ties(client, session, world):
    school, employer = world["school"], world["employer"]
    new = _post(client, world, ties=[school.id]).get_json()
    response = client.patch(f"/api/v1/partners/{new['id']}", json={"ties": [employer.id]},
                            headers=world["auth"]["coordinator"])
    assert response.get_json()["ties"] == [employer.id]
    pairs = session.execute(select(Tie.partner_a_id, Tie.partner_b_id)).all()
    assert (min(new["id"], employer.id), max(new["id"], employer.id)) in pairs
    assert all(school.id not in pair or new["id"] not in pair for pair in pairs)


def test_bad_input_names_every_field_and_changes_nothing(client, session, world):
    before = client.get("/api/v1/partners", headers=world["auth"]["coordinator"]).get_json()
    response = _post(client, world, gemeente="Amsterdam", postcode="1011", ties=[999999])
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert fields == {"gemeente", "postcode", "ties"}
    after = client.get("/api/v1/partners", headers=world["auth"]["coordinator"]).get_json()
    assert after == before


def test_a_nul_in_a_looked_up_field_beside_a_bad_field_is_a_422(client, world):
    # The lookups run on a body that failed validation too; PostgreSQL's text refused the NUL
    # with a DataError (a 500) before the body's own check could name it.
    response = _post(client, world, kind="bestaat-niet", gemeente="Utrecht\x00",
                     postcode="35\x0011")
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert {"kind", "gemeente", "postcode"} <= fields


def test_only_the_coordinator_adds_partners(client, world):
    response = client.post("/api/v1/partners", json={"name": "X", "kind": "welzijn",
                                                      "gemeente": "Utrecht"},
                           headers=world["auth"]["school"])
    assert_problem(response, 403)


def test_a_partner_changes_only_its_own_descriptive_fields(client, world):
    school, auth = world["school"], world["auth"]["school"]
    own = client.patch(f"/api/v1/partners/{school.id}", headers=auth,
                       json={"description": "Ook avondles", "languages": ["nl", "ti"],
                             "postcode": "3512"})
    assert own.status_code == 200
    assert own.get_json()["languages"] == ["nl", "ti"]
    assert_problem(client.patch(f"/api/v1/partners/{school.id}", headers=auth,
                                json={"name": "Andere naam"}), 403)
    assert_problem(client.patch(f"/api/v1/partners/{world['employer'].id}", headers=auth,
                                json={"description": "niet van mij"}), 403)
    assert_problem(client.patch(f"/api/v1/partners/{school.id}",
                                headers=world["auth"]["km_utrecht"], json={"description": "x"}),
                   403)


def test_deactivating_with_referrals_under_way_is_409_naming_how_many(client, session, world):
    school = world["school"]
    km = world["users"]["km_utrecht"]
    refer(session, actor_id=km.id, inburgeraar_id=world["person_utrecht"].id,
          offer_id=world["course"].id)
    session.commit()
    response = client.patch(f"/api/v1/partners/{school.id}", json={"active": False},
                            headers=world["auth"]["coordinator"])
    body = assert_problem(response, 409)
    assert "1 lopende verwijzing" in body["detail"]
    session.expire_all()
    assert school.active and world["course"].closed_at is None


def test_deactivation_closes_offers_shuts_accounts_out_and_leaves_the_directory(
        client, session, world):
    employer = world["employer"]
    employer_auth = world["auth"]["employer"]
    assert client.get("/api/v1/offers", headers=employer_auth).status_code == 200
    response = client.patch(f"/api/v1/partners/{employer.id}", json={"active": False},
                            headers=world["auth"]["coordinator"])
    assert response.status_code == 200 and response.get_json()["active"] is False
    session.expire_all()
    assert session.get(Offer, world["job"].id).closed_at is not None
    # Its accounts' tokens stop at once.
    assert_problem(client.get("/api/v1/offers", headers=employer_auth), 401)
    # Gone from the lists of everyone but the coordinator who asks for it, and from /hsds.
    listed = client.get("/api/v1/partners", headers=world["auth"]["km_utrecht"]).get_json()
    assert employer.id not in {p["id"] for p in listed["partners"]}
    assert_problem(client.get(f"/api/v1/partners/{employer.id}",
                              headers=world["auth"]["km_utrecht"]), 404)
    inactive = client.get("/api/v1/partners?status=inactive",
                          headers=world["auth"]["coordinator"]).get_json()
    assert [p["id"] for p in inactive["partners"]] == [employer.id]
    assert_problem(client.get("/api/v1/partners?status=all",
                              headers=world["auth"]["km_utrecht"]), 403)
    organizations = client.get("/hsds/organizations?per_page=500").get_json()["contents"]
    assert str(employer.uuid) not in {o["id"] for o in organizations}
    events = session.scalars(select(AccountEvent.action).where(
        AccountEvent.partner_id == employer.id)).all()
    assert "partner_deactivated" in events


def test_filters_kind_and_gemeente(client, session, world):
    factories.partner(session, name="Welzijn Zeist (fictief)", kind="welzijn",
                      gemeente=factories.gemeente(session, "Zeist"), postcode="3701")
    auth = world["auth"]["school"]
    by_kind = client.get("/api/v1/partners?kind=welzijn", headers=auth).get_json()["partners"]
    assert [p["name"] for p in by_kind] == ["Welzijn Zeist (fictief)"]
    by_place = client.get("/api/v1/partners?gemeente=Zeist", headers=auth).get_json()["partners"]
    assert {p["gemeente"] for p in by_place} == {"Zeist"}


def test_reactivating_a_partner_is_recorded_with_who_and_from_where(client, session, world):
    # Every change to a partner is recorded; bringing one back was not.
    employer = world["employer"]
    for active in (False, True):
        response = client.patch(f"/api/v1/partners/{employer.id}", json={"active": active},
                                headers=world["auth"]["coordinator"])
        assert response.status_code == 200 and response.get_json()["active"] is active
    events = session.scalars(select(AccountEvent).where(
        AccountEvent.partner_id == employer.id).order_by(AccountEvent.id)).all()
    assert [(e.action, e.detail) for e in events][-1] == ("partner_changed", "weer actief")
    assert (events[-1].actor_id, events[-1].channel, events[-1].remote_addr) == (
        world["users"]["coordinator"].id, "api", "127.0.0.1")


def test_a_deactivated_partners_tokens_stay_ended_when_it_is_reactivated(client, session, world):
    # They were refused while the partner was inactive, and worked again once it was back.
    employer = world["employer"]
    employer_auth = world["auth"]["employer"]
    for active in (False, True):
        assert client.patch(f"/api/v1/partners/{employer.id}", json={"active": active},
                            headers=world["auth"]["coordinator"]).status_code == 200
    assert_problem(client.get("/api/v1/offers", headers=employer_auth), 401)
