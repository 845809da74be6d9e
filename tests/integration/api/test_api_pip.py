"""The PIP through the API: DUO's rules just inside and just outside, each a 422 naming the
field; the matcher's scenario follows the PIP (leerroute, alfabetisering)."""

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import func, select

import factories
from models import Pip

world = api_world.world
BASE = {"dagtekening": "2026-03-02"}

INSIDE = [
    ({"leerroute": "B", "niveau": "A2"}, {"niveau": "A2"}),
    ({"leerroute": "O", "niveau": "B1"}, {"niveau": "B1"}),
    ({"leerroute": "Z", "niveau": "A2"}, {"niveau": "A2"}),
    ({"leerroute": "B", "intensiteit_b1_uren": 1}, {"niveau": "B1"}),
    ({"leerroute": "B", "intensiteit_b1_uren": 9999}, {"niveau": "B1"}),
    # With B or O and no niveau, B1 is recorded; with Z nothing is.
    ({"leerroute": "B"}, {"niveau": "B1"}),
    ({"leerroute": "O"}, {"niveau": "B1"}),
    ({"leerroute": "Z"}, {"niveau": None}),
]
OUTSIDE = [
    ({"leerroute": "O", "niveau": "A2"}, "pip.niveau"),
    ({"leerroute": "Z", "niveau": "B1"}, "pip.niveau"),
    ({"leerroute": "O", "intensiteit_b1_uren": 1}, "pip.intensiteit_b1_uren"),
    ({"leerroute": "Z", "intensiteit_b1_uren": 1}, "pip.intensiteit_b1_uren"),
    ({"leerroute": "B", "intensiteit_b1_uren": 0}, "pip.intensiteit_b1_uren"),
    ({"leerroute": "B", "intensiteit_b1_uren": 10000}, "pip.intensiteit_b1_uren"),
    ({"leerroute": "B", "alfabetisering": "J"}, "pip.alfabetisering"),
    ({"niveau": "B1"}, "pip.leerroute"),
]


def _create(client, world, pip, **fields):
    return client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"],
                       json={"needs": {"taal": 2}, "pip": pip, **fields})


@pytest.mark.parametrize(("pip", "recorded"), INSIDE)
def test_a_pip_inside_duos_rules_is_recorded(client, world, pip, recorded):
    response = _create(client, world, {**BASE, **pip})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["pip"] == {"dagtekening": "2026-03-02", "niveau": None,
                           "intensiteit_b1_uren": None, "alfabetisering": "NVT",
                           **pip, **recorded}
    assert body["leerroute"] == {"B": "b1", "O": "onderwijs", "Z": "z"}[pip["leerroute"]]


@pytest.mark.parametrize(("pip", "field"), OUTSIDE)
def test_a_pip_outside_duos_rules_is_a_422_naming_the_field(client, session, world, pip, field):
    before = session.scalar(select(func.count()).select_from(Pip))
    body = assert_problem(_create(client, world, {**BASE, **pip}), 422)
    assert field in {e["field"] for e in body["errors"]}
    assert all(e["message"][0].isupper() for e in body["errors"])
    assert session.scalar(select(func.count()).select_from(Pip)) == before


@pytest.mark.parametrize(("pip", "field"), OUTSIDE[:4])
def test_duos_rules_hold_on_a_change_too(client, world, pip, field):
    person = world["person_utrecht"]
    response = client.patch(f"/api/v1/inburgeraars/{person.id}",
                            headers=world["auth"]["km_utrecht"], json={"pip": {**BASE, **pip}})
    assert field in {e["field"] for e in assert_problem(response, 422)["errors"]}


def test_the_leerroute_follows_the_pip(client, world):
    body = assert_problem(_create(client, world, {**BASE, "leerroute": "Z"}, leerroute="b1"), 422)
    assert [e["field"] for e in body["errors"]] == ["leerroute"]
    body = assert_problem(
        _create(client, world, {**BASE, "leerroute": "B", "alfabetisering": "AA"},
                latin_literate=True), 422)
    assert [e["field"] for e in body["errors"]] == ["latin_literate"]


def test_a_pip_is_kept_changed_and_removed(client, world):
    headers = world["auth"]["km_utrecht"]
    person = _create(client, world, {**BASE, "leerroute": "B", "alfabetisering": "A"}).get_json()
    assert person["latin_literate"] is False
    url = f"/api/v1/inburgeraars/{person['id']}"
    kept = client.patch(url, headers=headers, json={"goals": "werk in de zorg"}).get_json()
    assert kept["pip"] == person["pip"]
    changed = client.patch(url, headers=headers, json={"pip": {**BASE, "leerroute": "O"}})
    assert changed.get_json()["pip"]["leerroute"] == "O"
    assert changed.get_json()["leerroute"] == "onderwijs"
    removed = client.patch(url, headers=headers, json={"pip": None}).get_json()
    assert removed["pip"] is None and removed["leerroute"] == "onderwijs"


def test_a_z_route_pip_makes_a_b1_only_offer_ineligible(client, session, world):
    headers = world["auth"]["km_utrecht"]
    b1_only = factories.offer(session, partner=world["school"], leerroutes=["b1"], title="B1-only")
    person = _create(client, world, {**BASE, "leerroute": "B"}, level="A1").get_json()
    url = f"/api/v1/inburgeraars/{person['id']}/matches?domain=taal&top=100"
    offered = {m["offer_id"] for m in client.get(url, headers=headers).get_json()["matches"]}
    assert b1_only.id in offered

    client.patch(f"/api/v1/inburgeraars/{person['id']}", headers=headers,
                 json={"pip": {**BASE, "leerroute": "Z"}})
    offered = {m["offer_id"] for m in client.get(url, headers=headers).get_json()["matches"]}
    assert b1_only.id not in offered
    refused = client.post("/api/v1/referrals", headers=headers,
                          json={"inburgeraar_id": person["id"], "offer_id": b1_only.id})
    assert assert_problem(refused, 422)["errors"][0]["rule"]


def test_alfabetisering_aa_prefers_an_alfa_course(client, session, world):
    headers = world["auth"]["km_utrecht"]
    common = {"partner": world["school"], "leerroutes": ["b1"], "min_level": "A0",
              "max_level": "B1", "postcode": "3561"}
    alfa = factories.offer(session, title="Alfacursus", alfa=True, **common)
    plain = factories.offer(session, title="Gewone cursus", alfa=False, **common)
    person = _create(client, world, {**BASE, "leerroute": "B", "alfabetisering": "AA"},
                     level="A0", postcode="3561").get_json()
    url = f"/api/v1/inburgeraars/{person['id']}/matches?domain=taal&top=100"
    ranked = [m["offer_id"] for m in client.get(url, headers=headers).get_json()["matches"]]
    assert ranked.index(alfa.id) < ranked.index(plain.id)
