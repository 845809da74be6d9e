"""Every page of every role, found from the app's URL map: WCAG 2.1 AA by axe-core, and
tables that read at 1280 and at 390 pixels wide.

A page added later is walked too: the walk starts at the pages without
parameters and follows links to the others; a page no role reaches fails
the test, so that it gets a way in (a link) or a place in this walk.
"""

import pytest

from conftest import DEMO_PASSWORD, make_test_app
from e2e.browser import log_in, wcag_violations
from e2e.site_walk import TABLE_LAYOUT, Walk, start_urls

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


def check(page, walk: Walk, where: str) -> None:
    walk.report(where, wcag_violations(page))
    layout = page.evaluate(TABLE_LAYOUT)
    walk.report(where, [f"at 1280 px a word breaks: {word}" for word in layout["broken"]])
    walk.report(where, [f"numbers not right-aligned under their header: {column}"
                        for column in layout["misaligned"]])
    page.set_viewport_size(PHONE)
    layout = page.evaluate(TABLE_LAYOUT)
    walk.report(where, [f"at 390 px a word breaks: {word}" for word in layout["broken"]])
    if layout["pageWidth"] > layout["viewport"] + 1:
        walk.report(where, [f"at 390 px the page is {layout['pageWidth']} px wide"])
    page.set_viewport_size(DESKTOP)


def walk_as(browser, base: str, email: str | None, walk: Walk) -> None:
    context = browser.new_context(locale="nl-NL", viewport=DESKTOP, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    if email:
        log_in(page, base, email, DEMO_PASSWORD)
    queue, seen = start_urls(walk.app), set()
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


def test_every_page_of_every_role_is_accessible_and_reads_on_a_phone(browser, demo_server):
    walk = Walk(make_test_app(demo_server.database_url))
    for email in ACCOUNTS:
        walk_as(browser, demo_server.url, email, walk)
    assert walk.found == {}, "\n".join(f"{where}: {problem}" for where, problems
                                       in walk.found.items() for problem in problems)
    assert walk.unreached() == set(), "pages no role reached by a link"
