"""The per-worker cache: a worker sees its own writes at once, others' within the interval."""

import api_world
import pytest

from conftest import make_test_app

world = api_world.world


@pytest.fixture
def caching_client(database_url, session):
    """A second app on the same database that checks for changes once a minute."""
    return make_test_app(database_url, WEGWIJS_CACHE_SECONDS=60).test_client()


def offer_in_list(client, headers, offer_id):
    offers = client.get("/api/v1/offers", headers=headers).get_json()["offers"]
    return next(o for o in offers if o["id"] == offer_id)


def test_own_write_is_seen_at_once(caching_client, world):
    school, course = world["auth"]["school"], world["course"]
    assert offer_in_list(caching_client, school, course.id)["capacity"] == 5
    response = caching_client.patch(
        f"/api/v1/offers/{course.id}", json={"capacity": 7}, headers=school
    )
    assert response.status_code == 200
    assert offer_in_list(caching_client, school, course.id)["capacity"] == 7


def test_another_workers_write_is_seen_after_the_interval(caching_client, session, world):
    school, course = world["auth"]["school"], world["course"]
    assert offer_in_list(caching_client, school, course.id)["capacity"] == 5
    course.capacity = 9  # as another worker would: straight into the database
    session.commit()
    assert offer_in_list(caching_client, school, course.id)["capacity"] == 5  # still cached

    uncached = make_test_app(caching_client.application.config["SQLALCHEMY_DATABASE_URI"])
    assert offer_in_list(uncached.test_client(), school, course.id)["capacity"] == 9


def test_rankings_follow_a_change_of_needs(caching_client, world):
    km, person = world["auth"]["km_utrecht"], world["person_utrecht"]
    url = f"/api/v1/inburgeraars/{person.id}/matches"
    domains = {m["domain"] for m in caching_client.get(url, headers=km).get_json()["matches"]}
    assert domains == {"taal"}
    response = caching_client.patch(
        f"/api/v1/inburgeraars/{person.id}", json={"needs": {"werk": 2}}, headers=km
    )
    assert response.status_code == 200, response.get_json()
    domains = {m["domain"] for m in caching_client.get(url, headers=km).get_json()["matches"]}
    assert domains == {"werk"}
