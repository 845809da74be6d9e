"""Account use cases arriving at once, on PostgreSQL and SQLite: an email is invited once,
a mailed link and a recovery code each work once, however many requests carry them.

Each thread has its own connection and session, as gunicorn workers do; the
outcome of each use case is committed as the request's unit of work would.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pyotp
from sqlalchemy import func, select
from test_signin_races import sessions  # noqa: F401 (the fixture: PostgreSQL and SQLite)

import factories
from models.account import User
from models.account_events import CLI
from models.account_security import RecoveryCode
from models.accounts import enrol, invite_account, request_reset, reset_password
from models.errors import DomainError
from models.outbox import OutboxMail
from models.second_factor import new_recovery_codes, take_recovery_code

THREADS = 6


def _at_once(sessions, attempt):  # noqa: F811 (the fixture's name)
    """Run ``attempt(session)`` in THREADS threads released together and commit each; the
    outcomes: "ok" or the domain error's class name."""
    start = threading.Barrier(THREADS)

    def one(n):
        start.wait()
        with sessions() as session:
            try:
                attempt(session, n)
                session.commit()
                return "ok"
            except DomainError as error:
                session.rollback()
                return type(error).__name__

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one, range(THREADS)))


def test_one_email_invited_at_once_is_one_account_and_409s(sessions):  # noqa: F811
    outcomes = _at_once(sessions, lambda session, _n: invite_account(
        session, actor_id=None, email="nieuw@gemeente.example", role="coordinator", origin=CLI))
    assert sorted(outcomes) == ["EmailInUse"] * (THREADS - 1) + ["ok"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User).where(
            User.email == "nieuw@gemeente.example")) == 1


def test_a_reset_link_used_at_once_sets_one_password(sessions):  # noqa: F811
    with sessions() as session:
        user = factories.user(session, email="vergeten@wegwijs.example", demo=False,
                              totp_secret=pyotp.random_base32())
        request_reset(session, email=user.email, origin=CLI)
        session.commit()
        path = session.scalars(select(OutboxMail.path)).one()
    secret = path.rsplit("/", 1)[1]
    outcomes = _at_once(sessions, lambda session, n: reset_password(
        session, secret=secret, new_password=f"een heel nieuw wachtwoord {n}", origin=CLI))
    assert sorted(outcomes) == ["InvalidLink"] * (THREADS - 1) + ["ok"]


def test_a_recovery_code_used_at_once_works_once(sessions):  # noqa: F811
    with sessions() as session:
        user = factories.user(session, email="herstel@wegwijs.example", demo=False)
        codes = new_recovery_codes(session, user.id)
        session.commit()
        user_id = user.id

    def use(session, _n):
        if not take_recovery_code(session, user_id, codes[0].upper()):
            raise DomainError("al gebruikt")

    assert sorted(_at_once(sessions, use)) == ["DomainError"] * (THREADS - 1) + ["ok"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(RecoveryCode).where(
            RecoveryCode.used_at.is_not(None))) == 1


def test_an_invitation_used_at_once_enrols_once(sessions):  # noqa: F811
    with sessions() as session:
        invitation = invite_account(session, actor_id=None, email="tweemaal@gemeente.example",
                                    role="coordinator", origin=CLI)
        session.commit()
        secret = invitation.path.rsplit("/", 1)[1]
    totps = [pyotp.TOTP(pyotp.random_base32()) for _ in range(THREADS)]
    outcomes = _at_once(sessions, lambda session, n: enrol(
        session, secret=secret, password=f"een eigen lang wachtwoord {n}",
        totp_secret=totps[n].secret, code=totps[n].now(), origin=CLI))
    assert sorted(outcomes) == ["InvalidLink"] * (THREADS - 1) + ["ok"]
    with sessions() as session:
        user = session.scalars(select(User).where(User.email == "tweemaal@gemeente.example")).one()
        winner = outcomes.index("ok")
        assert user.totp_secret == totps[winner].secret
        assert session.scalar(select(func.count()).select_from(RecoveryCode).where(
            RecoveryCode.user_id == user.id)) == 10
