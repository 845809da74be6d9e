"""Every route that takes a JSON body: a body that is not JSON, or malformed JSON, is a 400
problem and stores nothing; valid JSON that is not an object is a 422 naming ``body``.

The routes are found in the app itself (every view with a ``json`` parameter), so a
new route is walked without being listed here.
"""

import inspect

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import func, select

from models import AccessLog, ApiToken, Inburgeraar, Offer, Referral, User
from web import create_app

world = api_world.world

BAD_BODIES = [
    ("application/json", '{"needs": '),
    ("application/json", ""),
    ("application/json", "{'enkele': 'quotes'}"),
    ("text/plain", '{"needs": {"taal": 2}}'),
    ("application/x-www-form-urlencoded", "needs=taal"),
    (None, '{"needs": {"taal": 2}}'),
]


def _json_routes() -> list[tuple[str, str]]:
    app = create_app({"SECRET_KEY": "routes", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/api/v1") and "json" in inspect.signature(view).parameters:
            found += [(method, rule.rule) for method in sorted(rule.methods & {"POST", "PATCH"})]
    return found


JSON_ROUTES = _json_routes()


def _path(rule: str, world) -> str:
    ids = {"offer_id": world["course"].id, "inburgeraar_id": world["person_utrecht"].id,
           "referral_id": 1, "user_id": world["users"]["school"].id,
           "partner_id": world["school"].id}
    for name, value in ids.items():
        rule = rule.replace(f"<int(max=2147483647):{name}>", str(value))
    return rule


def _headers(rule: str, world) -> dict:
    """A token of a role that may use the route: the body is read after the role check."""
    coordinator_only = ("users", "coalition", "partners", "accounts")
    if rule.endswith("/waitlist"):
        role = "km_utrecht"
    elif "offers" in rule:
        role = "school"
    else:
        role = "coordinator" if any(part in rule for part in coordinator_only) else "km_utrecht"
    return dict(world["auth"][role])


def _rows(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Inburgeraar, Offer, Referral, AccessLog, ApiToken, User))


def test_the_walk_finds_every_json_route():
    assert ("POST", "/api/v1/inburgeraars") in JSON_ROUTES
    assert ("PATCH", "/api/v1/offers/<int(max=2147483647):offer_id>") in JSON_ROUTES
    assert ("POST", "/api/v1/tokens") in JSON_ROUTES
    assert len(JSON_ROUTES) >= 7


@pytest.mark.parametrize(("method", "rule"), JSON_ROUTES)
@pytest.mark.parametrize(("content_type", "body"), BAD_BODIES)
def test_a_body_that_is_not_json_is_400_and_stores_nothing(
    client, session, world, method, rule, content_type, body
):
    headers = _headers(rule, world)
    if content_type:
        headers["Content-Type"] = content_type
    before = _rows(session)
    response = client.open(_path(rule, world), method=method, headers=headers, data=body)
    assert_problem(response, 400)
    assert _rows(session) == before


@pytest.mark.parametrize(("method", "rule"), JSON_ROUTES)
@pytest.mark.parametrize("body", ["[]", '"tekst"', "42", "null"])
def test_json_that_is_not_an_object_is_422_naming_body(client, world, method, rule, body):
    headers = {**_headers(rule, world), "Content-Type": "application/json"}
    response = client.open(_path(rule, world), method=method, headers=headers, data=body)
    assert assert_problem(response, 422)["errors"] == [
        {"field": "body", "message": "Moet een object zijn."}]


def test_an_empty_object_creates_no_empty_person(client, session, world):
    before = _rows(session)
    response = client.post("/api/v1/inburgeraars", headers=world["auth"]["km_utrecht"], json={})
    errors = assert_problem(response, 422)["errors"]
    assert {"field": "needs", "message": "Dit veld is verplicht."} in errors
    assert _rows(session) == before
