"""Every API route that touches an inburgeraar's data leaves access-log rows: who, whom, what, how.

One test per route; each checks the rows of that one request and that a
refused request (out of reach) logs nothing.
"""

import api_world
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

import factories
from models.audit import AccessLog
from models.referral_service import refer
from models.unit_of_work import UnitOfWork

world = api_world.world


def _last_id(session) -> int:
    return session.scalar(select(func.max(AccessLog.id))) or 0


def _rows_after(session, last_id: int) -> list[AccessLog]:
    return session.scalars(
        select(AccessLog).where(AccessLog.id > last_id).order_by(AccessLog.id)
    ).all()


def _logged(session, last_id, user, action, route, people):
    rows = _rows_after(session, last_id)
    assert sorted(r.inburgeraar_id for r in rows) == sorted(people)
    for row in rows:
        assert (row.user_id, row.role, row.action, row.channel, row.route) == (
            user.id, user.role, action, "api", route
        )
        assert row.remote_addr == "127.0.0.1"
        assert row.at is not None


def _referral(session, world, person=None):
    person = person or world["person_utrecht"]
    with UnitOfWork(session):
        return refer(session, actor_id=world["users"]["km_utrecht"].id,
                     inburgeraar_id=person.id, offer_id=world["course"].id)


def test_list_of_inburgeraars_logs_every_person_shown(client, session, world):
    other = factories.inburgeraar(session, gemeente=world["person_utrecht"].gemeente)
    before = _last_id(session)
    response = client.get("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"])
    assert response.status_code == 200
    _logged(session, before, world["users"]["km_utrecht"], "list", "GET /api/v1/inburgeraars",
            [world["person_utrecht"].id, other.id])


def test_creating_an_inburgeraar_is_logged(client, session, world):
    before = _last_id(session)
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                           json={"level": "A1", "needs": {"taal": 1}})
    assert response.status_code == 201
    _logged(session, before, world["users"]["km_utrecht"], "create", "POST /api/v1/inburgeraars",
            [response.get_json()["id"]])


def test_reading_an_inburgeraar_is_logged_and_a_refusal_is_not(client, session, world):
    person = world["person_utrecht"]
    before = _last_id(session)
    url = f"/api/v1/inburgeraars/{person.id}"
    assert client.get(url, headers=world["auth"]["km_utrecht"]).status_code == 200
    _logged(session, before, world["users"]["km_utrecht"], "read", f"GET {url}", [person.id])
    before = _last_id(session)
    assert client.get(url, headers=world["auth"]["km_zeist"]).status_code == 404
    assert _rows_after(session, before) == []


def test_changing_an_inburgeraar_is_logged(client, session, world):
    person = world["person_utrecht"]
    before = _last_id(session)
    url = f"/api/v1/inburgeraars/{person.id}"
    assert client.patch(url, headers=world["auth"]["coordinator"],
                        json={"level": "A2"}).status_code == 200
    _logged(session, before, world["users"]["coordinator"], "update", f"PATCH {url}", [person.id])


def test_matches_of_an_inburgeraar_are_logged(client, session, world):
    person = world["person_utrecht"]
    before = _last_id(session)
    url = f"/api/v1/inburgeraars/{person.id}/matches"
    assert client.get(url, headers=world["auth"]["km_utrecht"]).status_code == 200
    _logged(session, before, world["users"]["km_utrecht"], "match", f"GET {url}", [person.id])


def test_a_referral_is_logged(client, session, world):
    person = world["person_utrecht"]
    before = _last_id(session)
    response = client.post("/api/v1/referrals", headers=world["auth"]["km_utrecht"],
                           json={"inburgeraar_id": person.id, "offer_id": world["course"].id})
    assert response.status_code == 201
    _logged(session, before, world["users"]["km_utrecht"], "refer", "POST /api/v1/referrals",
            [person.id])


