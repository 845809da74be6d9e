"""Issue 22's "done when", end to end: a fresh install without the demo, on SQLite and on
PostgreSQL, through gunicorn, the mail worker, a real SMTP server and Chromium.

``create-account`` → the coordinator enrols (a real TOTP factor, codes computed here
with pyotp), adds a passkey with Chromium's virtual authenticator and signs in with it,
adds a werkgever and invites its person → that person enrols from the mailed link and
posts a plek through the API with a token and ``otp`` → the coordinator deactivates
them: their token and their portal session stop at once. A forgotten password is reset
by a mailed link too.

WebAuthn needs a domain, not an IP address, as the relying party: the browser talks to
``localhost``.
"""

import os
import re
import subprocess
import sys

import pyotp
import pytest
import requests
from mail_server import MailServer

from databases import postgres_url, scratch_database
from e2e.live import PROJECT_ROOT, prepare_database
from e2e.test_mail_worker import worker
from services import service_missing

pytestmark = pytest.mark.slow
PASSWORD = "koffie paraplu fietsbel"
PERSON_PASSWORD = "een werkgever met een eigen zin"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request, tmp_path):
    if request.param == "sqlite":
        like = "sqlite://"
    else:
        like = postgres_url()
        if like is None:
            service_missing("PostgreSQL is not configured (WEGWIJS_TEST_POSTGRES_URL)")
    with scratch_database(like, tmp_path) as url:
        prepare_database(url)  # the geography only: `flask seed` without --demo
        yield url


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


def _flask(url, public, *args) -> str:
    env = {**os.environ, "DATABASE_URL": url, "WEGWIJS_PUBLIC_URL": public, "SECRET_KEY": "e2e"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def _link(mail_server, recipient, count) -> str:
    mails = [m for m in mail_server.wait_for(count) if m.recipient == recipient]
    return re.search(r"(http://\S+)", mails[-1].text).group(1)


def _enrol(page, link, password) -> tuple[pyotp.TOTP, list[str]]:
    page.goto(link)
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().strip())
    page.get_by_label("Kies een wachtwoord").fill(password)
    page.get_by_label("Code uit de app").fill(totp.now())
    page.get_by_role("button", name="Account inrichten").click()
    page.wait_for_selector("#herstelcodes")
    codes = page.locator("#herstelcodes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Ik heb ze bewaard, ga verder").click()
    return totp, codes


def _password_step(page, base, email, password):
    page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/inloggen/tweede-stap")


