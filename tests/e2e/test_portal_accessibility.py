"""axe-core on every main page of the portal: no serious or critical WCAG violation."""

import pytest

from conftest import DEMO_PASSWORD
from e2e.browser import accessibility_violations, log_in

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
