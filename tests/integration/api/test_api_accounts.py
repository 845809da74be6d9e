"""/api/v1/accounts and tokens with a second factor (API 1.2.0): invite, enrol, change,
deactivate; TOTP codes once each, recovery codes once each, API keys."""

import base64
from datetime import timedelta

import api_world
import pyotp
import pytest
import segno
from api_world import assert_problem
from sqlalchemy import func, select

import factories
from models.account import User
from models.account_events import CLI, AccountEvent
from models.account_links import InvalidLink, new_link, use_link, valid_link
from models.account_security import Passkey, RecoveryCode
from models.accounts import enrol, update_account
from models.base import now_utc
from models.errors import InvalidInput
from models.outbox import OutboxMail
from models.second_factor import (
    RECOVERY_CODES,
    has_second_factor,
    new_recovery_codes,
    provisioning_uri,
    qr_svg,
    set_up_totp,
    take_code,
    take_recovery_code,
    take_totp_code,
    unused_recovery_codes,
)
from models.tokens import create_api_key

world = api_world.world
PASSWORD = "een lang eigen wachtwoord"


def _invite(client, world, **body):
    return client.post("/api/v1/accounts", json=body, headers=world["auth"]["coordinator"])


def _secret_of(session, email) -> str:
    """The invitation's secret, as the person reads it in the mail the outbox holds."""
    mail = session.scalars(select(OutboxMail).where(OutboxMail.recipient == email)
                           .order_by(OutboxMail.id.desc())).first()
    return mail.path.rsplit("/", 1)[1]


