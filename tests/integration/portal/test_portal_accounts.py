"""The portal's accounts: the invitation page, the second step, a forgotten password, sessions
that end, the coordinator's partner and account pages, a partner's own organisation."""

import re
import time
from datetime import timedelta

import pyotp
from flask import g
from portal_world import PASSWORD, csrf_token, log_in
from sqlalchemy import func, select

import factories
from models.account import User
from models.account_events import CLI, SPIKE_THRESHOLD, AccountEvent, record_event
from models.accounts import update_account
from models.clock import local_today
from models.coalition import Partner
from models.outbox import OutboxMail


def _mail_path(session, email):
    mail = session.scalars(select(OutboxMail).where(OutboxMail.recipient == email)
                           .order_by(OutboxMail.id.desc())).first()
    return mail.path


def _enrolled(session, **fields):
    secret = pyotp.random_base32()
    user = factories.user(session, password=PASSWORD, demo=False, totp_secret=secret, **fields)
    return user, pyotp.TOTP(secret)


def test_the_invitation_page_sets_password_and_totp_then_shows_recovery_codes_once(
        client, session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    log_in(client, coordinator)
    response = client.post("/coordinator/accounts", data={
        "email": "nieuwe@wegwijs.example", "role": "klantmanager", "gemeente": "Utrecht",
        "partner_id": "", "csrf_token": csrf_token(client, "/coordinator/accounts")})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/")})
    path = _mail_path(session, "nieuwe@wegwijs.example")

    page = client.get(path).get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "<svg" in page  # the QR code, inline
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    weak = client.post(path, data={"password": "wachtwoord123", "code": pyotp.TOTP(secret).now(),
                                   "csrf_token": token})
    assert weak.status_code == 422 and "te makkelijk te raden" in weak.get_data(as_text=True)
    wrong = client.post(path, data={"password": PASSWORD, "code": "000000", "csrf_token": token})
    assert wrong.status_code == 422 and "Deze code klopt niet" in wrong.get_data(as_text=True)
    assert session.scalars(select(User).where(User.email == "nieuwe@wegwijs.example")
                           ).one().password_hash == ""
    done = client.post(path, data={"password": PASSWORD, "code": pyotp.TOTP(secret).now(),
                                   "csrf_token": token})
    codes = re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>",
                       done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    assert client.get("/").status_code == 302  # signed in: the klantmanager's start page
    client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get(path).status_code == 410  # used once


def test_the_second_step_asks_the_code_and_takes_each_code_once(client, session):
    user, totp = _enrolled(session, role="coordinator")
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD,
                                              "csrf_token": csrf_token(client)})
    assert response.headers["Location"].endswith("/inloggen/tweede-stap")
    assert client.get("/").status_code == 302  # not signed in yet
    token = csrf_token(client, "/inloggen/tweede-stap")
    wrong = client.post("/inloggen/tweede-stap", data={"code": "123456", "csrf_token": token})
    assert wrong.status_code == 422
    code = totp.now()
    right = client.post("/inloggen/tweede-stap", data={"code": code, "csrf_token": token})
    assert right.status_code == 302 and client.get("/").status_code == 200
    failed = session.scalar(select(func.count()).select_from(AccountEvent).where(
        AccountEvent.user_id == user.id, AccountEvent.action == "signin_failed"))
    assert failed == 1
    session.refresh(user)
    assert user.last_login_at is not None


