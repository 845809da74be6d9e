"""End-to-end fixtures: a real gunicorn serving the app over loopback HTTP, and a browser.

``live_server(database_url, workers=...)`` starts gunicorn on a free port of
127.0.0.1 against that database, waits until ``/health`` answers, and
returns the base URL; every server started is stopped after the test.
The database must be migrated already (see ``prepare_database``).

``demo_server`` is one gunicorn for the whole run on a scratch database with
the demo coalition (password ``DEMO_PASSWORD``); ``browser`` is Debian's
chromium through Playwright, ``page`` a fresh browser context per test.
"""

from contextlib import ExitStack
from itertools import count

import pytest

from conftest import DEMO_PASSWORD
from databases import scratch_database
from e2e.browser import CHROMIUM, CHROMIUM_ARGS, DemoServer, seed_demo
from e2e.live import gunicorn
from services import service_missing


@pytest.fixture
def live_server(tmp_path):
    serial = count()
    with ExitStack() as servers:

        def start(database_url: str, workers: int = 2, env: dict | None = None) -> str:
            log_path = tmp_path / f"gunicorn-{next(serial)}.log"
            return servers.enter_context(gunicorn(database_url, log_path, workers, env))

        yield start


@pytest.fixture(scope="session")
def demo_server(database_url, tmp_path_factory):
    """gunicorn on a scratch database seeded like ``make run`` (demo + history).

    ``.url`` is the server's base URL, ``.database_url`` its database (to set up data).
    """
    folder = tmp_path_factory.mktemp("demo-server")
    with scratch_database(database_url, folder) as url:
        seed_demo(url, DEMO_PASSWORD)
        with gunicorn(url, folder / "gunicorn.log") as base:
            yield DemoServer(url=base, database_url=url)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        service_missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # bypass_csp: only so that axe-core can be injected; the pages' own scripts stay as served.
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
