"""A klantmanager's and a partner's working day in a real browser, at 1280 and 390 px wide.

Each starts on the werkbak, walks the lists (paged, sorted, exported), the
person page and its matches, and the partner's offers, with the keyboard
where a form goes wrong; screenshots land in test-output/screenshots/ (the
docs' tour uses them).
"""

import re

import pytest
from playwright.sync_api import expect

from conftest import DEMO_PASSWORD
from e2e.browser import accessibility_violations, log_in, screenshot
from e2e.demo_data import KLANTMANAGER, TAALSCHOOL, new_person, referral_to

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"breed": 1280, "smal": 390}


def fits_the_width(page) -> bool:
    """Nothing wider than the window: wide tables scroll inside their own box.

    False names what sticks out, for the failure's message.
    """
    wide = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return [];
        return [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5).map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`);
    }""")
    assert wide == [], wide
    return True


@pytest.mark.parametrize("width", WIDTHS)
def test_a_klantmanagers_day(page, demo_server, width):
    # Three domains of need, as many a person has: the matches of all must fit two screens.
    _, person = new_person(demo_server, TAALSCHOOL, {"sociaal_netwerk": 2, "gezondheid": 1})
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    base = demo_server.url
    log_in(page, base, KLANTMANAGER, DEMO_PASSWORD)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Werkbak")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name=re.compile(r"^Werkbak( \d+ te doen)?$"))).to_be_visible()
    assert fits_the_width(page)
    screenshot(page, f"dag-klantmanager-werkbak-{width}")

    nav.get_by_role("link", name="Inburgeraars", exact=True).click()
    expect(page.locator(".ww-count")).to_have_text(re.compile(r"^\d+ inburgeraars"))
    page.get_by_role("link", name=re.compile("^Volgende pagina")).click()
    expect(page.locator(".ww-pager")).to_contain_text("Pagina 2 van")
    pseudonym = page.get_by_role("columnheader", name=re.compile("^Pseudoniem"))
    expect(pseudonym).to_have_attribute("aria-sort", "ascending")  # the default order
    pseudonym.get_by_role("link").click()
    expect(pseudonym).to_have_attribute("aria-sort", "descending")
    expect(page.locator(".ww-pager")).to_contain_text("Pagina 1 van")
    assert fits_the_width(page)
    screenshot(page, f"dag-klantmanager-inburgeraars-{width}")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Download deze lijst als CSV")).click()
    assert download.value.suggested_filename.startswith("wegwijs-inburgeraars-")

    # A person of this test's own, found by pseudonym: other tests on the shared demo server
    # refer people, and the first of the list may have every match folded away or none left.
    page.get_by_label("Zoek op pseudoniem").fill(person)
    page.get_by_role("button", name="Zoek", exact=True).click()
    expect(page.locator(".ww-count")).to_have_text("1 inburgeraar")
    page.get_by_role("link", name=person, exact=True).click()
    expect(heading).to_have_text(person)
    expect(page.locator("#verwijzingen")).to_be_visible()
    expect(page.get_by_role("heading", name="Passend aanbod per domein")).to_be_visible()
    # The matches from their heading to the last domain: two screens at most.
    height = page.evaluate("""() => {
        const start = document.getElementById("passend-aanbod").getBoundingClientRect().top;
        const sections = document.querySelectorAll("section[aria-labelledby^=domein-]");
        return sections[sections.length - 1].getBoundingClientRect().bottom - start;
    }""")
    first = page.locator("article.ww-match:visible").first
    first.locator("summary", has_text="Hoe deze kans is opgebouwd").click()
    expect(first.locator(".ww-components")).to_be_visible()
    assert fits_the_width(page)
    screenshot(page, f"dag-klantmanager-persoon-{width}")
    if width == "breed":
        assert height <= 2 * 900, height

    # A note with a phone number is refused at its form: open, the message beside it, focused.
    first.locator("summary", has_text="Verwijs door").click()
    note = first.get_by_label(re.compile("^Toelichting voor"))
    note.fill("Bel haar op 06-12345678 voor een afspraak.")
    note.press("Tab")
    page.keyboard.press("Tab") if first.get_by_label(
        "Extra verwijzing naast de lopende").count() else None
    first.get_by_role("button", name=re.compile("^Verwijzing versturen")).click()
    refused = page.locator("details.ww-refer[open] textarea[aria-invalid=true]")
    expect(refused).to_be_focused()
    expect(refused).to_have_value("Bel haar op 06-12345678 voor een afspraak.")
    assert accessibility_violations(page) == []

    nav.get_by_role("link", name="Verwijzingen", exact=True).click()
    expect(page.locator(".ww-count")).to_have_text(re.compile(r"^\d+ verwijzingen"))
    page.get_by_label("Status").select_option("sent")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr").first).to_contain_text("verstuurd")
    assert fits_the_width(page)
    screenshot(page, f"dag-klantmanager-verwijzingen-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_partners_day(page, demo_server, width):
    referral_id, pseudonym = referral_to(demo_server, TAALSCHOOL, "Kan op dinsdag beginnen.")
    page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    base = demo_server.url
    log_in(page, base, TAALSCHOOL, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkbak")
    new = page.locator("section", has=page.locator("#nieuw"))
    assert fits_the_width(page)
    screenshot(page, f"dag-partner-werkbak-{width}")

    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Verwijzingen", exact=True).click()
    page.get_by_label("Zoek op pseudoniem").fill(pseudonym)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".ww-count")).to_have_text("1 verwijzing")
    page.get_by_role("link", name=pseudonym).click()
    page.get_by_role("button", name="Accepteer", exact=True).click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("is nu geaccepteerd")
    page.get_by_role("button", name="Markeer als gestart").click()
    # Completing asks first, with the keyboard: the summary opens, its button completes.
    summary = page.locator("summary", has_text="Rond af")
    summary.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Ja, rond af").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("is nu afgerond")
    assert page.url.endswith(f"/partner/verwijzingen/{referral_id}")
    del new

    nav.get_by_role("link", name="Mijn aanbod").click()
    row = page.locator("tbody tr").first
    row_id = row.get_attribute("id")
    title = row.locator("th").inner_text().split("\n")[0].strip()
    row.get_by_role("link", name=re.compile("^Wijzig")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"“{title}” wijzigen")
    page.get_by_label("Titel").fill("")
    page.get_by_role("button", name="Sla de wijzigingen op").click()
    expect(page.locator(".ww-error-summary")).to_be_focused()
    page.get_by_label("Titel").fill(title)
    page.get_by_role("button", name="Sla de wijzigingen op").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text(f"“{title}” is bijgewerkt")
    assert fits_the_width(page)
    screenshot(page, f"dag-partner-aanbod-{width}")

    row = page.locator(f"#{row_id}")
    row.locator("summary", has_text="Sluit").click()
    row.get_by_role("button", name=f"Ja, sluit “{title}”").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Gesloten")
    page.get_by_role("button", name=f"Heropen “{title}”").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("Heropend")
    assert accessibility_violations(page) == []