def test_invite_mails_a_link_and_the_person_enrols_with_totp(client, session, world):
    response = _invite(client, world, email="Nieuw@Wegwijs.example", role="partner",
                       partner_id=world["school"].id)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["email"] == "nieuw@wegwijs.example" and body["second_factor"] is False
    assert body["last_login_at"] is None and body["partner_id"] == world["school"].id
    mail = session.scalars(select(OutboxMail).where(
        OutboxMail.recipient == "nieuw@wegwijs.example")).one()
    assert mail.kind == "account" and mail.path.startswith("/uitnodiging/")
    # Nobody can sign in before the person chose a password.
    assert client.post("/api/v1/tokens", json={"email": "nieuw@wegwijs.example",
                                               "password": ""}).status_code == 422

    totp = pyotp.TOTP(pyotp.random_base32())
    user, codes = enrol(session, secret=_secret_of(session, "nieuw@wegwijs.example"),
                        password=PASSWORD, totp_secret=totp.secret, code=totp.now(), origin=CLI)
    session.commit()
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = session.scalars(select(RecoveryCode.code_hash).where(
        RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    read = client.get(f"/api/v1/accounts/{user.id}", headers=world["auth"]["coordinator"])
    assert read.get_json()["second_factor"] is True


def _enrolled(session, **fields):
    secret = pyotp.random_base32()
    user = factories.user(session, password=PASSWORD, demo=False, totp_secret=secret, **fields)
    return user, pyotp.TOTP(secret)


def _token(client, email, otp, password=PASSWORD):
    return client.post("/api/v1/tokens", json={"email": email, "password": password, "otp": otp})


def test_a_token_needs_the_current_code_and_each_code_works_once(client, session):
    user, totp = _enrolled(session, role="coordinator")
    missing = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    wrong = _token(client, user.email, "000000")
    unknown = _token(client, "niemand@wegwijs.example", "123456")
    assert missing.status_code == wrong.status_code == unknown.status_code == 401
    assert missing.get_data() == wrong.get_data() == unknown.get_data()
    code = totp.now()
    assert _token(client, user.email, code).status_code == 201
    assert _token(client, user.email, code).status_code == 401  # used before
    # One step of drift either way, not two.
    assert _token(client, user.email, totp.at(now_utc() + timedelta(seconds=30))).status_code == 201
    assert _token(client, user.email, totp.at(now_utc() - timedelta(seconds=90))).status_code == 401


def test_a_recovery_code_works_once_in_place_of_the_code(client, session):
    user, _ = _enrolled(session, role="coordinator")
    codes = new_recovery_codes(session, user.id)
    session.commit()
    assert _token(client, user.email, codes[0].upper()).status_code == 201
    assert _token(client, user.email, codes[0]).status_code == 401


def test_demo_accounts_sign_in_without_otp_whatever_is_sent(client, session):
    user = factories.user(session, password=PASSWORD)  # demo-like: no second factor
    assert _token(client, user.email, "onzin").status_code == 201


def test_email_in_use_is_409_and_a_role_not_fitting_its_organisation_422(client, session, world):
    taken = world["users"]["km_utrecht"].email
    body = assert_problem(_invite(client, world, email=taken, role="coordinator"), 409)
    assert "al een account" in body["detail"]
    cases = [
        ({"role": "partner"}, "partner_id"),
        ({"role": "klantmanager"}, "gemeente"),
        ({"role": "klantmanager", "gemeente": "Amsterdam"}, "gemeente"),
        ({"role": "coordinator", "partner_id": world["school"].id}, "partner_id"),
        ({"role": "partner", "partner_id": world["school"].id, "gemeente": "Utrecht"}, "gemeente"),
    ]
    for body, field in cases:
        problem = assert_problem(_invite(client, world, email="x@wegwijs.example", **body), 422)
        assert [e["field"] for e in problem["errors"]] == [field], body
    assert session.scalar(select(func.count()).select_from(User).where(
        User.email == "x@wegwijs.example")) == 0


def test_only_the_coordinator_manages_accounts(client, world):
    for who in ("km_utrecht", "school"):
        assert_problem(client.get("/api/v1/accounts", headers=world["auth"][who]), 403)


def test_resending_ends_the_earlier_link(client, session, world):
    created = _invite(client, world, email="later@wegwijs.example", role="klantmanager",
                      gemeente="Zeist").get_json()
    first = _secret_of(session, "later@wegwijs.example")
    again = client.post(f"/api/v1/accounts/{created['id']}/invitation",
                        headers=world["auth"]["coordinator"])
    assert again.status_code == 201
    second = _secret_of(session, "later@wegwijs.example")
    assert first != second
    totp = pyotp.TOTP(pyotp.random_base32())
    with pytest.raises(InvalidLink):
        enrol(session, secret=first, password=PASSWORD, totp_secret=totp.secret,
              code=totp.now(), origin=CLI)
    enrol(session, secret=second, password=PASSWORD, totp_secret=totp.secret, code=totp.now(),
          origin=CLI)
    with pytest.raises(InvalidLink):  # once
        enrol(session, secret=second, password=PASSWORD, totp_secret=totp.secret,
              code=totp.now(), origin=CLI)


def test_change_role_and_organisation(client, session, world):
    km = world["users"]["km_utrecht"]
    moved = client.patch(f"/api/v1/accounts/{km.id}", json={"gemeente": "Zeist"},
                         headers=world["auth"]["coordinator"])
    assert moved.get_json()["gemeente"] == "Zeist"
    partner = client.patch(f"/api/v1/accounts/{km.id}",
                           json={"role": "partner", "partner_id": world["school"].id},
                           headers=world["auth"]["coordinator"])
    body = partner.get_json()
    assert body["role"] == "partner" and body["gemeente"] is None
    bad = client.patch(f"/api/v1/accounts/{km.id}", json={"role": "klantmanager"},
                       headers=world["auth"]["coordinator"])
    assert [e["field"] for e in assert_problem(bad, 422)["errors"]] == ["gemeente"]


def test_deactivation_ends_every_token_and_key_at_once_and_keeps_history(client, session, world):
    km = world["users"]["km_utrecht"]
    key, _ = create_api_key(session, actor_id=km.id, name="script",
                            expires_at=now_utc() + timedelta(days=30), origin=CLI)
    session.commit()
    key_auth = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/offers", headers=key_auth).status_code == 200
    response = client.patch(f"/api/v1/accounts/{km.id}", json={"active": False},
                            headers=world["auth"]["coordinator"])
    assert response.get_json()["active"] is False
    assert_problem(client.get("/api/v1/offers", headers=world["auth"]["km_utrecht"]), 401)
    assert_problem(client.get("/api/v1/offers", headers=key_auth), 401)
    assert session.get(User, km.id) is not None
    actions = session.scalars(select(AccountEvent.action).where(
        AccountEvent.user_id == km.id)).all()
    assert "account_deactivated" in actions and "api_key_created" in actions


def test_unused_accounts_are_listed(client, session, world):
    old = factories.user(session, email="oud@wegwijs.example")
    old.created_at = now_utc() - timedelta(days=120)
    session.commit()
    listed = client.get("/api/v1/accounts?unused=true", headers=world["auth"]["coordinator"])
    assert [a["email"] for a in listed.get_json()["accounts"]] == ["oud@wegwijs.example"]


def test_an_api_key_acts_as_its_person_and_notes_its_last_use(client, session, world):
    school_user = world["users"]["school"]
    key, row = create_api_key(session, actor_id=school_user.id, name="cursusadministratie",
                              expires_at=now_utc() + timedelta(days=300), origin=CLI)
    session.commit()
    assert row.token_hash != key and key not in row.token_hash
    headers = {"Authorization": f"Bearer {key}"}
    created = client.post("/api/v1/offers", headers=headers,
                          json={"title": "Avondcursus", "domain": "taal", "kind": "taalcursus",
                                "capacity": 4})
    assert created.status_code == 201 and created.get_json()["partner_id"] == world["school"].id
    session.expire_all()
    assert row.last_used_at is not None


def test_an_api_key_expires_within_a_year(session, world):
    with pytest.raises(InvalidInput) as refused:
        create_api_key(session, actor_id=world["users"]["school"].id, name="te lang",
                       expires_at=now_utc() + timedelta(days=400), origin=CLI)
    assert [e["field"] for e in refused.value.errors] == ["expires_at"]


def test_a_password_change_through_the_api_asks_the_second_factor_and_is_recorded(
        client, session):
    # As in the portal: the current password and a code. The API asked only the password,
    # so an API key (a partner's system) with the password could change it, and the event
    # said it came from the command line, not from whom.
    user, totp = _enrolled(session, role="partner")
    token = _token(client, user.email, totp.now()).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    new = "een heel ander lang wachtwoord"
    for otp in (None, "000000"):
        refused = client.post("/api/v1/account/password", headers=headers, json={
            "current_password": PASSWORD, "new_password": new, "otp": otp})
        assert [e["field"] for e in assert_problem(refused, 422)["errors"]] == ["otp"]
    assert client.get("/api/v1/offers", headers=headers).status_code == 200  # nothing changed
    later = totp.at(now_utc() + timedelta(seconds=30))
    changed = client.post("/api/v1/account/password", headers=headers, json={
        "current_password": PASSWORD, "new_password": new, "otp": later})
    assert changed.status_code == 204
    event = session.scalars(select(AccountEvent).where(
        AccountEvent.user_id == user.id, AccountEvent.action == "password_changed")).one()
    assert (event.channel, event.remote_addr, event.actor_id) == ("api", "127.0.0.1", user.id)


def test_the_coordinator_cannot_change_their_own_role(client, session, world):
    # As deactivating oneself is refused: the coalition's only coordinator, demoted by a
    # slip on their own account page, left nobody to manage accounts.
    me = world["users"]["coordinator"]
    response = client.patch(f"/api/v1/accounts/{me.id}", headers=world["auth"]["coordinator"],
                            json={"role": "klantmanager", "gemeente": "Utrecht"})
    assert_problem(response, 409)
    session.expire_all()
    assert session.get(User, me.id).role == "coordinator"


def test_enrolling_names_a_weak_password_and_a_wrong_code_at_once(client, session, world):
    # The page named only the password; a code as wrong came back after the next try.
    _invite(client, world, email="beide@wegwijs.example", role="coordinator")
    secret = _secret_of(session, "beide@wegwijs.example")
    with pytest.raises(InvalidInput) as refused:
        enrol(session, secret=secret, password="kort", totp_secret=pyotp.random_base32(),
              code="000000", origin=CLI)
    assert {e["field"] for e in refused.value.errors} == {"password", "code"}


def test_a_recovery_code_is_its_accounts_own_and_works_once(client, session):
    owner, _ = _enrolled(session, role="coordinator")
    other, _ = _enrolled(session, role="coordinator")
    codes = new_recovery_codes(session, owner.id)
    session.commit()
    assert _token(client, other.email, codes[0]).status_code == 401
    # Taken at the moment of the call when none is given, and not again.
    assert take_recovery_code(session, owner.id, codes[1]) is True
    assert take_recovery_code(session, owner.id, codes[1]) is False
    assert unused_recovery_codes(session, owner.id) == RECOVERY_CODES - 1
    assert _token(client, owner.email, codes[0]).status_code == 201


def test_setting_up_totp_checks_the_code_at_its_moment_and_takes_its_step(session):
    user = factories.user(session, role="partner", password=PASSWORD, demo=False)
    secret = pyotp.random_base32()
    totp, moment = pyotp.TOTP(secret), now_utc() - timedelta(hours=1)
    with pytest.raises(InvalidInput) as refused:
        set_up_totp(session, user, secret, totp.at(moment - timedelta(minutes=10)), now=moment)
    message = ("Deze code klopt niet. Kijk of de tijd op uw telefoon goed staat en "
               "probeer opnieuw.")
    assert refused.value.message == message
    assert refused.value.errors == [{"field": "code", "message": message}]
    assert user.totp_secret is None
    codes = set_up_totp(session, user, secret, totp.at(moment), now=moment)
    assert len(codes) == RECOVERY_CODES and user.totp_secret == secret
    # The code that set the factor up does not sign in again; the next step's does.
    assert take_totp_code(session, user, totp.at(moment), now=moment) is False
    later = moment + timedelta(seconds=30)
    assert take_totp_code(session, user, totp.at(later), now=later) is True


def test_the_authenticator_app_is_given_the_account_and_wegwijs_in_a_readable_qr_code():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    uri = provisioning_uri(secret, "klantmanager.utrecht@wegwijs.example")
    parsed = pyotp.parse_uri(uri)
    assert (parsed.secret, parsed.name, parsed.issuer) == (
        secret, "klantmanager.utrecht@wegwijs.example", "Wegwijs")
    # Error level M (a phone reads it through glare or a smudge), black on white,
    # four pixels a module with the standard quiet zone.
    width, height = segno.make(uri, error="m").symbol_size(scale=4)
    svg = qr_svg(uri)
    assert svg.startswith(f'<svg width="{width}" height="{height}" ')
    assert '<path fill="#fff" ' in svg and ' stroke="#000" ' in svg


def test_a_mailed_link_works_for_its_purpose_until_the_end_of_its_lifetime(session):
    user = factories.user(session, role="partner", password=PASSWORD)
    sent = now_utc()
    _, path = new_link(session, user.id, "invitation", now=sent)
    assert path.startswith("/uitnodiging/")
    secret = path.rsplit("/", 1)[1]
    assert len(base64.urlsafe_b64decode(secret + "=")) == 32  # 256 random bits
    refusal = ("Deze link werkt niet (meer): hij is verlopen, al gebruikt of vervangen door een "
               "nieuwere. Vraag een nieuwe aan.")
    # An invitation's link does not reset a password.
    with pytest.raises(InvalidLink) as refused:
        valid_link(session, secret, "reset", now=sent)
    assert refused.value.message == refusal
    end = sent + timedelta(hours=72)
    assert valid_link(session, secret, "invitation", now=end - timedelta(microseconds=1))
    with pytest.raises(InvalidLink) as refused:
        valid_link(session, secret, "invitation", now=end)
    assert refused.value.message == refusal


def test_a_link_is_taken_once_and_ends_only_its_accounts_links_of_its_purpose(session):
    coordinator = factories.user(session, role="coordinator")
    first = factories.user(session, role="partner", password=PASSWORD)
    second = factories.user(session, role="partner", password=PASSWORD)

    def secret(user, purpose):
        return new_link(session, user.id, purpose)[1].rsplit("/", 1)[1]

    first_invitation = secret(first, "invitation")
    first_reset = secret(first, "reset")
    second_invitation = secret(second, "invitation")
    # Neither a link of another purpose nor another account's link ended the first.
    assert valid_link(session, first_invitation, "invitation")
    use_link(session, first_invitation, "invitation")
    with pytest.raises(InvalidLink):
        use_link(session, first_invitation, "invitation")
    # Taking one link leaves the others working.
    assert valid_link(session, second_invitation, "invitation")
    assert valid_link(session, first_reset, "reset")
    # A deactivated account's links end with it.
    update_account(session, actor_id=coordinator.id, user_id=first.id,
                   changes={"active": False}, origin=CLI)
    with pytest.raises(InvalidLink):
        valid_link(session, first_reset, "reset")


def test_a_link_is_judged_and_taken_at_the_moment_given(session):
    user = factories.user(session, role="partner", password=PASSWORD)
    sent = now_utc() - timedelta(hours=100)
    secret = new_link(session, user.id, "invitation", now=sent)[1].rsplit("/", 1)[1]
    assert use_link(session, secret, "invitation", now=sent + timedelta(hours=1))


def test_a_code_counts_at_the_moment_given_and_as_the_person_types_it(session):
    user, totp = _enrolled(session, role="partner")
    moment = now_utc() - timedelta(hours=1)
    code = totp.at(moment)
    # As an authenticator app shows it: two groups of three.
    assert take_code(session, user, f"{code[:3]} {code[3:]}", now=moment) is True
    recovery = new_recovery_codes(session, user.id)
    # A recovery code in capitals, with spaces where the dashes were, or without either.
    assert take_code(session, user, recovery[0].upper().replace("-", " "), now=moment) is True
    assert take_code(session, user, recovery[1].replace("-", ""), now=moment) is True
    assert unused_recovery_codes(session, user.id) == RECOVERY_CODES - 2


def test_new_recovery_codes_end_the_accounts_earlier_codes_only(session):
    user, _ = _enrolled(session, role="partner")
    other, _ = _enrolled(session, role="partner")
    earlier = new_recovery_codes(session, user.id)
    others = new_recovery_codes(session, other.id)
    new_recovery_codes(session, user.id)
    assert take_recovery_code(session, user.id, earlier[0]) is False
    assert take_recovery_code(session, other.id, others[0]) is True


def test_an_account_without_an_authenticator_app_takes_no_six_digit_code(session):
    user = factories.user(session, role="partner", password=PASSWORD, demo=False)
    assert take_code(session, user, "123456") is False
    assert take_totp_code(session, user, "123456") is False


def test_a_code_counts_within_one_step_of_now_either_way(session):
    user, totp = _enrolled(session, role="partner")
    now = now_utc()
    # Two steps (a minute) ahead or behind: refused, however fresh the account.
    assert take_totp_code(session, user, totp.at(now + timedelta(seconds=60)), now=now) is False
    assert take_totp_code(session, user, totp.at(now - timedelta(seconds=60)), now=now) is False
    for seconds in (-30, 0, 30):
        assert take_totp_code(session, user, totp.at(now + timedelta(seconds=seconds)),
                              now=now) is True, seconds


def test_a_passkey_is_its_accounts_second_factor_and_no_one_elses(client, session):
    with_passkey = factories.user(session, role="partner", password=PASSWORD, demo=False)
    without = factories.user(session, role="partner", password=PASSWORD, demo=False)
    session.add(Passkey(user_id=with_passkey.id, name="Telefoon", credential_id="c3RpY2s",
                        public_key=b"sleutel"))
    session.commit()
    assert has_second_factor(session, with_passkey) is True
    assert has_second_factor(session, without) is False
    # A password alone does not pass a passkey by; without any factor it is enough.
    assert client.post("/api/v1/tokens", json={"email": with_passkey.email,
                                               "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/tokens", json={"email": without.email,
                                               "password": PASSWORD}).status_code == 201