def test_a_partner_listing_referrals_is_logged_for_each_person(client, session, world):
    first = _referral(session, world)
    second = _referral(session, world, factories.inburgeraar(
        session, gemeente=world["person_utrecht"].gemeente))
    before = _last_id(session)
    assert client.get("/api/v1/referrals", headers=world["auth"]["school"]).status_code == 200
    _logged(session, before, world["users"]["school"], "list", "GET /api/v1/referrals",
            [first.inburgeraar_id, second.inburgeraar_id])
    # The employer sees none of them: its empty list is one row about no one.
    before = _last_id(session)
    assert client.get("/api/v1/referrals", headers=world["auth"]["employer"]).status_code == 200
    _logged(session, before, world["users"]["employer"], "list", "GET /api/v1/referrals", [None])


def test_reading_a_referral_is_logged(client, session, world):
    referral = _referral(session, world)
    before = _last_id(session)
    url = f"/api/v1/referrals/{referral.id}"
    assert client.get(url, headers=world["auth"]["school"]).status_code == 200
    _logged(session, before, world["users"]["school"], "read", f"GET {url}",
            [referral.inburgeraar_id])


def test_moving_a_referral_on_is_logged(client, session, world):
    referral = _referral(session, world)
    before = _last_id(session)
    url = f"/api/v1/referrals/{referral.id}"
    assert client.patch(url, headers=world["auth"]["school"],
                        json={"status": "accepted"}).status_code == 200
    _logged(session, before, world["users"]["school"], "status", f"PATCH {url}",
            [referral.inburgeraar_id])


def test_the_export_is_logged(client, session, world):
    person = world["person_utrecht"]
    before = _last_id(session)
    url = f"/api/v1/inburgeraars/{person.id}/export"
    assert client.get(url, headers=world["auth"]["coordinator"]).status_code == 200
    _logged(session, before, world["users"]["coordinator"], "export", f"GET {url}", [person.id])


def test_routes_without_personal_data_log_nothing(client, session, world):
    before = _last_id(session)
    for url in ("/api/v1/offers", f"/api/v1/offers/{world['course'].id}", "/health"):
        assert client.get(url, headers=world["auth"]["coordinator"]).status_code == 200
    assert _rows_after(session, before) == []


def test_the_coordinator_filters_the_log(client, session, world):
    person = world["person_utrecht"]
    client.get(f"/api/v1/inburgeraars/{person.id}", headers=world["auth"]["km_utrecht"])
    client.get("/api/v1/inburgeraars", headers=world["auth"]["coordinator"])
    response = client.get(
        f"/api/v1/access-log?inburgeraar_id={person.id}&action=read",
        headers=world["auth"]["coordinator"],
    )
    entries = response.get_json()["entries"]
    assert [(e["user_id"], e["action"], e["channel"]) for e in entries] == [
        (world["users"]["km_utrecht"].id, "read", "api")
    ]
    by_user = client.get(f"/api/v1/access-log?user_id={world['users']['coordinator'].id}",
                         headers=world["auth"]["coordinator"]).get_json()["entries"]
    assert {e["action"] for e in by_user} == {"list"}
    assert {e["inburgeraar_id"] for e in by_user} == {
        world["person_utrecht"].id, world["person_zeist"].id
    }
    for role in ("km_utrecht", "school"):
        assert client.get("/api/v1/access-log", headers=world["auth"][role]).status_code == 403


def test_the_database_refuses_to_change_or_delete_log_rows(client, session, world):
    client.get(f"/api/v1/inburgeraars/{world['person_utrecht'].id}",
               headers=world["auth"]["km_utrecht"])
    for statement in ("UPDATE access_log SET role = 'partner'", "DELETE FROM access_log"):
        nested = session.begin_nested()
        try:
            session.execute(text(statement))
        except DatabaseError as error:
            assert "append-only" in str(error)
        else:
            raise AssertionError(f"{statement} was not refused")
        finally:
            nested.rollback()
    assert session.scalar(select(func.count()).select_from(AccessLog)) >= 1
