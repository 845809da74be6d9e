"""The hot read path (matches and offers) caches what only changes with the coalition version,
and nothing that guards the data: every request checks its token and its scope anew and
logs whom it showed, whether its answer came from the worker's cache or not."""

import api_world
from api_world import assert_problem
from sqlalchemy import func, select

from models.audit import AccessLog

world = api_world.world


def _match_rows(session, user, person) -> int:
    return session.scalar(select(func.count()).select_from(AccessLog).where(
        AccessLog.user_id == user.id, AccessLog.inburgeraar_id == person.id,
        AccessLog.action == "match"))


def test_every_read_of_a_cached_ranking_is_logged(client, session, world):
    km, person = world["users"]["km_utrecht"], world["person_utrecht"]
    headers = world["auth"]["km_utrecht"]
    for url in (f"/api/v1/inburgeraars/{person.id}/matches",
                f"/api/v1/inburgeraars/{person.id}/matches?domain=taal"):
        bodies = [client.get(url, headers=headers) for _ in range(3)]
        assert [b.status_code for b in bodies] == [200, 200, 200]
        assert bodies[0].data == bodies[1].data == bodies[2].data  # the later two from the cache
    assert _match_rows(session, km, person) == 6


def test_a_revoked_token_is_refused_at_once_though_the_answers_are_cached(client, world):
    headers, person = world["auth"]["km_utrecht"], world["person_utrecht"]
    urls = ("/api/v1/offers", f"/api/v1/inburgeraars/{person.id}/matches")
    for url in urls * 2:
        assert client.get(url, headers=headers).status_code == 200
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    for url in urls:
        assert_problem(client.get(url, headers=headers), 401)


def test_a_deactivated_account_is_refused_at_once(client, session, world):
    headers = world["auth"]["km_utrecht"]
    assert client.get("/api/v1/offers", headers=headers).status_code == 200
    world["users"]["km_utrecht"].is_active = False
    session.flush()
    assert_problem(client.get("/api/v1/offers", headers=headers), 401)


def test_a_deactivated_partner_is_refused_at_once(client, session, world):
    headers = world["auth"]["school"]
    assert client.get("/api/v1/offers", headers=headers).status_code == 200
    world["school"].active = False
    session.flush()
    assert_problem(client.get("/api/v1/offers", headers=headers), 401)
    assert client.get("/api/v1/offers", headers=world["auth"]["employer"]).status_code == 200


def test_the_scope_is_checked_on_every_request_though_the_ranking_is_cached(
        client, session, world):
    person, auth = world["person_zeist"], world["auth"]
    url = f"/api/v1/inburgeraars/{person.id}/matches"
    assert client.get(url, headers=auth["coordinator"]).status_code == 200  # now cached
    assert client.get(url, headers=auth["km_zeist"]).status_code == 200
    assert_problem(client.get(url, headers=auth["km_utrecht"]), 404)
    assert_problem(client.get(url, headers=auth["school"]), 403)
    # The person moves to Utrecht: the klantmanagers' reach follows at once.
    person.gemeente_id = world["person_utrecht"].gemeente_id
    session.flush()
    assert client.get(url, headers=auth["km_utrecht"]).status_code == 200
    assert_problem(client.get(url, headers=auth["km_zeist"]), 404)
    assert client.get(url, headers=auth["coordinator"]).status_code == 200


def test_the_cached_offer_list_follows_a_closed_offer(client, world):
    school, course = world["auth"]["school"], world["course"]
    km = world["auth"]["km_utrecht"]

    def listed(headers, query=""):
        body = client.get(f"/api/v1/offers{query}", headers=headers).get_json()
        return {o["id"] for o in body["offers"]}

    assert course.id in listed(km) and course.id in listed(school)
    assert client.delete(f"/api/v1/offers/{course.id}", headers=school).status_code == 204
    assert course.id not in listed(km)
    # The partner still sees its own closed offer, the klantmanager does not: scoped keys.
    assert course.id in listed(school, "?status=all")
    assert course.id not in listed(km, "?status=all")
