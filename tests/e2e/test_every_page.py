"""Every page of every role, found from the app's URL map: WCAG 2.1 AA by axe-core, and
tables that read, at 1280 and at 390 pixels wide.

A page added later is walked too: the walk starts at the pages without
parameters and follows links to the others; a page no role reaches fails
the test, so that it gets a way in (a link) or a place in this walk.
"""

import re

import pyotp
import pytest
from sqlalchemy import select

from conftest import DEMO_PASSWORD, make_test_app
from e2e.browser import log_in, wcag_violations
from e2e.site_walk import TABLE_LAYOUT, Walk, start_urls
from models.account import User
from models.account_links import new_link
from models.passwords import hash_password
from models.second_factor import new_recovery_codes
from models.unit_of_work import UnitOfWork
from web.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ACCOUNTS = [
    None,  # not signed in: the sign-in page, and the error pages
    "coordinator@wegwijs.example",
    "klantmanager.utrecht@wegwijs.example",
    "taalschool@wegwijs.example",
    "werkgever@wegwijs.example",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ERROR_PAGES = ["/bestaat-niet"]
ENROLLED = "met-code@wegwijs.example"
ENROLLED_PASSWORD = "een-wachtwoord-met-tweede-factor"


def pages_from_mail(app) -> tuple[list[str], list[str]]:
    """What no link of the portal leads to: an invitation's and a reset's page (their links
    come by mail); and an account with a second factor (ENROLLED), whose sign-in asks for a
    code and who may set up a new app. Returns the paths and that account's recovery codes."""
    with app.app_context():
        session = db.session
        with UnitOfWork(session):
            invited = User(email="uitgenodigd@wegwijs.example", role="coordinator",
                           password_hash="")
            enrolled = User(email=ENROLLED, role="coordinator",
                            password_hash=hash_password(ENROLLED_PASSWORD),
                            totp_secret=pyotp.random_base32())
            session.add_all([invited, enrolled])
            session.flush()
            demo = session.scalars(select(User).where(User.demo.is_(True))).first()
            paths = [new_link(session, invited.id, "invitation")[1],
                     new_link(session, demo.id, "reset")[1]]
            codes = new_recovery_codes(session, enrolled.id)
        db.session.remove()
        db.engine.dispose()
    return paths, codes


def check(page, walk: Walk, where: str) -> None:
    walk.report(where, wcag_violations(page))
    layout = page.evaluate(TABLE_LAYOUT)
    walk.report(where, [f"at 1280 px a word breaks: {word}" for word in layout["broken"]])
    walk.report(where, [f"numbers not right-aligned under their header: {column}"
                        for column in layout["misaligned"]])
    page.set_viewport_size(PHONE)
    # A table that scrolls only at 390 px must be reachable by keyboard there (axe at 1280 px
    # missed /coordinator/aanmeldingen: scrollable-region-focusable).
    walk.report(where, [f"at 390 px: {violation}" for violation in wcag_violations(page)])
    layout = page.evaluate(TABLE_LAYOUT)
    walk.report(where, [f"at 390 px a word breaks: {word}" for word in layout["broken"]])
    walk.report(where, [f"at 390 px a '·' starts a line: {who}" for who in layout["strayDots"]])
    if layout["pageWidth"] > layout["viewport"] + 1:
        walk.report(where, [f"at 390 px the page is {layout['pageWidth']} px wide"])
    page.set_viewport_size(DESKTOP)


def walk_as(browser, base: str, email: str | None, walk: Walk, also: list[str] = ()) -> None:
    context = browser.new_context(locale="nl-NL", viewport=DESKTOP, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    if email:
        log_in(page, base, email, DEMO_PASSWORD)
    queue, seen = [*also, *start_urls(walk.app)], set()
    while queue:
        url = queue.pop(0)
        endpoint = walk.endpoint_of(url)
        if endpoint is None or endpoint in seen:
            continue
        response = page.goto(base + url)
        if walk.endpoint_of(page.url.removeprefix(base)) != endpoint or response.status == 403:
            continue  # not this role's page: sent to sign in, elsewhere, or refused
        seen.add(endpoint)
        where = f"{email or 'anoniem'} {url}"
        if response.status != 200:
            walk.report(where, [f"status {response.status}"])
            continue
        walk.visited.setdefault(endpoint, url)
        check(page, walk, where)
        links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
        queue += [href for href in links if href.startswith("/") and not href.startswith("//")]
    for url in ERROR_PAGES:
        page.goto(base + url)
        check(page, walk, f"{email or 'anoniem'} {url}")
    context.close()


def second_factor_pages(browser, base: str, codes: list[str], walk: Walk) -> None:
    """Signing in with a second factor (the page that asks for the code), then a new app
    for it (after password and code again)."""
    context = browser.new_context(locale="nl-NL", viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill(ENROLLED)
    page.get_by_label("Wachtwoord").fill(ENROLLED_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/inloggen/tweede-stap")
    visit_here(page, base, walk)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_label("Code").press("Enter")
    page.wait_for_selector("text=U bent ingelogd.")
    page.goto(base + "/account")
    form = page.locator("form[action$='/account/app']")
    form.get_by_label("Wachtwoord").fill(ENROLLED_PASSWORD)
    form.get_by_label(re.compile("code", re.I)).fill(codes[1])
    form.get_by_role("button").click()
    page.wait_for_url("**/account/app/nieuw")
    visit_here(page, base, walk)
    context.close()


def visit_here(page, base: str, walk: Walk) -> None:
    url = page.url.removeprefix(base)
    walk.visited.setdefault(walk.endpoint_of(url), url)
    check(page, walk, f"{ENROLLED} {url}")


def test_every_page_of_every_role_is_accessible_and_reads_on_a_phone(browser, demo_server):
    walk = Walk(make_test_app(demo_server.database_url))
    mailed, codes = pages_from_mail(walk.app)
    for email in ACCOUNTS:
        walk_as(browser, demo_server.url, email, walk, also=[] if email else mailed)
    second_factor_pages(browser, demo_server.url, codes, walk)
    assert walk.found == {}, "\n".join(f"{where}: {problem}" for where, problems
                                       in walk.found.items() for problem in problems)
    assert walk.unreached() == set(), "pages no role reached by a link"
