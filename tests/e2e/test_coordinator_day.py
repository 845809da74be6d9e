"""The coordinator's day at 1280 and at 390 pixels wide: from the overview's figures to the
referrals behind them, the funnel of one partner and per domain, and the what-if's why."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEMO_PASSWORD
from e2e.browser import ALLOCATING_PAGE_MS, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COORDINATOR = "coordinator@wegwijs.example"
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def menu(page, label: str):
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=re.compile(f"^{label}"))


def follow_figure(page, figure) -> None:
    """Open the referrals behind a figure: the list holds as many as the figure says."""
    expected = int(figure.get_attribute("data-aantal"))
    figure.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwijzingen achter de cijfers")
    expect(page.locator(".ww-count")).to_contain_text(re.compile(rf"^{expected} verwijzing"))
    assert page.evaluate(FITS)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_coordinators_day(page, demo_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, demo_server.url, COORDINATOR, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht van de coalitie")
    assert page.evaluate(FITS)
    screenshot(page, f"coordinator-day-{width}-overview")

    # A partner's overdue referrals, then the same list narrowed to one domain.
    follow_figure(page, page.locator("main a.ww-figure-link").first)
    page.get_by_label("Domein", exact=True).select_option("taal")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#selectie")).to_contain_text("in het domein taal")
    screenshot(page, f"coordinator-day-{width}-referrals")

    # The funnel of one partner, then per domain: each figure opens its referrals.
    menu(page, "Verwijzingen").click()
    page.get_by_label("Partner", exact=True).select_option(label="Taalschool Domstad (fictief)")
    page.get_by_role("button", name="Toon periode").click()
    expect(page.get_by_role("img", name=re.compile("^Trechter van verwijzingen"))).to_be_visible()
    per_domain = page.locator("table", has=page.locator("caption", has_text="Per domein"))
    assert page.evaluate(FITS)
    screenshot(page, f"coordinator-day-{width}-funnel")
    follow_figure(page, per_domain.locator("a[data-aantal]").first)
    expect(page.locator("#selectie")).to_contain_text("bij Taalschool Domstad (fictief)")

    # More places where no one can use them: the page says why.
    menu(page, "Wat als").click()
    options = page.locator("#aanbod_1 option").all_inner_texts()
    page.get_by_label("Aanbod 1", exact=True).select_option(label=options[1])
    page.get_by_label("Plaatsen in totaal bij aanbod 1", exact=True).fill("60")
    page.get_by_role("button", name="Bereken").click()
    effect = page.locator("#wat-als-effecten li")
    expect(effect).to_have_count(1, timeout=ALLOCATING_PAGE_MS)
    expect(effect).to_contain_text(re.compile(r"^De \d+ extra plaatsen bij "))
    assert page.evaluate(FITS)
    screenshot(page, f"coordinator-day-{width}-what-if")