def test_forgotten_password_gives_the_same_answer_and_keeps_the_second_factor(client, session):
    user, totp = _enrolled(session, role="partner")
    answers = []
    for email in (user.email, "niemand@wegwijs.example"):
        response = client.post("/wachtwoord-vergeten", data={
            "email": email, "csrf_token": csrf_token(client, "/wachtwoord-vergeten")},
            follow_redirects=True)
        answers.append(re.search(r"Als dit e-mailadres[^<]+", response.get_data(as_text=True))
                       .group(0))
    assert answers[0] == answers[1]
    path = _mail_path(session, user.email)
    assert path.startswith("/wachtwoord-herstellen/")
    new = "een heel ander lang wachtwoord"
    response = client.post(path, data={"new_password": new,
                                       "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    # Used: the link says so at once (it showed the form, refused only once filled in).
    used = client.get(path)
    assert used.status_code == 410 and "werkt niet" in used.get_data(as_text=True)
    again = client.post(path, data={"new_password": "nog weer een ander wachtwoord",
                                     "csrf_token": csrf_token(client)})
    assert again.status_code == 410
    session.refresh(user)
    assert user.totp_secret is not None
    step = client.post("/inloggen", data={"email": user.email, "password": new,
                                          "csrf_token": csrf_token(client)})
    assert step.headers["Location"].endswith("/inloggen/tweede-stap")


def test_a_session_ends_at_once_when_the_account_is_deactivated(client, session):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    log_in(client, user)
    assert client.get("/klantmanager/inburgeraars").status_code == 200
    user.is_active = False
    session.commit()
    assert client.get("/klantmanager/inburgeraars").status_code == 302


def test_a_session_ends_after_the_idle_time(client, session):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    log_in(client, user)
    with client.session_transaction() as cookie:
        cookie["seen_at"] = time.time() - 31 * 60
    response = client.get("/klantmanager/inburgeraars")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert client.get("/klantmanager/inburgeraars").status_code == 302
    assert _session_ends(session, user) == ["session_expired"]


def _copy_of_the_cookie(client):
    return client.get_cookie("session").value


def _with_cookie(app, value):
    _between_browsers()
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_signing_out_ends_the_session_also_in_a_copy_of_its_cookie(app, client, session):
    # The cookie is signed, not stored: a copy taken before signing out (a shared computer,
    # a proxy's log) signed in on until its idle time ran out.
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    log_in(client, user)
    copy = _copy_of_the_cookie(client)
    assert _with_cookie(app, copy).get("/klantmanager/inburgeraars").status_code == 200
    _between_browsers()
    client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/account")})
    replayed = _with_cookie(app, copy).get("/klantmanager/inburgeraars")
    assert replayed.status_code == 302 and "/inloggen" in replayed.headers["Location"]


def test_a_deactivated_accounts_sessions_stay_ended_when_it_is_reactivated(app, client, session):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    log_in(client, user)
    copy = _copy_of_the_cookie(client)
    for active in (False, True):
        update_account(session, actor_id=coordinator.id, user_id=user.id,
                       changes={"active": active}, origin=CLI)
        session.commit()
    assert _with_cookie(app, copy).get("/klantmanager/inburgeraars").status_code == 302
    _between_browsers()
    assert client.get("/klantmanager/inburgeraars").status_code == 302
    assert log_in(client, user).get("/klantmanager/inburgeraars").status_code == 200


def _session_ends(session, user):
    session.expire_all()
    return [event.action for event in session.scalars(
        select(AccountEvent).where(AccountEvent.user_id == user.id,
                                   AccountEvent.action.in_(("signout", "session_expired")))
        .order_by(AccountEvent.id))]


def test_signing_out_is_recorded_once_with_who_and_from_where(client, session):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    log_in(client, user)
    client.post("/uitloggen", data={"csrf_token": csrf_token(client, "/account")})
    assert _session_ends(session, user) == ["signout"]
    event = session.scalars(select(AccountEvent).where(AccountEvent.action == "signout")).one()
    assert (event.channel, event.remote_addr) == ("portal", "127.0.0.1")


def test_a_session_ends_after_twelve_hours_however_busy(client, session):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    log_in(client, user)
    with client.session_transaction() as cookie:
        cookie["signed_in_at"] = time.time() - 12 * 3600 - 1
    assert client.get("/klantmanager/inburgeraars").status_code == 302


def _between_browsers():
    """The test's app context outlives its requests, so g would hand one test client's
    CSRF token and signed-in user to the other."""
    g.pop("csrf_token", None)
    g.pop("_login_user", None)


def test_a_password_change_asks_password_and_code_and_ends_other_sessions(app, client, session):
    user, totp = _enrolled(session, role="coordinator")
    other = app.test_client()
    for browser in (client, other):
        _between_browsers()
        browser.post("/inloggen", data={"email": user.email, "password": PASSWORD,
                                        "csrf_token": csrf_token(browser)})
        browser.post("/inloggen/tweede-stap", data={
            "code": totp.now(), "csrf_token": csrf_token(browser, "/inloggen/tweede-stap")})
        session.execute(User.__table__.update().values(totp_last_step=None))  # same 30 s
        session.commit()
    assert other.get("/account").status_code == 200
    _between_browsers()
    token = csrf_token(client, "/account")
    refused = client.post("/account/wachtwoord", data={
        "pw-current_password": PASSWORD, "pw-new_password": "een nieuw lang wachtwoord",
        "pw-code": "000000", "csrf_token": token})
    assert refused.status_code == 422
    changed = client.post("/account/wachtwoord", data={
        "pw-current_password": PASSWORD, "pw-new_password": "een nieuw lang wachtwoord",
        "pw-code": totp.now(), "csrf_token": token})
    assert changed.status_code == 302
    assert client.get("/account").status_code == 200  # this session goes on
    _between_browsers()
    assert other.get("/account").status_code == 302  # the other one ended


def test_the_coordinator_adds_and_deactivates_a_partner_in_the_portal(client, session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    school = factories.partner(session, name="Taalschool Oost (fictief)")
    log_in(client, coordinator)
    token = csrf_token(client, "/coordinator/partners/nieuw")
    bad = client.post("/coordinator/partners/nieuw", data={
        "name": "Bouw (fictief)", "kind": "werkgever", "gemeente": "Utrecht",
        "postcode": "1011", "csrf_token": token})
    assert bad.status_code == 422 and "U16" in bad.get_data(as_text=True)
    response = client.post("/coordinator/partners/nieuw", data={
        "name": "Bouw (fictief)", "kind": "werkgever", "gemeente": "Utrecht",
        "postcode": "3511", "languages": "nl, ar", "ties": [str(school.id)], "csrf_token": token})
    assert response.status_code == 302
    partner = session.scalars(select(Partner).where(Partner.name == "Bouw (fictief)")).one()
    assert partner.languages == ["nl", "ar"]
    page = client.get(f"/coordinator/partners/{school.id}").get_data(as_text=True)
    assert re.search(rf'value="{partner.id}"[^>]*checked|checked[^>]*value="{partner.id}"', page)
    off = client.post(f"/coordinator/partners/{partner.id}/actief", data={
        "active": "0", "csrf_token": csrf_token(client, "/coordinator/partners")})
    assert off.status_code == 302
    session.refresh(partner)
    assert partner.active is False


def test_the_account_page_is_the_account_asked_for_not_the_coordinators_own(client, session):
    # The page's "user" is the account shown; the header's signed-in account must not hide it
    # (the deactivation form once posted to the coordinator's own id).
    coordinator = factories.user(session, role="coordinator", password=PASSWORD,
                                 email="coordinator@wegwijs.example")
    other = factories.user(session, role="klantmanager", password=PASSWORD,
                           email="personeel@dedom.example")
    log_in(client, coordinator)
    page = client.get(f"/coordinator/accounts/{other.id}").get_data(as_text=True)
    assert re.search(r"<h1[^>]*>\s*personeel@dedom\.example\s*</h1>", page), page
    assert f'action="/coordinator/accounts/{other.id}/actief"' in page
    assert f'/coordinator/accounts/{coordinator.id}/' not in page


def test_a_partner_edits_its_own_organisation_only(client, session):
    user = factories.user(session, role="partner", password=PASSWORD)
    log_in(client, user)
    response = client.post("/organisatie", data={
        "description": "Ook op zaterdag", "languages": "nl, so", "postcode": "3512",
        "csrf_token": csrf_token(client, "/organisatie")})
    assert response.status_code == 302
    session.refresh(user.partner)
    assert user.partner.languages == ["nl", "so"]
    assert client.get("/coordinator/partners").status_code == 403


def test_the_portal_says_demo_omgeving_while_demo_accounts_exist(client, session):
    user, totp = _enrolled(session, role="coordinator")
    assert "demo-omgeving" not in client.get("/inloggen").get_data(as_text=True)
    factories.user(session, role="klantmanager")  # demo-like
    assert "demo-omgeving" in client.get("/inloggen").get_data(as_text=True)


def test_a_spike_of_failed_sign_ins_is_flagged_on_the_overview(client, session):
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    log_in(client, coordinator)
    assert 'id="inlogpiek"' not in client.get("/").get_data(as_text=True)
    for _ in range(SPIKE_THRESHOLD):
        record_event(session, "signin_failed", CLI, email="doelwit@wegwijs.example")
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert 'id="inlogpiek"' in page and f"{SPIKE_THRESHOLD} in het afgelopen uur" in page


def test_a_person_makes_an_api_key_shown_once_and_the_coordinator_revokes_it(app, client,
                                                                             session):
    user = factories.user(session, role="partner", password=PASSWORD)
    log_in(client, user)
    made = client.post("/account/api-sleutels", data={
        "key-name": "cursusadministratie", "key-expires_on": "2099-01-01",
        "csrf_token": csrf_token(client, "/account")})
    assert made.status_code == 422 and "binnen een jaar" in made.get_data(as_text=True)
    day = (local_today() + timedelta(days=300)).isoformat()
    made = client.post("/account/api-sleutels", data={
        "key-name": "cursusadministratie", "key-expires_on": day,
        "csrf_token": csrf_token(client, "/account")})
    key = re.search(r'id="api-sleutel">([^<]+)<', made.get_data(as_text=True)).group(1)
    assert key not in client.get("/account").get_data(as_text=True)  # shown once
    assert client.get("/api/v1/offers", headers={"Authorization": f"Bearer {key}"}
                      ).status_code == 200
    _between_browsers()
    coordinator = factories.user(session, role="coordinator", password=PASSWORD)
    other = app.test_client()
    log_in(other, coordinator)
    page = other.get("/coordinator/api-sleutels").get_data(as_text=True)
    assert "cursusadministratie" in page and user.email in page
    key_id = re.search(r"/coordinator/api-sleutels/(\d+)/intrekken", page).group(1)
    other.post(f"/coordinator/api-sleutels/{key_id}/intrekken",
               data={"csrf_token": csrf_token(other, "/coordinator/api-sleutels")})
    assert client.get("/api/v1/offers", headers={"Authorization": f"Bearer {key}"}
                      ).status_code == 401
