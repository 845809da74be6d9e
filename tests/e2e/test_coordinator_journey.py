"""The coordinator's journey in a real browser: the dashboards move with the referrals.

A klantmanager refers a person and the partner accepts (through the same use
cases the portal calls, on the live server's database); the coordinator then
sees the funnel and the capacity change. Every coordinator page passes axe-core.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from conftest import DEMO_PASSWORD, make_test_app
from e2e.browser import ALLOCATING_PAGE_MS, accessibility_violations, log_in, screenshot
from e2e.demo_data import TAALSCHOOL, referral_to
from matching import area_of
from models import Offer, Referral, User
from models.clock import local_today
from models.referral_service import change_status
from models.unit_of_work import UnitOfWork
from web.extensions import db
from web.portal.labels import DOMAIN_LABELS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COORDINATOR = "coordinator@wegwijs.example"
PAGES = [
    "/coordinator/capaciteit",
    "/coordinator/verwijzingen",
    "/coordinator/netwerk",
    "/coordinator/kaart",
    "/coordinator/wat-als",
]

# The heat map as {(row header, column header): (demand, free)}.
READ_HEAT_MAP = """() => {
  const table = document.querySelector('#warmtekaart');
  const columns = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  const cells = {};
  for (const tr of table.querySelectorAll('tbody tr, tfoot tr')) {
    const row = tr.querySelector('th').textContent.trim();
    [...tr.querySelectorAll('td')].forEach((td, i) => {
      const [demand, free] = td.textContent.match(/\\d+/g).map(Number);
      cells[row + '|' + columns[i + 1]] = [demand, free];
    });
  }
  return cells;
}"""
# The funnel's table as {stage: reached}.
READ_FUNNEL = """() => Object.fromEntries([...document.querySelectorAll(
  'main table[id^="verwijzingen-"] tbody tr')]
  .map(tr => [tr.cells[0].textContent.trim(), Number(tr.cells[1].textContent.trim())]))"""


def menu(page, label: str):
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=label)


def accept(server, referral_id: int) -> tuple[str, str]:
    """The partner accepts; returns the heat map's (row, column) of the referral's offer."""
    app = make_test_app(server.database_url)
    with app.app_context():
        session = db.session
        partner = session.scalars(select(User).where(User.email == TAALSCHOOL)).one()
        with UnitOfWork(session):
            change_status(session, actor_id=partner.id, referral_id=referral_id,
                          to_status="accepted")
        offer = session.get(Referral, referral_id).offer
        area = area_of(offer.postcode, offer.lat, offer.lon)
        domain = offer.domain
        db.session.remove()
        db.engine.dispose()
    row = f"{area.split(' – ')[1]} (Utrecht)" if " – " in area else area
    return row, DOMAIN_LABELS[domain]


def test_coordinator_sees_funnel_and_capacity_move(page, demo_server):
    # Today as the funnel counts days (Amsterdam's), not the machine's date.
    base, today = demo_server.url, local_today().isoformat()
    log_in(page, base, COORDINATOR, DEMO_PASSWORD)
    menu(page, "Capaciteit en vraag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Capaciteit en vraag")
    heat_before = page.evaluate(READ_HEAT_MAP)
    page.goto(f"{base}/coordinator/verwijzingen?van={today}&tot={today}")
    funnel_before = page.evaluate(READ_FUNNEL)

    referral_id, _ = referral_to(demo_server, TAALSCHOOL, "Voor de coördinator")
    row, column = accept(demo_server, referral_id)

    page.reload()
    funnel_after = page.evaluate(READ_FUNNEL)
    assert funnel_after["verstuurd"] == funnel_before["verstuurd"] + 1
    assert funnel_after["geaccepteerd"] == funnel_before["geaccepteerd"] + 1
    assert funnel_after["gestart"] == funnel_before["gestart"]
    screenshot(page, "coordinator-journey-funnel")

    menu(page, "Capaciteit en vraag").click()
    heat_after = page.evaluate(READ_HEAT_MAP)
    # The new person adds demand where they live (at the offer), the referral holds a place.
    demand, free = heat_before[f"{row}|{column}"]
    assert heat_after[f"{row}|{column}"] == [demand + 1, free - 1]
    demand, free = heat_before[f"Hele regio|{column}"]
    assert heat_after[f"Hele regio|{column}"] == [demand + 1, free - 1]
    screenshot(page, "coordinator-journey-capacity")


def test_coordinator_pages_pass_axe_and_keep_a_bad_period(page, demo_server):
    log_in(page, demo_server.url, COORDINATOR, DEMO_PASSWORD)
    for url in PAGES:
        response = page.goto(demo_server.url + url)
        assert response.status == 200, url
        assert accessibility_violations(page) == [], url
        screenshot(page, "coordinator" + url.replace("/coordinator", ""))

    page.goto(demo_server.url + "/coordinator/verwijzingen")
    page.get_by_label("Van", exact=True).fill("2025-03-01")
    page.get_by_label("Tot en met", exact=True).fill("2025-02-01")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Toon periode").click()
    assert navigation.value.status == 422
    field = page.locator(".utrecht-form-field", has=page.get_by_label("Tot en met", exact=True))
    expect(field).to_contain_text("De einddatum ligt vóór de begindatum.")
    expect(page.get_by_label("Tot en met", exact=True)).to_have_value("2025-02-01")
    expect(page.get_by_label("Van", exact=True)).to_have_value("2025-03-01")
    assert accessibility_violations(page) == []

    page.goto(demo_server.url + "/coordinator/kaart")
    page.get_by_label("Domein", exact=True).select_option("werk")
    page.get_by_role("button", name="Toon kaart").click()
    expect(page.get_by_role("img", name="Kaart van de U16")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download de cijfers van de kaart als CSV-bestand").click()
    assert download.value.suggested_filename.startswith("wegwijs-kaart-werk-")


def _open_taal_courses_of_the_taalschool(server) -> int:
    app = make_test_app(server.database_url)
    with app.app_context():
        try:
            teacher = db.session.scalars(select(User).where(User.email == TAALSCHOOL)).one()
            return len(db.session.scalars(select(Offer.id).where(
                Offer.partner_id == teacher.partner_id, Offer.domain == "taal",
                Offer.closed_at.is_(None))).all())
        finally:
            db.session.remove()
            db.engine.dispose()


def test_what_if_page_passes_axe_with_an_answer_and_with_errors(page, demo_server):
    """Several offers and a partner's extra places in one question; then a duplicate row."""
    log_in(page, demo_server.url, COORDINATOR, DEMO_PASSWORD)
    menu(page, "Wat als").click()
    others = [label for label in page.locator("#aanbod_1 option").all_inner_texts()
              if label.startswith(("Maatjes", "Zorggroep"))]  # not the taalschool's own
    page.get_by_label("Aanbod 1", exact=True).select_option(label=others[0])
    page.get_by_label("Plaatsen in totaal bij aanbod 1", exact=True).fill("20")
    page.get_by_label("Aanbod 2", exact=True).select_option(label=others[1])
    page.get_by_label("Plaatsen in totaal bij aanbod 2", exact=True).fill("0")
    page.get_by_label("Aanbieder", exact=True).select_option(label="Taalschool Domstad (fictief)")
    page.get_by_label("Alleen aanbod in het domein", exact=True).select_option(label="Taal")
    page.get_by_label("Aantal extra plaatsen", exact=True).fill("10")
    with page.expect_navigation(timeout=ALLOCATING_PAGE_MS) as navigation:
        page.get_by_role("button", name="Bereken").click()
    assert navigation.value.status == 200
    extra = page.locator("#wat-als-extra li")
    # The ten places spread over the taalschool's open taal courses (other tests of this
    # demo server may have added one).
    courses = _open_taal_courses_of_the_taalschool(demo_server)
    expect(extra).to_have_count(courses)
    expect(extra.first).to_contain_text("Taalschool Domstad (fictief) – ")
    expect(extra.first).to_contain_text(f": +{-(-10 // courses)} (van ")  # the first, rounded up
    expect(page.get_by_role("img", name="Geholpen hulpvragen per domein")).to_be_visible()
    # A row per offer that changes: the two chosen and the courses given extra places.
    assert page.locator("#wat-als-wijzigingen tbody tr").count() == 2 + courses
    assert accessibility_violations(page) == []
    screenshot(page, "coordinator-wat-als")

    page.get_by_label("Aanbod 3", exact=True).select_option(label=others[0])  # as row 1
    page.get_by_label("Plaatsen in totaal bij aanbod 3", exact=True).fill("4")
    with page.expect_navigation(timeout=ALLOCATING_PAGE_MS) as navigation:
        page.get_by_role("button", name="Bereken").click()
    assert navigation.value.status == 422
    field = page.locator(".utrecht-form-field", has=page.get_by_label("Aanbod 3", exact=True))
    expect(field).to_contain_text("Dit aanbod staat al bij aanbod 1; kies het één keer.")
    expect(page.get_by_label("Aantal extra plaatsen", exact=True)).to_have_value("10")
    assert accessibility_violations(page) == []
    screenshot(page, "coordinator-wat-als-fout")
