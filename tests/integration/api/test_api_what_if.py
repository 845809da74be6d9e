"""POST /api/v1/coalition/what-if: before and after a change of places, nothing stored."""

import api_world
from api_world import assert_problem

import factories
from databases import every_row

world = api_world.world
URL = "/api/v1/coalition/what-if"


def _scarce_world(session, world):
    """Three people of Utrecht needing taal, the course down to one place."""
    course = world["course"]
    course.capacity = 1
    utrecht = world["person_utrecht"].gemeente
    for _ in range(2):
        factories.inburgeraar(session, gemeente=utrecht, needs={"taal": 1.0})
    session.flush()
    return course


def test_more_places_never_serve_fewer(client, session, world):
    course = _scarce_world(session, world)
    headers = world["auth"]["coordinator"]
    served, taal = [], []
    for capacity in (0, 1, 2, 5):
        response = client.post(URL, json={"changes": [{"offer_id": course.id,
                                                       "capacity": capacity}]}, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        after = body["after"]
        assert set(body["before"]) == {"served", "unserved", "expected_successes", "by_domain",
                                       "by_area"}
        assert after["served"] + after["unserved"] == body["before"]["served"] + body[
            "before"]["unserved"]
        served.append(after["served"])
        taal.append(after["by_domain"]["taal"]["served"])
    assert served == sorted(served) and taal == sorted(taal)
    assert taal[-1] > taal[1]  # five places serve more than one did
    assert any(area.startswith("Utrecht") for area in after["by_area"])


def test_raising_several_capacities_never_serves_fewer(client, session, world):
    """Two scarce courses raised together, step by step: each step serves at least as many."""
    course = _scarce_world(session, world)
    second = factories.offer(session, partner=world["school"], capacity=0)
    for _ in range(3):
        factories.inburgeraar(session, gemeente=world["person_utrecht"].gemeente,
                              needs={"taal": 1.0})
    headers = world["auth"]["coordinator"]
    served, needs = [], set()
    for first, other in ((0, 0), (1, 0), (1, 1), (2, 1), (2, 3), (4, 4)):
        response = client.post(URL, json={"changes": [
            {"offer_id": course.id, "capacity": first},
            {"offer_id": second.id, "capacity": other}]}, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        after = response.get_json()["after"]
        served.append(after["by_domain"]["taal"]["served"])
        needs.add(after["served"] + after["unserved"])
    assert served == sorted(served)
    assert served[0] == 0 and served[-1] == 7  # no place serves none, eight serve all seven
    assert len(needs) == 1


def test_nothing_is_stored(client, session, world):
    course = _scarce_world(session, world)
    headers = world["auth"]["coordinator"]
    before = every_row(session)
    response = client.post(URL, json={"changes": [{"offer_id": course.id, "capacity": 9},
                                                  {"offer_id": world["job"].id, "capacity": 0}]},
                           headers=headers)
    assert response.status_code == 200
    assert response.get_json()["after"] != response.get_json()["before"]
    session.expire_all()
    assert every_row(session) == before
    again = client.post(URL, json={"changes": []}, headers=headers)
    assert again.get_json()["before"] == again.get_json()["after"]


def test_unknown_or_repeated_offer_or_negative_capacity_is_422_naming_the_field(client, world):
    headers = world["auth"]["coordinator"]
    unknown = assert_problem(client.post(URL, json={"changes": [
        {"offer_id": world["course"].id, "capacity": 2},
        {"offer_id": 999_999, "capacity": 2}]}, headers=headers), 422)
    assert [e["field"] for e in unknown["errors"]] == ["changes.1.offer_id"]
    negative = assert_problem(client.post(URL, json={"changes": [
        {"offer_id": world["course"].id, "capacity": -1}]}, headers=headers), 422)
    assert any("capacity" in e["field"] for e in negative["errors"])
    twice = assert_problem(client.post(URL, json={"changes": [
        {"offer_id": world["course"].id, "capacity": 2},
        {"offer_id": world["course"].id, "capacity": 5}]}, headers=headers), 422)
    assert [e["field"] for e in twice["errors"]] == ["changes.1.offer_id"]


def test_only_the_coordinator_may_ask(client, world):
    body = {"changes": [{"offer_id": world["course"].id, "capacity": 3}]}
    for name in ("km_utrecht", "km_zeist", "school", "employer"):
        assert_problem(client.post(URL, json=body, headers=world["auth"][name]), 403)
