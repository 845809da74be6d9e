"""An inburgeraar's ``gemeente`` is the scenario format's field (API.md: the fields of
inburgeraars are those of SCENARIO.md): the gemeente's name, read and written like the other
fields; ``gemeente_id`` stays beside it."""

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import func, select

from models.people import Inburgeraar

world = api_world.world


def test_a_person_carries_the_name_of_their_gemeente(client, world):
    person = world["person_zeist"]
    body = client.get(f"/api/v1/inburgeraars/{person.id}",
                      headers=world["auth"]["km_zeist"]).get_json()
    assert (body["gemeente"], body["gemeente_id"]) == ("Zeist", person.gemeente_id)
    listed = client.get("/api/v1/inburgeraars", headers=world["auth"]["coordinator"]).get_json()
    assert {p["id"]: p["gemeente"] for p in listed["inburgeraars"]} == {
        world["person_utrecht"].id: "Utrecht", person.id: "Zeist"}


@pytest.mark.parametrize("caller, gemeente", [("coordinator", "Zeist"),
                                              ("km_utrecht", "Utrecht")])
def test_a_new_person_names_the_gemeente_as_the_scenario_does(client, world, caller, gemeente):
    response = client.post("/api/v1/inburgeraars", headers=world["auth"][caller],
                           json={"gemeente": gemeente, "needs": {"taal": 1}})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["gemeente"] == gemeente


@pytest.mark.parametrize("caller, body", [
    ("coordinator", {"gemeente": "Amsterdam"}),  # not a gemeente Wegwijs knows
    ("km_utrecht", {"gemeente": "Zeist"}),  # a klantmanager records in their own only
    ("coordinator", {"gemeente": "Zeist", "gemeente_id": -1}),  # two that disagree
])
def test_a_gemeente_that_does_not_fit_is_named(client, session, world, caller, body):
    if "gemeente_id" in body:
        body["gemeente_id"] = world["person_utrecht"].gemeente_id
    before = session.scalar(select(func.count()).select_from(Inburgeraar))
    response = client.post("/api/v1/inburgeraars", headers=world["auth"][caller],
                           json={**body, "needs": {"taal": 1}})
    assert "gemeente" in {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert session.scalar(select(func.count()).select_from(Inburgeraar)) == before
