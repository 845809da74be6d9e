"""axe-core on every main page of the portal: no serious or critical WCAG violation."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from conftest import DEMO_PASSWORD, make_test_app
from e2e.browser import accessibility_violations, log_in, wcag_violations
from models import User
from models.inburgeraars import create_inburgeraar
from models.unit_of_work import UnitOfWork
from web.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Per account: the pages to check; "first:<selector>" follows the first link it matches.
PAGES = {
    "klantmanager.utrecht@wegwijs.example": [
        "/klantmanager/inburgeraars",
        "first:main table a[href*='/klantmanager/inburgeraars/']",
        "/klantmanager/inburgeraars/nieuw",
        "/klantmanager/verwijzingen",
        "first:main table a[href*='/klantmanager/verwijzingen/']",
        "/klantmanager/verdeelvoorstel",
        "/klantmanager/wachtlijst",
    ],
    "taalschool@wegwijs.example": [
        "/partner/aanbod",
        "/partner/aanbod/nieuw",
        "/partner/verwijzingen",
        "first:main table a[href*='/partner/verwijzingen/']",
        "/instellingen/mail",
        "/partner/wachtlijsten",
    ],
    "werkgever@wegwijs.example": [
        "/werkgever/aanbod",
        "/werkgever/aanbod/nieuw",
        "/werkgever/verwijzingen",
    ],
    "coordinator@wegwijs.example": ["/", "/bestaat-niet"],
}


def test_the_login_page_and_its_errors_are_accessible(page, demo_server):
    page.goto(demo_server.url + "/inloggen")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Inloggen").click()  # empty: errors beside the fields
    assert page.locator(".utrecht-form-field-error-message").count() == 2
    assert accessibility_violations(page) == []


@pytest.mark.parametrize("email", list(PAGES))
def test_main_pages_have_no_serious_accessibility_violation(page, demo_server, email):
    log_in(page, demo_server.url, email, DEMO_PASSWORD)
    found = {}
    for target in PAGES[email]:
        if target.startswith("first:"):
            link = page.locator(target.removeprefix("first:")).first
            href = link.get_attribute("href")
            page.goto(demo_server.url + href)
            target = href
        else:
            page.goto(demo_server.url + target)
        violations = accessibility_violations(page)
        if violations:
            found[target] = violations
    assert found == {}


def duaal_person(server, email: str) -> int:
    """A new duaal inburgeraar of the klantmanager's gemeente, needing taal and werk."""
    app = make_test_app(server.database_url)
    with app.app_context():
        session = db.session
        klantmanager = session.scalars(select(User).where(User.email == email)).one()
        with UnitOfWork(session):
            person = create_inburgeraar(
                session, actor_id=klantmanager.id, gemeente_id=None, pseudonym=None,
                fields={"postcode": "3531", "level": "A2", "leerroute": "b1",
                        "latin_literate": True, "duaal": True,
                        "availability": ["ochtend", "middag", "avond", "weekend"]},
                needs={"taal": 3, "werk": 2},
            )
        person_id = person.id
        db.session.remove()
        db.engine.dispose()
    return person_id


def test_a_duaal_persons_taal_and_werk_pairs_are_accessible(page, demo_server):
    email = "klantmanager.utrecht@wegwijs.example"
    person_id = duaal_person(demo_server, email)
    log_in(page, demo_server.url, email, DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/klantmanager/inburgeraars/{person_id}")
    section = page.locator("section", has=page.get_by_role(
        "heading", level=2, name="Taal en werk in één week"))
    pairs = section.locator("article.ww-pair")
    expect(pairs.first).to_contain_text("Dagdelen:")
    assert pairs.count() >= 1
    assert accessibility_violations(page) == []
    # With a refer form opened, too.
    pairs.first.locator("summary", has_text="Verwijs door").first.click()
    expect(pairs.first.get_by_label(re.compile("^Toelichting voor")).first).to_be_visible()
    assert accessibility_violations(page) == []
    # Referred to the pair's taal offer, the section lists werk that fits beside it.
    pairs.first.get_by_role("button", name=re.compile("^Verwijzing versturen naar")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Verwijzing van"))
    page.goto(f"{demo_server.url}/klantmanager/inburgeraars/{person_id}")
    expect(section.get_by_role("heading", level=3, name=re.compile("^Werk dat past naast"))
           ).to_be_visible()
    assert section.locator("article.ww-pair").count() == 0
    beside = section.locator("article.ww-beside")
    expect(beside.first).to_contain_text("Dagdelen:")
    assert accessibility_violations(page) == []
    beside.first.locator("summary", has_text="Verwijs door").click()
    expect(beside.first.get_by_label(re.compile("^Toelichting voor"))).to_be_visible()
    assert accessibility_violations(page) == []


# At 390 px a table wider than the phone scrolls sideways in its region; one without a link
# or button in it (the sign-ins and changes) could not be scrolled by keyboard
# (axe: scrollable-region-focusable). The every-page walk checked axe at 1280 px only.
def test_the_sign_ins_and_changes_read_by_keyboard_on_a_phone(page, demo_server):
    log_in(page, demo_server.url, "coordinator@wegwijs.example", DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_server.url + "/coordinator/aanmeldingen")
    assert wcag_violations(page) == []
