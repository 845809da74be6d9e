"""Logging in and out of the portal: throttle, cookies, CSRF, redirects."""

import re
from datetime import timedelta

from flask import Flask
from portal_world import (  # noqa: F401  (fixtures)
    PASSWORD,
    csrf_token,
    form_app_fixture,
    form_client_fixture,
    log_in,
)

import factories
from conftest import make_test_app
from models.auth import LoginFailure
from models.base import now_utc
from models.coalition import Offer
from web.portal import configure_cookies


def test_anonymous_visitors_are_sent_to_the_dutch_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/inloggen?next=")
    page = client.get("/inloggen").get_data(as_text=True)
    assert '<html lang="nl"' in page
    assert "Naar de inhoud" in page  # the skip link


def test_a_wrong_password_is_refused_in_dutch_and_logs_nobody_in(client, session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    response = client.post("/inloggen", data={
        "email": user.email, "password": "fout", "csrf_token": csrf_token(client),
    })
    assert response.status_code == 422
    assert "Het e-mailadres, het wachtwoord of de code klopt niet." in response.get_data(
        as_text=True)
    assert client.get("/").status_code == 302


def test_login_sets_a_httponly_samesite_cookie_and_logout_ends_the_session(client, session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    token = csrf_token(client)
    response = client.post("/inloggen", data={
        "email": user.email.upper(), "password": PASSWORD, "csrf_token": token,
    })
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/").status_code == 200
    response = client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_over_https_the_cookies_are_secure():
    # A bare app: a second full app would share the extensions' module-level state.
    https_app = Flask(__name__)
    https_app.config["WEGWIJS_HTTPS"] = True
    configure_cookies(https_app)
    for prefix in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        assert https_app.config[f"{prefix}_SECURE"] is True
        assert https_app.config[f"{prefix}_HTTPONLY"] is True
        assert https_app.config[f"{prefix}_SAMESITE"] == "Lax"


def test_more_than_ten_failures_in_a_minute_refuse_even_the_right_password(client, session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    session.add_all(
        LoginFailure(email=user.email, at=now_utc() - timedelta(seconds=5)) for _ in range(10)
    )
    session.commit()
    response = client.post("/inloggen", data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client),
    })
    assert response.status_code == 422
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, session):
    user = factories.user(session, role="partner", password=PASSWORD)
    offer = factories.offer(session, partner_id=user.partner_id)
    log_in(client, user)
    response = client.post(f"/partner/aanbod/{offer.id}/sluiten")
    assert response.status_code == 400
    assert "Het formulier is verlopen" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Offer, offer.id).closed_at is None


def test_after_login_only_a_local_next_page_is_followed(client, session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    token = csrf_token(client)
    response = client.post("/inloggen?next=//elders.example/", data={
        "email": user.email, "password": PASSWORD, "csrf_token": token,
    })
    assert response.location == "/"


def test_the_token_api_needs_no_csrf_token(client, session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201


def test_error_pages_are_dutch_html_in_the_layout(client, session):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert client.get("/api/v1/bestaat-niet").mimetype == "application/problem+json"
    log_in(client, factories.user(session, role="coordinator", password=PASSWORD))
    response = client.get("/klantmanager/inburgeraars")
    assert response.status_code == 403
    assert "Geen toegang" in response.get_data(as_text=True)


def test_the_design_system_css_is_served_locally(client):
    response = client.get("/assets/utrecht-components/index.css")
    assert response.status_code == 200
    assert ".utrecht-button" in response.get_data(as_text=True)
    assert client.get("/assets/utrecht-components/../package.json").status_code == 404
    assert client.get("/assets/elders/index.css").status_code == 404


def test_a_password_change_ends_the_portal_sessions(form_client, session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    log_in(form_client, user)
    assert form_client.get("/").status_code == 200

    api = form_client.application.test_client()
    token = api.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    changed = api.post(
        "/api/v1/account/password",
        json={"current_password": PASSWORD, "new_password": "een-heel-nieuw-wachtwoord-42"},
        headers=headers,
    )
    assert changed.status_code == 204, changed.get_data(as_text=True)

    response = form_client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/inloggen")
    log_in(form_client, user, "een-heel-nieuw-wachtwoord-42")
    assert form_client.get("/").status_code == 200


def _set_cookies(responses) -> list[str]:
    return [cookie for response in responses for cookie in response.headers.getlist("Set-Cookie")]


def test_every_cookie_the_app_sets_is_httponly_and_samesite_lax(client, session):
    """Logging in sets the session cookie; logging out clears Flask-Login's remember_token."""
    user = factories.user(session, role="coordinator", password=PASSWORD)
    responses = [client.post("/inloggen", data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})]
    # A browser may still hold one (Flask-Login clears it with a bare delete_cookie).
    client.set_cookie("remember_token", "oud")
    responses.append(client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/")}))
    cookies = _set_cookies(responses)
    assert any(c.startswith("remember_token=") for c in cookies), cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_over_https_every_cookie_is_also_secure(database_url, session):
    https_app = make_test_app(database_url, WEGWIJS_HTTPS=True)
    client = https_app.test_client()
    user = factories.user(session, role="coordinator", password=PASSWORD)

    def token(path):
        page = client.get(path, base_url="https://localhost").get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    headers = {"Referer": "https://localhost/"}
    responses = [client.post("/inloggen", base_url="https://localhost", headers=headers, data={
        "email": user.email, "password": PASSWORD, "csrf_token": token("/inloggen")})]
    assert responses[0].status_code == 302, responses[0].get_data(as_text=True)
    client.set_cookie("remember_token", "oud", domain="localhost")
    responses.append(client.post("/uitloggen", base_url="https://localhost", headers=headers,
                                 data={"csrf_token": token("/")}))
    cookies = _set_cookies(responses)
    assert any(c.startswith("remember_token=") for c in cookies), cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
