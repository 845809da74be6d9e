"""Lockout after failed logins in a row, unlock by the coordinator, password rules and change,
security headers, and the client address behind a proxy."""

from datetime import timedelta

import api_world
import pytest
from api_world import assert_problem
from sqlalchemy import select

import factories
from conftest import make_test_app
from models.account import User
from models.account_events import CLI, AccountEvent
from models.account_links import InvalidLink, valid_link
from models.accounts import RESETS_PER_HOUR, request_reset, reset_password
from models.audit import AccessLog
from models.auth import ApiToken
from models.base import now_utc
from models.errors import Forbidden
from models.lockout import LOCKOUT_AFTER, locked_accounts, unlock_account
from models.outbox import OutboxMail
from models.passwords import password_problems, verify_password
from models.sign_in import WRONG, InvalidCredentials, sign_in

world = api_world.world
PASSWORD = "een-lang-en-goed-wachtwoord"


def _login(client, email, password):
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


def check_credentials(session, email, password, now):
    return sign_in(session, email, CLI, password=password, now=now)


def test_failures_in_a_row_lock_the_account_whatever_the_password(session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    start = now_utc()
    # One failure every two minutes: the per-minute throttle never steps in.
    for n in range(LOCKOUT_AFTER):
        with pytest.raises(InvalidCredentials):
            check_credentials(session, user.email, "geraden", now=start + timedelta(minutes=2 * n))
    later = start + timedelta(minutes=2 * LOCKOUT_AFTER)
    # Refused as a wrong password is: the answer does not tell that the email has an account.
    with pytest.raises(InvalidCredentials):
        check_credentials(session, user.email, PASSWORD, now=later)
    with pytest.raises(InvalidCredentials):
        check_credentials(session, user.email, "geraden", now=later)
    session.refresh(user)
    assert user.is_active and user.locked_until is not None
    # The person hears of it by mail, once.
    mails = session.scalars(select(OutboxMail).where(OutboxMail.recipient == user.email)).all()
    assert [m.subject for m in mails] == ["Uw account in Wegwijs is tijdelijk geblokkeerd"]
    # The lock ends by itself after half an hour.
    assert check_credentials(session, user.email, PASSWORD, now=later + timedelta(minutes=31))


def test_a_success_resets_the_count(session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    start = now_utc()
    for n in range(LOCKOUT_AFTER - 1):
        with pytest.raises(InvalidCredentials):
            check_credentials(session, user.email, "geraden", now=start + timedelta(minutes=2 * n))
    check_credentials(session, user.email, PASSWORD, now=start + timedelta(hours=1))
    with pytest.raises(InvalidCredentials):
        check_credentials(session, user.email, "geraden", now=start + timedelta(hours=2))
    session.refresh(user)
    assert user.failed_logins == 1 and user.locked_until is None


def test_locked_account_gets_the_401_of_an_unknown_email_and_the_coordinator_unlocks_it(
        client, session, world):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    user.locked_until = now_utc() + timedelta(minutes=30)
    session.commit()
    # API.md: wrong credentials get the same 401 whether the email exists or not; a locked
    # account is known to exist, so its answer is that same one, whatever the password.
    unknown = assert_problem(_login(client, "niemand@wegwijs.example", "geraden"), 401)
    assert assert_problem(_login(client, user.email, PASSWORD), 401) == unknown
    assert assert_problem(_login(client, user.email, "geraden"), 401) == unknown
    unlock = f"/api/v1/users/{user.id}/unlock"
    assert_problem(client.post(unlock, headers=world["auth"]["km_utrecht"]), 403)
    assert client.post(unlock, headers=world["auth"]["coordinator"]).status_code == 204
    assert _login(client, user.email, PASSWORD).status_code == 201


def test_an_unlock_gives_every_try_back_and_is_recorded_with_who_unlocked_whom(
        client, session, world):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    start = now_utc()
    # Locked after failures, then one more failure counted after the lock ends.
    for n in range(LOCKOUT_AFTER):
        with pytest.raises(InvalidCredentials):
            check_credentials(session, user.email, "geraden", now=start + timedelta(minutes=2 * n))
    session.commit()
    coordinator = world["users"]["coordinator"]
    unlock = f"/api/v1/users/{user.id}/unlock"
    assert client.post(unlock, headers=world["auth"]["coordinator"]).status_code == 204
    event = session.scalars(select(AccountEvent).where(AccountEvent.action == "unlocked")).one()
    assert (event.actor_id, event.user_id, event.channel) == (coordinator.id, user.id, "api")
    # After the unlock the account has all its tries again before it locks.
    later = start + timedelta(hours=1)
    for n in range(LOCKOUT_AFTER - 1):
        with pytest.raises(InvalidCredentials):
            check_credentials(session, user.email, "geraden", now=later + timedelta(minutes=2 * n))
    # Within the half hour a lock would last.
    last = later + timedelta(minutes=2 * (LOCKOUT_AFTER - 1))
    assert check_credentials(session, user.email, PASSWORD, now=last)


def test_an_unlock_names_who_may_not_and_what_does_not_exist(client, session, world):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    user.locked_until = now_utc() + timedelta(minutes=30)
    session.commit()
    missing = assert_problem(client.post("/api/v1/users/999999/unlock",
                                         headers=world["auth"]["coordinator"]), 404)
    assert missing["detail"] == "Dit account bestaat niet."
    # The API refuses the klantmanager's role before the rule; the rule refuses it as well.
    with pytest.raises(Forbidden) as refused:
        unlock_account(session, actor_id=world["users"]["km_utrecht"].id, user_id=user.id)
    assert refused.value.message == "Alleen de coördinator deblokkeert accounts."
    session.rollback()
    assert user.locked_until is not None


def test_the_coordinator_is_shown_the_accounts_locked_now_by_email(session):
    now = now_utc()
    later = factories.user(session, role="partner", email="zz-geblokkeerd@wegwijs.example",
                           locked_until=now + timedelta(minutes=30))
    first = factories.user(session, role="partner", email="aa-geblokkeerd@wegwijs.example",
                           locked_until=now + timedelta(minutes=5))
    factories.user(session, role="partner", email="mm-was-geblokkeerd@wegwijs.example",
                   locked_until=now - timedelta(minutes=1))
    factories.user(session, role="partner", email="bb-nooit@wegwijs.example")
    assert locked_accounts(session) == [first, later]


def test_the_lock_ends_at_its_moment(session):
    user = factories.user(session, role="partner", password=PASSWORD)
    end = now_utc() + timedelta(minutes=30)
    user.locked_until = end
    session.commit()
    # Locked, the right password is answered as a wrong one (the email's existence untold).
    with pytest.raises(InvalidCredentials) as locked:
        check_credentials(session, user.email, PASSWORD, now=end - timedelta(microseconds=1))
    assert locked.value.message == WRONG
    assert check_credentials(session, user.email, PASSWORD, now=end)


def test_an_account_without_a_password_signs_in_with_none(client, session):
    """Invited and not yet enrolled: no hash (models/accounts.py stores ""), and the stand-in
    hash's password opens nothing."""
    user = factories.user(session, role="partner", password=PASSWORD)
    user.password_hash = ""
    session.commit()
    assert verify_password(None, "wegwijs-dummy-password") is False
    assert_problem(_login(client, user.email, "wegwijs-dummy-password"), 401)


def test_unlock_command(runner, session):
    user = factories.user(session, role="coordinator", password=PASSWORD)
    user.locked_until = now_utc() + timedelta(minutes=30)
    session.commit()
    result = runner.invoke(args=["unlock", user.email.upper()])
    assert result.exit_code == 0 and "gedeblokkeerd" in result.output
    session.expire_all()
    assert user.locked_until is None
    assert runner.invoke(args=["unlock", "niemand@wegwijs.example"]).exit_code == 1


@pytest.mark.parametrize("password, problem", [
    ("kort", "minstens 12"),
    ("wachtwoord123", "te makkelijk"),
    ("aaaaaaaaaaaaaaaa", "te makkelijk"),
    ("mijn-naam-is-jansen-en-zo", "e-mailadres"),
    # The shipped list (models/common_passwords.txt), with digits added, or repeated.
    ("qwerty123456", "te makkelijk"),
    ("Dragon123456!", "te makkelijk"),
    ("passwordpassword", "te makkelijk"),
    ("abcabcabcabc", "te makkelijk"),
    ("012345678910", "te makkelijk"),  # listed as it is: all signs, nothing to take off
    ("love12345678", "te makkelijk"),  # a listed word of four letters, digits added
    ("aabababbbaba", "te makkelijk"),  # two characters, not in a repeated pattern
])
def test_password_rules(password, problem):
    assert any(problem in p for p in password_problems(password, "jansen@wegwijs.example"))


def test_a_good_password_breaks_no_rule():
    assert password_problems("paard batterij nietje correct", "jansen@wegwijs.example") == []


_WORDS = " ".join(f"paard{n}" for n in range(400))


@pytest.mark.parametrize("password, email, problems", [
    ("paard-nietje", "jans@wegwijs.example", []),
    ("paard-nietj", "jans@wegwijs.example", ["Gebruik minstens 12 tekens."]),
    (_WORDS[:1024], "jans@wegwijs.example", []),
    (_WORDS[:1025], "jans@wegwijs.example", ["Gebruik hoogstens 1024 tekens."]),
    # A local part of four letters is found inside; a shorter one only as the whole address.
    ("ikheetjans-en-zo", "jans@wegwijs.example", ["Gebruik niet (een deel van) uw e-mailadres."]),
    ("JAN@wegwijs.example", "jan@wegwijs.example", ["Gebruik niet (een deel van) uw e-mailadres."]),
    ("wachtwoord123", "jans@wegwijs.example", ["Dit wachtwoord is te makkelijk te raden."]),
])
def test_password_problems_are_named_whole_at_their_boundaries(password, email, problems):
    assert password_problems(password, email) == problems


def test_the_boundaries_of_too_easy_patterns():
    """Two different characters are too easy to guess, three are not; a pattern of up to
    three characters repeated is, one of four (not listed) is not."""
    assert password_problems("abcacbbcacab", "jansen@wegwijs.example") == []
    assert password_problems("k9x!k9x!k9x!", "jansen@wegwijs.example") == []
    assert password_problems("k9xk9xk9xk9x", "jansen@wegwijs.example") == [
        "Dit wachtwoord is te makkelijk te raden."]


def test_changing_the_password_revokes_every_token(client, session):
    user = factories.user(session, role="partner", password=PASSWORD)
    first = _login(client, user.email, PASSWORD).get_json()["token"]
    second = _login(client, user.email, PASSWORD).get_json()["token"]
    headers = {"Authorization": f"Bearer {first}"}
    bad = client.post("/api/v1/account/password", headers=headers,
                      json={"current_password": PASSWORD, "new_password": "kort"})
    assert [e["field"] for e in assert_problem(bad, 422)["errors"]] == ["new_password"]
    wrong = client.post("/api/v1/account/password", headers=headers,
                        json={"current_password": "fout", "new_password": "paard batterij nietje"})
    assert [e["field"] for e in assert_problem(wrong, 422)["errors"]] == ["current_password"]
    assert client.get("/api/v1/offers", headers=headers).status_code == 200  # nothing changed

    changed = client.post("/api/v1/account/password", headers=headers,
                          json={"current_password": PASSWORD,
                                "new_password": "paard batterij nietje"})
    assert changed.status_code == 204
    for token in (first, second):
        assert client.get("/api/v1/offers",
                          headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert session.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id)).all()
    assert _login(client, user.email, PASSWORD).status_code == 401
    assert _login(client, user.email, "paard batterij nietje").status_code == 201


def test_security_headers_on_pages_and_api(client):
    for url in ("/inloggen", "/api/v1/openapi.json", "/api/v1/docs", "/health"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp.split("style-src-attr")[0]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
        # Plain HTTP on 127.0.0.1 keeps working: no HSTS, no redirect.
        assert "Strict-Transport-Security" not in response.headers
        assert response.status_code == 200


def test_the_api_docs_inline_style_carries_the_nonce(client):
    response = client.get("/api/v1/docs")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in response.get_data(as_text=True)


def test_https_mode_redirects_and_sends_hsts(database_url):
    app = make_test_app(database_url, WEGWIJS_HTTPS=True)
    client = app.test_client()
    assert client.get("/health").status_code in (301, 302)
    secure = client.get("/health", base_url="https://localhost")
    assert secure.status_code == 200
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]


def test_behind_a_proxy_the_log_has_the_clients_address(database_url, session, world):
    person = world["person_utrecht"]
    forwarded = {**world["auth"]["km_utrecht"], "X-Forwarded-For": "203.0.113.7"}
    url = f"/api/v1/inburgeraars/{person.id}"
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = make_test_app(database_url, WEGWIJS_PROXY_COUNT=proxies)
        assert app.test_client().get(url, headers=forwarded).status_code == 200
        row = session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
        assert row.remote_addr == expected


def test_a_new_password_by_a_reset_link_ends_the_lock(client, session):
    user = factories.user(session, role="klantmanager", password=PASSWORD)
    user.locked_until = now_utc() + timedelta(minutes=30)
    session.commit()
    request_reset(session, email=user.email, origin=CLI)
    session.commit()
    path = session.scalars(select(OutboxMail.path).where(
        OutboxMail.recipient == user.email)).one()
    reset_password(session, secret=path.rsplit("/", 1)[1], new_password="paard batterij nietje",
                   origin=CLI)
    session.commit()
    assert _login(client, user.email, "paard batterij nietje").status_code == 201


def test_the_person_is_mailed_of_every_new_password_changed_or_reset(client, session):
    # ASVS 2.2.3: a password one did not set (a session left open, a mailbox taken over)
    # is noticed. A factor change was mailed; a new password was not.
    user = factories.user(session, role="partner", password=PASSWORD)
    token = _login(client, user.email, PASSWORD).get_json()["token"]
    assert client.post("/api/v1/account/password", headers={"Authorization": f"Bearer {token}"},
                       json={"current_password": PASSWORD,
                             "new_password": "paard batterij nietje"}).status_code == 204
    request_reset(session, email=user.email, origin=CLI)
    session.commit()
    link = session.scalars(select(OutboxMail.path).where(
        OutboxMail.recipient == user.email, OutboxMail.path.like("/wachtwoord-herstellen/%"))).one()
    reset_password(session, secret=link.rsplit("/", 1)[1], new_password="nog een ander wachtwoord",
                   origin=CLI)
    session.commit()
    subjects = session.scalars(select(OutboxMail.subject).where(
        OutboxMail.recipient == user.email).order_by(OutboxMail.id)).all()
    assert subjects == ["Uw wachtwoord in Wegwijs is gewijzigd", "Wachtwoord herstellen in Wegwijs",
                        "Uw wachtwoord in Wegwijs is gewijzigd"]


def test_reset_mails_to_one_account_are_limited_and_the_answer_stays_the_same(session):
    # Each request mailed a new link and ended the one before: anyone could flood a mailbox
    # and keep killing the link its person was about to click.
    user = factories.user(session, role="partner", password=PASSWORD)
    for _ in range(RESETS_PER_HOUR + 3):
        assert request_reset(session, email=user.email, origin=CLI) is None
        session.commit()
    mails = session.scalars(select(OutboxMail.path).where(
        OutboxMail.recipient == user.email)).all()
    assert len(mails) == RESETS_PER_HOUR


def test_create_account_again_renews_an_invitation_never_used(runner, session):
    # A fresh install has no coordinator to resend an invitation: once the first link ran
    # out (72 hours) or its mail was lost, create-account said "email in use" for good.
    first = runner.invoke(args=["create-account", "eerste@gemeente.example",
                                "--role", "coordinator"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["create-account", "eerste@gemeente.example",
                                "--role", "coordinator"])
    assert again.exit_code == 0 and "nieuwe uitnodiging" in again.output
    old_link, new_link = first.output.split()[-1], again.output.split()[-1]
    assert old_link != new_link
    session.expire_all()
    user = session.scalars(select(User).where(User.email == "eerste@gemeente.example")).one()
    with pytest.raises(InvalidLink):
        valid_link(session, old_link.rsplit("/", 1)[1], "invitation")
    assert valid_link(session, new_link.rsplit("/", 1)[1], "invitation").user_id == user.id
    # Once set up, or for another role, the email is in use as ever.
    other = runner.invoke(args=["create-account", "eerste@gemeente.example",
                                "--role", "klantmanager", "--gemeente", "Utrecht"])
    assert other.exit_code == 1 and "al een account" in other.output
