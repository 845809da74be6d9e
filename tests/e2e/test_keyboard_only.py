"""The main flows with the keyboard alone (WCAG 2.1.1): no mouse click in this file.

The klantmanager refers a person from the matches, the partner accepts, the
coordinator opens the referrals behind a figure and asks what more places would do.
"""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEMO_PASSWORD
from e2e.browser import ALLOCATING_PAGE_MS
from e2e.demo_data import KLANTMANAGER, TAALSCHOOL, new_person, referral_to
from e2e.keyboard import log_in_by_keyboard, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COORDINATOR = "coordinator@wegwijs.example"


def menu(page, label: str):
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=re.compile(f"^{label}"))


def test_the_skip_link_leads_past_the_menu(page, demo_server):
    log_in_by_keyboard(page, demo_server.url, COORDINATOR, DEMO_PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # The next stop is inside the main content, not the menu.
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def test_a_klantmanager_refers_with_the_keyboard(page, demo_server):
    # A person of this test's own, found by pseudonym: on the shared demo server other tests
    # refer people, and the first one not referred yet may have no match left to refer to.
    person_id, pseudonym = new_person(demo_server, TAALSCHOOL)
    log_in_by_keyboard(page, demo_server.url, KLANTMANAGER, DEMO_PASSWORD)
    tab_to(page, menu(page, "Inburgeraars"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inburgeraars")
    tab_to(page, page.get_by_label("Zoek op pseudoniem"))
    page.keyboard.type(pseudonym)
    tab_to(page, page.get_by_role("button", name="Zoek", exact=True))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"q={pseudonym}"))
    tab_to(page, page.locator(f"main table a[href$='/klantmanager/inburgeraars/{person_id}']"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(pseudonym)
    summary = page.locator("article.ww-match summary:visible", has_text="Verwijs door").first
    tab_to(page, summary, limit=200)
    page.keyboard.press("Enter")  # opens the form
    page.keyboard.press("Tab")
    page.keyboard.type("Met het toetsenbord doorverwezen.")
    tab_to(page, page.get_by_role("button", name=re.compile("^Verwijzing versturen")))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/klantmanager/verwijzingen/\d+$"))
    expect(page.locator(".utrecht-alert--ok")).to_contain_text(f"{pseudonym} is doorverwezen")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Verwijzing van {pseudonym}")


def test_a_partner_accepts_with_the_keyboard(page, demo_server):
    referral_id, pseudonym = referral_to(demo_server, TAALSCHOOL, "Voor het toetsenbord")
    log_in_by_keyboard(page, demo_server.url, TAALSCHOOL, DEMO_PASSWORD)
    tab_to(page, menu(page, "Verwijzingen"))
    page.keyboard.press("Enter")
    tab_to(page, page.locator(f"main a[href$='/verwijzingen/{referral_id}']"), limit=300)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(pseudonym)
    tab_to(page, page.get_by_role("button", name=re.compile("^Accepte")))
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("geaccepteerd")


def test_the_coordinator_follows_a_figure_and_asks_what_if_with_the_keyboard(page, demo_server):
    log_in_by_keyboard(page, demo_server.url, COORDINATOR, DEMO_PASSWORD)
    figure = page.locator("main a.ww-figure-link").first
    expected = int(figure.get_attribute("data-aantal"))
    tab_to(page, figure)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwijzingen achter de cijfers")
    expect(page.locator(".ww-count")).to_contain_text(re.compile(rf"^{expected} verwijzing"))

    tab_to(page, menu(page, "Wat als"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Aanbod 1", exact=True))
    page.keyboard.press("ArrowDown")  # the first offer
    page.keyboard.press("Tab")
    page.keyboard.type("40")
    page.keyboard.press("Enter")  # submits the form
    # The answer's page comes after the allocations: the heading waits as long as they may take.
    expect(page.get_by_role("heading", level=2, name="Uitkomst")).to_be_visible(
        timeout=ALLOCATING_PAGE_MS)
    expect(page.locator("#wat-als-effecten li")).to_have_count(1)
