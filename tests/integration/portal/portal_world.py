"""Helpers for the portal's test-client tests: log in through the form, read CSRF tokens."""

import re

import pytest

from conftest import make_test_app

PASSWORD = "wachtwoord-van-test"


def csrf_token(client, path: str = "/inloggen") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def log_in(client, user, password: str = PASSWORD):
    data = {"email": user.email, "password": password}
    if client.application.config.get("WTF_CSRF_ENABLED", True):
        data["csrf_token"] = csrf_token(client)
    response = client.post("/inloggen", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


# Named fixtures, so that test modules import them without shadowing the argument names.
@pytest.fixture(scope="module", name="form_app")
def form_app_fixture(app, database_url):
    """The app without CSRF, for tests about what forms do (CSRF has its own tests)."""
    return make_test_app(database_url, WTF_CSRF_ENABLED=False)


@pytest.fixture(name="form_client")
def form_client_fixture(form_app, session):
    return form_app.test_client()
