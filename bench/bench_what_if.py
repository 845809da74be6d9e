"""Benchmark the what-if (``models.what_if``) over the demo coalition: target <= 2 s.

Seeds a scratch SQLite database with the demo coalition and its history, then
times the use case as the API runs it: with a Matcher already built (the web
keeps one per worker) and from scratch (the Matcher built too). Wall and CPU time.

Run by hand: ``.venv/bin/python bench/bench_what_if.py``.
"""

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main():
    from flask_migrate import upgrade
    from sqlalchemy import select

    import matching
    from models.coalition import Offer
    from models.matching_bridge import build_scenario
    from models.what_if import what_if
    from seeds.demo import DEFAULT_SEED, load_demo
    from seeds.demo_history import load_demo_history
    from seeds.geography import load_geography
    from web import create_app
    from web.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            load_geography(db.session)
            load_demo(db.session, password="bench-wachtwoord")
            load_demo_history(db.session, seed=DEFAULT_SEED, today=date.today())
            offers = db.session.scalars(select(Offer).where(Offer.closed_at.is_(None))).all()
            changes = [(offers[0].id, offers[0].capacity + 10)]
            for label, cached in (("with the worker's Matcher", True), ("from scratch", False)):
                matcher = matching.Matcher(build_scenario(db.session)) if cached else None
                start, cpu = time.perf_counter(), time.process_time()
                result = what_if(db.session, changes, matcher=matcher)
                wall, cpu = time.perf_counter() - start, time.process_time() - cpu
                print(f"what-if over the demo coalition ({len(offers)} open offers), {label}: "
                      f"{wall:.2f} s wall, {cpu:.2f} s CPU (target <= 2 s); served "
                      f"{result['before']['served']} -> {result['after']['served']}", flush=True)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
