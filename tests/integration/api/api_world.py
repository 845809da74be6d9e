"""A small coalition with a user and a token for every role, for the API tests.

Users get no real password hash (argon2 is slow) and tokens are written
straight into the database; the tests of POST /tokens log in for real.
"""

import secrets
from datetime import timedelta

import pytest

import factories
from models.account import User
from models.auth import ApiToken
from models.base import now_utc
from models.tokens import token_digest


def make_user(session, role, **scope) -> User:
    user = User(
        email=f"{role}-{secrets.token_hex(4)}@wegwijs.example",
        password_hash="geen-wachtwoord",
        role=role,
        **scope,
    )
    session.add(user)
    session.flush()
    return user


def token_for(session, user) -> dict:
    """Authorization headers with a fresh token of ``user``."""
    token = secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id, token_hash=token_digest(token),
                 expires_at=now_utc() + timedelta(hours=1))
    )
    session.flush()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(session):
    """Utrecht and Zeist with a klantmanager and a person each, two partners with an offer each."""
    utrecht = factories.gemeente(session, "Utrecht")
    zeist = factories.gemeente(session, "Zeist")
    school = factories.partner(session, name="Taalschool Test (fictief)")
    employer = factories.partner(session, name="Werkgever Test (fictief)", kind="werkgever")
    users = {
        "coordinator": make_user(session, "coordinator"),
        "km_utrecht": make_user(session, "klantmanager", gemeente_id=utrecht.id),
        "km_zeist": make_user(session, "klantmanager", gemeente_id=zeist.id),
        "school": make_user(session, "partner", partner_id=school.id),
        "employer": make_user(session, "partner", partner_id=employer.id),
    }
    return {
        "users": users,
        "auth": {name: token_for(session, user) for name, user in users.items()},
        "school": school,
        "employer": employer,
        "course": factories.offer(session, partner=school, capacity=5),
        "job": factories.offer(session, partner=employer, domain="werk", kind="baan", capacity=2),
        "person_utrecht": factories.inburgeraar(session, gemeente=utrecht),
        "person_zeist": factories.inburgeraar(session, gemeente=zeist, postcode="3701"),
    }


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body
