"""Faults against real gunicorn and real PostgreSQL: a killed worker, a database that goes away.

The database "goes away" through a TCP relay on loopback that the test
starts and stops; the machine's shared PostgreSQL keeps running for
everyone else.
"""

import contextlib
import os
import re
import secrets
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, make_url, select
from sqlalchemy.orm import Session

from databases import postgres_url, scratch_database
from e2e.live import free_port, prepare_database, proc_name
from models import Gemeente, Inburgeraar, Need, Offer, Partner, User
from models.auth import ApiToken
from models.base import now_utc
from models.capacity import HOLDING_STATUSES
from models.passwords import hash_password
from models.referral import Referral, ReferralEvent
from models.tokens import token_digest
from services import service_missing

PEOPLE = 80
PLACES = 30
PASSWORD = "storing-wachtwoord-lang"


def _server_url() -> str:
    url = postgres_url()
    if url is None:
        service_missing("PostgreSQL is not configured (WEGWIJS_TEST_POSTGRES_URL or DATABASE_URL)")
    return url


def _coalition(token: str, offers: int = 2):
    def load(session: Session) -> None:
        utrecht = session.scalars(select(Gemeente).where(Gemeente.name == "Utrecht")).one()
        school = Partner(name="Taalschool Storing (fictief)", kind="taalschool", gemeente=utrecht,
                         postcode="3512", lat=52.0907, lon=5.1214)
        for n in range(offers):
            session.add(Offer(partner=school, title=f"Cursus {n}", domain="taal",
                              kind="taalcursus", capacity=PLACES // offers, postcode="3512"))
        for n in range(PEOPLE):
            person = Inburgeraar(pseudonym=f"IB-FOUT{n:03d}", gemeente=utrecht, postcode="3561",
                                 level="A1", leerroute="b1")
            person.needs = [Need(domain="taal", weight=2)]
            session.add(person)
        km = User(email="km.storing@wegwijs.example", password_hash=hash_password(PASSWORD),
                  role="klantmanager", gemeente=utrecht)
        session.add(km)
        session.flush()
        session.add(ApiToken(user_id=km.id, token_hash=token_digest(token),
                             expires_at=now_utc() + timedelta(hours=1)))
        session.commit()

    return load


def _gunicorn_workers(port: int) -> list[int]:
    """The worker processes of the gunicorn bound to ``port`` (children of its master)."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if proc_name(port).encode() in b" ".join(cmdline):
            found[int(pid)] = ppid
    return [pid for pid, ppid in found.items() if ppid in found]


@pytest.mark.postgres
@pytest.mark.slow
def test_a_worker_killed_mid_referral_leaves_no_half_written_rows(live_server, tmp_path):
    token = secrets.token_urlsafe(32)
    with scratch_database(_server_url(), tmp_path) as url:
        prepare_database(url, _coalition(token))
        base = live_server(url, workers=4)
        port = int(base.rsplit(":", 1)[1])
        engine = create_engine(url)
        with Session(engine) as session:
            offers = session.scalars(select(Offer.id).order_by(Offer.id)).all()
            people = session.scalars(select(Inburgeraar.id).order_by(Inburgeraar.id)).all()
        headers = {"Authorization": f"Bearer {token}"}

        def refer(n_person):
            n, person = n_person
            try:
                return requests.post(f"{base}/api/v1/referrals", headers=headers, timeout=60,
                                     json={"inburgeraar_id": person,
                                           "offer_id": offers[n % len(offers)]}).status_code
            except requests.ConnectionError:
                return "connection lost"

        killed = []
        with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            answers = pool.map(refer, enumerate(people))
            # Kill workers while the referrals are being written, twice.
            for _ in range(2):
                time.sleep(0.15)
                victim = _gunicorn_workers(port)[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            answers = list(answers)

        assert len(set(killed)) == 2
        assert all(a in (201, 409, "connection lost") for a in answers), answers
        with Session(engine) as session:
            referrals = session.scalars(select(Referral)).all()
            sent = session.scalars(
                select(ReferralEvent.referral_id).where(ReferralEvent.to_status == "sent")
            ).all()
            # Every referral is whole: exactly one "sent" event each, and no event without one.
            assert sorted(sent) == sorted(r.id for r in referrals)
            assert session.scalar(select(func.count()).select_from(ReferralEvent)) == len(sent)
            for offer in session.scalars(select(Offer)):
                held = sum(1 for r in referrals
                           if r.offer_id == offer.id and r.status in HOLDING_STATUSES)
                assert held <= offer.capacity
        assert answers.count(201) <= len(referrals)
        # The master has replaced the killed workers; the service answers.
        assert requests.get(f"{base}/health", timeout=10).status_code == 200
        listing = requests.get(f"{base}/api/v1/referrals", headers=headers, timeout=30)
        assert listing.status_code == 200
        assert len(listing.json()["referrals"]) == len(referrals)
        assert not set(killed) & set(_gunicorn_workers(port))
        engine.dispose()


class Relay:
    """A TCP relay on loopback to the database; ``stop`` cuts every connection."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self._listener = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            # shutdown wakes the thread blocked in accept(); close alone would not.
            self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _assert_clean_failure(response, *, json_route: bool) -> None:
    assert response.status_code == 503, response.text[:500]
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()
    if json_route:
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["title"] == "Database niet bereikbaar"
    else:
        assert response.headers["Content-Type"].startswith("text/html")
        assert "database nu niet bereiken" in response.text


@pytest.mark.postgres
@pytest.mark.slow
def test_without_the_database_every_request_fails_cleanly_and_service_resumes(
    live_server, tmp_path
):
    token = secrets.token_urlsafe(32)
    with scratch_database(_server_url(), tmp_path) as url:
        prepare_database(url, _coalition(token))
        real = make_url(url)
        relay = Relay((real.host or "127.0.0.1", real.port or 5432))
        relay.start()
        through_relay = real.set(host="127.0.0.1", port=relay.port).render_as_string(
            hide_password=False)
        base = live_server(through_relay, workers=2)
        headers = {"Authorization": f"Bearer {token}"}
        with Session(create_engine(url)) as session:
            person = session.scalar(select(Inburgeraar.id))
        portal = requests.Session()
        form = portal.get(f"{base}/inloggen", timeout=10).text
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        logged_in = portal.post(f"{base}/inloggen", timeout=10, allow_redirects=False, data={
            "email": "km.storing@wegwijs.example", "password": PASSWORD, "csrf_token": csrf})
        assert logged_in.status_code == 302
        assert portal.get(f"{base}/klantmanager/inburgeraars", timeout=10).status_code == 200
        assert requests.get(f"{base}/api/v1/offers", headers=headers, timeout=10).ok

        relay.stop()
        for _ in range(3):  # every worker, whatever its pool held
            health = requests.get(f"{base}/health", timeout=30)
            _assert_clean_failure(health, json_route=True)
            for route in ("/api/v1/offers", f"/api/v1/inburgeraars/{person}", "/hsds/services"):
                _assert_clean_failure(requests.get(f"{base}{route}", headers=headers, timeout=30),
                                      json_route=True)
            posted = requests.post(f"{base}/api/v1/tokens", timeout=30,
                                   json={"email": "km.storing@wegwijs.example", "password": "x"})
            _assert_clean_failure(posted, json_route=True)
            page = portal.get(f"{base}/klantmanager/inburgeraars", timeout=30)
            _assert_clean_failure(page, json_route=False)

        relay.start()
        deadline = time.monotonic() + 30
        while requests.get(f"{base}/health", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "service did not resume"
            time.sleep(0.5)
        assert portal.get(f"{base}/klantmanager/inburgeraars", timeout=30).status_code == 200
        for _ in range(4):  # every worker is back
            assert requests.get(f"{base}/api/v1/offers", headers=headers, timeout=30).ok
            assert requests.get(f"{base}/api/v1/inburgeraars/{person}", headers=headers,
                                timeout=30).ok
        relay.stop()
