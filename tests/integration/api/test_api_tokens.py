"""POST /api/v1/tokens: argon2 logins, hashed tokens with expiry, revocation, the throttle."""

from datetime import timedelta

import api_world
from api_world import assert_problem
from sqlalchemy import select

import factories
from conftest import DEMO_PASSWORD
from models.auth import ApiToken, LoginFailure
from models.base import now_utc
from models.sign_in import MAX_FAILURES
from models.tokens import token_digest
from seeds.demo import load_demo

world = api_world.world
DEMO_EMAILS = [
    "coordinator@wegwijs.example", "klantmanager.utrecht@wegwijs.example",
    "klantmanager.zeist@wegwijs.example", "taalschool@wegwijs.example",
    "werkgever@wegwijs.example", "maatjes@wegwijs.example",
]


def _login(client, email, password):
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


def test_every_demo_account_gets_a_token_that_works(client, session):
    load_demo(session, password=DEMO_PASSWORD)
    for email in DEMO_EMAILS:
        response = _login(client, email, DEMO_PASSWORD)
        assert response.status_code == 201, email
        body = response.get_json()
        assert body["expires_at"] and len(body["token"]) >= 40
        headers = {"Authorization": f"Bearer {body['token']}"}
        assert client.get("/api/v1/offers", headers=headers).status_code == 200


def test_token_is_stored_hashed_with_an_expiry(client, session):
    user = factories.user(session, email="iemand@wegwijs.example", password="geheim-genoeg")
    token = _login(client, "IEMAND@wegwijs.example ", "geheim-genoeg").get_json()["token"]
    row = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    assert row.token_hash == token_digest(token) and token not in row.token_hash
    lifetime = row.expires_at.replace(tzinfo=None) - row.created_at.replace(tzinfo=None)
    assert timedelta(hours=1) <= lifetime <= timedelta(days=1)


def test_wrong_password_and_unknown_email_give_the_same_401(client, session):
    factories.user(session, email="bekend@wegwijs.example", password="het-goede-wachtwoord")
    wrong = _login(client, "bekend@wegwijs.example", "fout")
    unknown = _login(client, "onbekend@wegwijs.example", "fout")
    assert_problem(wrong, 401)
    assert wrong.get_data() == unknown.get_data()
    assert wrong.headers.get("WWW-Authenticate") == unknown.headers.get("WWW-Authenticate")


def test_eleventh_attempt_within_a_minute_is_429(client, session, monkeypatch):
    # The throttle is about counting, not hashing: skip argon2's cost here.
    monkeypatch.setattr("models.sign_in.verify_password", lambda *_: False)
    for _ in range(MAX_FAILURES):
        assert _login(client, "doelwit@wegwijs.example", "raden").status_code == 401
    blocked = _login(client, "doelwit@wegwijs.example", "raden")
    assert_problem(blocked, 429)
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    # Another email is not affected.
    assert _login(client, "ander@wegwijs.example", "raden").status_code == 401


def test_failures_older_than_a_minute_do_not_count(client, session, monkeypatch):
    monkeypatch.setattr("models.sign_in.verify_password", lambda *_: False)
    long_ago = now_utc() - timedelta(minutes=2)
    session.add_all(LoginFailure(email="oud@wegwijs.example", at=long_ago) for _ in range(20))
    session.flush()
    assert _login(client, "oud@wegwijs.example", "raden").status_code == 401


def test_missing_invalid_and_revoked_tokens_are_401(client, world):
    headers = world["auth"]["km_utrecht"]
    assert_problem(client.get("/api/v1/offers"), 401)
    assert_problem(client.get("/api/v1/offers", headers={"Authorization": "Bearer onzin"}), 401)
    assert_problem(client.get("/api/v1/offers", headers={"Authorization": "Basic eDp5"}), 401)
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert_problem(client.get("/api/v1/offers", headers=headers), 401)


def test_expired_token_is_401(client, session, world):
    for row in session.scalars(select(ApiToken)):
        row.expires_at = now_utc() - timedelta(seconds=1)
    session.flush()
    assert_problem(client.get("/api/v1/offers", headers=world["auth"]["coordinator"]), 401)


def test_token_request_lists_every_bad_field(client):
    body = assert_problem(client.post("/api/v1/tokens", json={"email": 5}), 422)
    assert {e["field"] for e in body["errors"]} == {"email", "password"}