def test_a_fresh_install_runs_its_coalition(fresh_database, mail_server, live_server, browser,
                                            tmp_path):
    url = fresh_database
    base = live_server(url, env={"WEGWIJS_SMTP_URL": mail_server.url}).replace(
        "127.0.0.1", "localhost")
    with worker(url, mail_server.url, tmp_path, WEGWIJS_PUBLIC_URL=base):
        printed = _flask(url, base, "create-account", "beheer@gemeente.example",
                         "--role", "coordinator")
        assert f"{base}/uitnodiging/" in printed
        coordinator = browser.new_context(locale="nl-NL")
        coordinator.set_default_timeout(20_000)
        page = coordinator.new_page()
        totp, codes = _enrol(page, _link(mail_server, "beheer@gemeente.example", 1), PASSWORD)
        assert "demo-omgeving" not in page.content()

        # A passkey beside TOTP, with Chromium's virtual authenticator.
        cdp = coordinator.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
            "hasUserVerification": True, "isUserVerified": True}})
        page.goto(base + "/account")
        form = page.locator("#passkey-form")
        form.get_by_label("Wachtwoord").fill(PASSWORD)
        form.get_by_label("Code uit de app of herstelcode").fill(codes[0])
        page.get_by_role("button", name="Passkey toevoegen").click()
        added = page.get_by_text("is toegevoegd")
        added.or_(page.locator("#passkey-status:not(:empty)")).wait_for()
        assert "is toegevoegd" in page.content(), page.locator("#passkey-status").inner_text()
        page.get_by_role("button", name="Uitloggen").click()
        _password_step(page, base, "beheer@gemeente.example", PASSWORD)
        page.get_by_role("button", name="Inloggen met passkey").click()
        page.wait_for_selector("text=U bent ingelogd.")
        mails = [m.subject for m in mail_server.handler.received]
        assert "Uw tweede factor in Wegwijs is gewijzigd" in mails

        # A werkgever joins, and its person is invited.
        page.goto(base + "/coordinator/partners/nieuw")
        page.get_by_label("Naam").fill("Bouwbedrijf De Dom (fictief)")
        page.get_by_label("Soort partner").select_option("werkgever")
        page.get_by_label("Gemeente").select_option("Utrecht")
        page.get_by_label("Postcode (4 cijfers)").fill("3511")
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_selector("text=is toegevoegd aan de coalitie")
        page.goto(base + "/coordinator/accounts")
        page.get_by_label("E-mailadres").fill("personeel@dedom.example")
        page.get_by_label("Rol", exact=True).select_option("partner")
        page.get_by_label("Partner (bij rol partner)").select_option(
            label="Bouwbedrijf De Dom (fictief) (werkgever)")
        page.get_by_role("button", name="Uitnodigen").click()
        page.wait_for_selector("text=is uitgenodigd")

        # The person enrols from the mail, signs in to the portal and posts through the API.
        person = browser.new_context(locale="nl-NL")
        person.set_default_timeout(20_000)
        person_page = person.new_page()
        person_totp, person_codes = _enrol(
            person_page, _link(mail_server, "personeel@dedom.example", 3), PERSON_PASSWORD)
        person_page.goto(base + "/account")
        assert person_page.url == base + "/account"  # signed in
        api = requests.Session()
        refused = api.post(base + "/api/v1/tokens", json={
            "email": "personeel@dedom.example", "password": PERSON_PASSWORD})
        assert refused.status_code == 401
        token = api.post(base + "/api/v1/tokens", json={
            "email": "personeel@dedom.example", "password": PERSON_PASSWORD,
            "otp": person_codes[0]}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        plek = api.post(base + "/api/v1/offers", headers=headers, json={
            "title": "Timmerman in opleiding", "domain": "werk", "kind": "werkervaringsplek",
            "capacity": 2, "sectors": ["bouw"], "hours_per_week": 24, "postcode": "3511"})
        assert plek.status_code == 201, plek.text
        assert api.get(base + "/api/v1/offers", headers=headers).status_code == 200

        # Deactivated: the token and the portal session stop at once.
        page.goto(base + "/coordinator/accounts")
        page.get_by_role("link", name="personeel@dedom.example").click()
        page.get_by_role("button", name="Account deactiveren").click()
        page.wait_for_selector("text=is gedeactiveerd")
        assert api.get(base + "/api/v1/offers", headers=headers).status_code == 401
        person_page.goto(base + "/account")
        assert "/inloggen" in person_page.url

        # A forgotten password: a mailed link, and the second factor stays.
        page.get_by_role("button", name="Uitloggen").click()
        page.goto(base + "/wachtwoord-vergeten")
        page.get_by_label("E-mailadres").fill("beheer@gemeente.example")
        page.get_by_role("button", name="Stuur de link").click()
        page.wait_for_selector("text=Als dit e-mailadres bij een account hoort")
        reset = [m for m in mail_server.wait_for(4) if m.subject.startswith("Wachtwoord")]
        page.goto(re.search(r"(http://\S+)", reset[-1].text).group(1))
        page.get_by_label("Nieuw wachtwoord").fill("een gloednieuw lang wachtwoord")
        page.get_by_role("button", name="Wachtwoord opslaan").click()
        page.wait_for_selector("text=Uw wachtwoord is gewijzigd")
        _password_step(page, base, "beheer@gemeente.example", "een gloednieuw lang wachtwoord")
        page.get_by_label("Code").fill(codes[1])
        page.get_by_role("button", name="Bevestigen").click()
        page.wait_for_selector("text=U bent ingelogd.")
        coordinator.close()
        person.close()
