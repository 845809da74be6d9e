"""The per-worker cache is keyed on the coalition version: every worker's next answer sees a change.

Two apps on one database stand for two gunicorn workers: each has built its
cache before the change, and each sees the change at its next request,
whoever made it (the other worker, the session as a command would, an HSDS
import with an old timestamp).
"""

from datetime import UTC, datetime, timedelta

import api_world
import pytest

from conftest import make_test_app
from models import matcher_cache, matching_bridge
from models.clock import local_today
from models.hsds_import import SourceFile, import_hsds
from models.matcher_cache import current_matcher
from models.referral_service import refer
from models.unit_of_work import UnitOfWork

world = api_world.world


@pytest.fixture
def other_worker(database_url, session):
    """A second app on the same database."""
    return make_test_app(database_url).test_client()


def offer_in_list(client, headers, offer_id):
    offers = client.get("/api/v1/offers", headers=headers).get_json()["offers"]
    return next(o for o in offers if o["id"] == offer_id)


def test_a_write_through_one_worker_is_seen_by_the_other_at_once(client, other_worker, world):
    school, course = world["auth"]["school"], world["course"]
    for worker in (client, other_worker):
        assert offer_in_list(worker, school, course.id)["capacity"] == 5
    response = client.patch(f"/api/v1/offers/{course.id}", json={"capacity": 7}, headers=school)
    assert response.status_code == 200
    for worker in (client, other_worker):
        assert offer_in_list(worker, school, course.id)["capacity"] == 7


def test_a_change_with_an_old_timestamp_is_seen(client, session, world):
    """What the fingerprint missed: an HSDS import that sets an older last_modified."""
    school, course = world["auth"]["school"], world["course"]
    assert offer_in_list(client, school, course.id)["title"] == "Testcursus"
    service = client.get(f"/hsds/services/{course.uuid}").get_json()
    service.pop("organization")
    service["name"] = "Cursus uit de import"
    service["last_modified"] = datetime(2020, 1, 1, tzinfo=UTC).isoformat()
    with UnitOfWork(session):
        import_hsds(session, [SourceFile("dienst.json", service)])
    assert offer_in_list(client, school, course.id)["title"] == "Cursus uit de import"


def test_rankings_follow_a_partner_edit_on_every_worker(client, other_worker, world):
    km, person, course = world["auth"]["km_utrecht"], world["person_utrecht"], world["course"]
    url = f"/api/v1/inburgeraars/{person.id}/matches?domain=taal"
    for worker in (client, other_worker):
        ranked = [m["offer_id"] for m in worker.get(url, headers=km).get_json()["matches"]]
        assert course.id in ranked
    # The partner makes the course women-only; the person is a man: no longer eligible.
    response = client.patch(f"/api/v1/offers/{course.id}", headers=world["auth"]["school"],
                            json={"women_only": True})
    assert response.status_code == 200
    for worker in (other_worker, client):
        ranked = [m["offer_id"] for m in worker.get(url, headers=km).get_json()["matches"]]
        assert course.id not in ranked


def test_rankings_follow_a_change_of_needs(client, world):
    km, person = world["auth"]["km_utrecht"], world["person_utrecht"]
    url = f"/api/v1/inburgeraars/{person.id}/matches"
    domains = {m["domain"] for m in client.get(url, headers=km).get_json()["matches"]}
    assert domains == {"taal"}
    response = client.patch(
        f"/api/v1/inburgeraars/{person.id}", json={"needs": {"werk": 2}}, headers=km
    )
    assert response.status_code == 200, response.get_json()
    domains = {m["domain"] for m in client.get(url, headers=km).get_json()["matches"]}
    assert domains == {"werk"}


def test_the_success_model_is_refitted_only_when_the_history_changed(session, world):
    first = current_matcher(session)
    world["course"].capacity = 6  # not history: a new Matcher, the same fitted model
    session.commit()
    second = current_matcher(session)
    # The model is bound to each Matcher's tables, but the fit is the same: it shares
    # its fitted parameters.
    assert second is not first and second.model.records_ is first.model.records_
    with UnitOfWork(session):
        refer(session, actor_id=world["users"]["km_utrecht"].id,
              inburgeraar_id=world["person_utrecht"].id, offer_id=world["course"].id)
    third = current_matcher(session)
    assert third is not second and third.model.records_ is not second.model.records_
    assert current_matcher(session) is third  # nothing changed since


def test_the_success_model_is_refitted_when_the_day_moves(session, world, monkeypatch):
    # An outcome's age counts to the day: its weight, and a partner's "mostly old" record.
    first = current_matcher(session)
    tomorrow = local_today() + timedelta(days=1)
    for module in (matcher_cache, matching_bridge):
        monkeypatch.setattr(module, "local_today", lambda: tomorrow)
    second = current_matcher(session)
    assert second.scenario.reference_date == tomorrow
    assert second.model.records_ is not first.model.records_
    assert current_matcher(session) is second
