"""Benchmark the what-if (``models.what_if``) over the demo coalition: target <= 2 s.

Seeds a scratch SQLite database with the demo coalition and its history, then
times, each a few times (median and slowest, wall and CPU time):

- one offer's places changed, as the API runs it: with a Matcher already
  built (the web keeps one per worker) and from scratch (the Matcher built too);
- a whole partner: the partner with the most open offers gets ``--extra``
  places more, spread over its offers (``partner_extra_places``), then the
  what-if of those changes, again with the worker's Matcher and from scratch;
- the coordinator's page for that question (``GET /coordinator/wat-als``
  through Flask's test client, logged in): the first request builds the
  worker's Matcher, the next ones reuse it; the page's rendering is included.

Run by hand: ``.venv/bin/python bench/bench_what_if.py [--extra 20] [--repeat 5]``.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PASSWORD = "bench-wachtwoord"
TARGET = 2.0


def timed(run, repeat: int) -> tuple[list[float], list[float], object]:
    """Wall and CPU seconds of ``repeat`` runs, and the last run's value."""
    walls, cpus, value = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        value = run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, value


def report(label: str, walls: list[float], cpus: list[float], note: str = "") -> None:
    verdict = "ok" if max(walls) <= TARGET else "OVER TARGET"
    print(f"{label}: median {statistics.median(walls):.2f} s wall "
          f"({statistics.median(cpus):.2f} s CPU), slowest {max(walls):.2f} s "
          f"over {len(walls)} runs (target <= {TARGET:g} s: {verdict}){note}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=int, default=20, help="a partner's extra places")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    import matching
    from models.coalition import Offer, Partner
    from models.matcher_cache import forget_everything
    from models.matching_bridge import build_scenario
    from models.what_if import partner_extra_places, what_if
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
            load_demo(db.session, password=PASSWORD)
            load_demo_history(db.session, seed=DEFAULT_SEED, today=date.today())
            session = db.session
            offers = session.scalars(
                select(Offer).where(Offer.closed_at.is_(None)).order_by(Offer.id)).all()
            partner_id, partner_name, partner_offers = session.execute(
                select(Partner.id, Partner.name, func.count(Offer.id))
                .join(Offer, Offer.partner_id == Partner.id).where(Offer.closed_at.is_(None))
                .group_by(Partner.id, Partner.name).order_by(func.count(Offer.id).desc(),
                                                             Partner.id).limit(1)
            ).one()
            print(f"demo coalition: {len(offers)} open offers; partner {partner_name} with "
                  f"{partner_offers} open offers, {args.extra} extra places", flush=True)

            def one_offer(matcher):
                return what_if(session, [(offers[0].id, offers[0].capacity + 10)], matcher=matcher)

            def whole_partner(matcher):
                shares = partner_extra_places(session, partner_id, args.extra)
                return shares, what_if(session, [s.change for s in shares], matcher=matcher)

            built = matching.Matcher(build_scenario(session))
            for label, cached in (("with the worker's Matcher", True), ("from scratch", False)):
                walls, cpus, result = timed(lambda c=cached: one_offer(built if c else None),
                                            args.repeat)
                report(f"what-if, one offer +10, {label}", walls, cpus,
                       f"; served {result['before']['served']} -> {result['after']['served']}")
                walls, cpus, (shares, result) = timed(
                    lambda c=cached: whole_partner(built if c else None), args.repeat)
                spread = ", ".join(f"+{s.extra}" for s in shares)
                report(f"what-if, whole partner ({spread}), {label}", walls, cpus,
                       f"; served {result['before']['served']} -> {result['after']['served']}")
            session.remove()

            forget_everything()  # the page's first request builds the worker's Matcher
            client = app.test_client()
            login = client.get("/inloggen").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
            response = client.post("/inloggen", data={
                "email": "coordinator@wegwijs.example", "password": PASSWORD,
                "csrf_token": token})
            assert response.status_code == 302, "the coordinator could not log in"
            page = f"/coordinator/wat-als?aanbieder={partner_id}&extra={args.extra}"

            def get_page():
                response = client.get(page)
                assert response.status_code == 200, response.get_data(as_text=True)[:2000]
                return response

            walls, cpus, _ = timed(get_page, 1)
            report("the page, whole partner, first request (builds the Matcher)", walls, cpus)
            walls, cpus, _ = timed(get_page, args.repeat)
            report("the page, whole partner, next requests", walls, cpus)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
