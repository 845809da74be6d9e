"""Sign-ins arriving at once, on PostgreSQL (row locks, real concurrency) and on SQLite:
every failure is counted, and a TOTP code works once however many carry it.

Each thread has its own connection and session, as gunicorn workers do. The
password hash is real (Argon2id), so the threads overlap where it matters:
between reading the account and writing the outcome.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

import factories
from databases import migrated_postgres, scratch_database
from models.account import User
from models.account_events import CLI, AccountEvent
from models.auth import LoginFailure
from models.database import configure_engine
from models.errors import DomainError
from models.sign_in import code_check, sign_in
from seeds.geography import load_geography
from web import create_app
from web.extensions import db

THREADS = 8
PASSWORD = "het goede lange wachtwoord"


@pytest.fixture(params=["postgresql", "sqlite"])
def sessions(request, tmp_path):
    if request.param == "postgresql":
        with migrated_postgres(tmp_path, pool_size=THREADS + 2) as (maker, _app):
            yield maker
        return
    with scratch_database("sqlite://", tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "races"})
        with app.app_context():
            upgrade()
            load_geography(db.session)
            db.session.remove()
            db.engine.dispose()
        engine = create_engine(url)
        configure_engine(engine)
        yield sessionmaker(engine)
        engine.dispose()


def _at_once(sessions, email, attempt):
    """Run ``attempt(session)`` in THREADS threads released together; the outcomes."""
    start = threading.Barrier(THREADS)

    def one(_):
        start.wait()
        with sessions() as session:
            try:
                attempt(session)
                return "ok"
            except DomainError as error:
                return type(error).__name__

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one, range(THREADS)))


def test_eight_wrong_passwords_at_once_count_as_eight(sessions):
    with sessions() as session:
        user = factories.user(session, password=PASSWORD, email="doelwit@wegwijs.example")
        user_id = user.id
    outcomes = _at_once(sessions, "doelwit@wegwijs.example", lambda session: sign_in(
        session, "doelwit@wegwijs.example", CLI, password="fout geraden"))
    assert outcomes == ["InvalidCredentials"] * THREADS
    with sessions() as session:
        assert session.get(User, user_id).failed_logins == THREADS
        assert session.scalar(select(func.count()).select_from(AccountEvent).where(
            AccountEvent.user_id == user_id, AccountEvent.action == "signin_failed")) == THREADS
        assert session.scalar(select(func.count()).select_from(LoginFailure).where(
            LoginFailure.email == "doelwit@wegwijs.example")) == THREADS


def test_one_totp_code_sent_eight_times_at_once_signs_in_once(sessions):
    secret = pyotp.random_base32()
    with sessions() as session:
        factories.user(session, password=PASSWORD, email="twee@wegwijs.example", demo=False,
                       totp_secret=secret)
    code = pyotp.TOTP(secret).now()
    outcomes = _at_once(sessions, "twee@wegwijs.example", lambda session: sign_in(
        session, "twee@wegwijs.example", CLI, password=PASSWORD, factor=code_check(code)))
    assert sorted(outcomes) == ["InvalidCredentials"] * (THREADS - 1) + ["ok"]
