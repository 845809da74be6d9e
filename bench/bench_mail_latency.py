"""From a change to the mail in the SMTP server's hands, and the worker's throughput.

A real worker process (``flask --app wsgi worker``, default settings: it polls
every second) delivers to an aiosmtpd server on loopback. A change is a new
referral committed through ``refer`` (one mail to the partner's account).

1. idle: one change every 0.37 s, the worker idle-polling in between;
2. load: 50 changes per second for ``--seconds``;
3. throughput: ``--backlog`` mails already in the outbox, then the worker starts.

Prints p50 and p99 of commit → arrival for 1 and 2, and mails per second for 3.
SQLite in a temp folder by default; ``--postgres URL`` (a server where the
role may create a database) for PostgreSQL.

    .venv/bin/python bench/bench_mail_latency.py [--seconds 10] [--backlog 1000]
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


class Arrivals:
    """An aiosmtpd handler noting when each Message-ID arrived."""

    def __init__(self):
        self.at: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self.lock:
                    self.at[line.split(b":", 1)[1].strip().decode()] = now
                break
        return "250 OK"


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--postgres")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller
    from e2e.live import free_port
    from flask_migrate import upgrade

    import factories
    from databases import scratch_database
    from models.referral_service import refer
    from models.unit_of_work import UnitOfWork
    from seeds.geography import load_geography
    from web import create_app
    from web.extensions import db

    asyncio.set_event_loop(asyncio.new_event_loop())
    arrivals = Arrivals()
    port = free_port()
    controller = Controller(arrivals, hostname="127.0.0.1", port=port)
    controller.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    like = args.postgres or f"sqlite:///{folder / 'bench.sqlite'}"
    with scratch_database(like, folder) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            load_geography(db.session)
            session = db.session
            partner_user = factories.user(session, role="partner")
            km = factories.user(session, role="klantmanager")
            total = 20 + int(50 * args.seconds) + args.backlog + 10
            offer = factories.offer(session, partner_id=partner_user.partner_id, capacity=total)
            people = iter([factories.inburgeraar(session).id for _ in range(total)])

            # Plain ids: touching an expired ORM object after a commit would open a new
            # transaction, which on SQLite holds the write lock the worker needs.
            km_id, offer_id, partner_user_id = km.id, offer.id, partner_user.id
            session.commit()

            def change() -> tuple[str, float]:
                with UnitOfWork(session):
                    referral_id = refer(session, actor_id=km_id, offer_id=offer_id,
                                        inburgeraar_id=next(people)).id
                mail = f"<referral-{referral_id}-sent.{partner_user_id}@localhost>"
                return mail, time.monotonic()

            env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench",
                   "WEGWIJS_SMTP_URL": f"smtp://127.0.0.1:{port}"}
            log_path = folder / "worker.log"

            def start_worker():
                with open(log_path, "a") as log:  # the child keeps its own descriptor
                    return subprocess.Popen(
                        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

            def latencies(sent):
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not all(m in arrivals.at for m, _ in sent):
                    time.sleep(0.05)
                return [(arrivals.at[m] - t) * 1000 for m, t in sent if m in arrivals.at]

            worker = start_worker()
            time.sleep(3)  # started and idle-polling
            idle = []
            for _ in range(20):
                idle.append(change())
                time.sleep(0.37)
            idle_ms = latencies(idle)

            loaded, interval = [], 1 / 50
            next_at = time.monotonic()
            while len(loaded) < int(50 * args.seconds):
                loaded.append(change())
                next_at += interval
                time.sleep(max(0.0, next_at - time.monotonic()))
            rate = len(loaded) / (loaded[-1][1] - loaded[0][1])
            load_ms = latencies(loaded)
            worker.terminate()
            worker.wait()

            backlog = [change() for _ in range(args.backlog)]
            begin = time.monotonic()
            worker = start_worker()
            latencies(backlog)
            last = max(arrivals.at[m] for m, _ in backlog if m in arrivals.at)
            delivered = sum(1 for m, _ in backlog if m in arrivals.at)
            worker.terminate()
            worker.wait()
            db.session.remove()
            db.engine.dispose()
    controller.stop()

    kind = "PostgreSQL" if args.postgres else "SQLite"
    print(f"database: {kind}; worker polls every 1 s (default)")
    for name, values, extra in (("idle", idle_ms, ""),
                                ("load", load_ms, f" at {rate:.1f} changes/s")):
        print(f"{name}: {len(values)} mails{extra}: p50 {statistics.median(values):.0f} ms, "
              f"p99 {percentile(values, 0.99):.0f} ms, max {max(values):.0f} ms")
    print(f"throughput: {delivered} of {args.backlog} mails in {last - begin:.1f} s "
          f"(worker start included) = {delivered / (last - begin):.0f} mails/s")


if __name__ == "__main__":
    main()
