"""A klantmanager's caseload in a real browser (issue 23): a second referral in a served
domain, a note refused for personal data, and referring ticked rows of the proposal."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from conftest import DEMO_PASSWORD
from e2e.browser import accessibility_violations, log_in, screenshot
from e2e.demo_data import KLANTMANAGER, TAALSCHOOL, in_database
from models import Offer, User
from models.capacity import held_places
from models.inburgeraars import create_inburgeraar
from models.offers import create_offer
from models.referral_service import refer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ALERT = ".utrecht-alert:not(.ww-demo-notice)"  # the page's own message, not the demo notice


def person_served_in_taal(server) -> tuple[int, str, str]:
    """A new person of Utrecht referred to a new open taal course of the taalschool:
    (person id, pseudonym, the course's title). Other taal offers fit them too."""

    def work(session):
        teacher = session.scalars(select(User).where(User.email == TAALSCHOOL)).one()
        course = create_offer(session, actor_id=teacher.id, partner_id=None, fields={
            "title": "Avondcursus voor iedereen", "domain": "taal", "kind": "taalcursus",
            "capacity": 5, "postcode": teacher.partner.postcode})
        klantmanager = session.scalars(select(User).where(User.email == KLANTMANAGER)).one()
        person = create_inburgeraar(
            session, actor_id=klantmanager.id, gemeente_id=None, pseudonym=None,
            fields={"postcode": course.postcode, "gender": "v", "birth_year": 1990,
                    "level": "A2", "leerroute": "b1", "max_travel_km": 100,
                    "availability": ["ochtend", "middag", "avond"], "latin_literate": True},
            needs={"taal": 3},
        )
        refer(session, actor_id=klantmanager.id, inburgeraar_id=person.id, offer_id=course.id)
        return person.id, person.pseudonym, course.title

    return in_database(server, work)


def fill_up(server, offer_id: int) -> None:
    """Another klantmanager's referrals took every place meanwhile: the capacity is what is held."""

    def work(session):
        offer = session.get(Offer, offer_id)
        offer.capacity = held_places(session, [offer_id])[offer_id]

    in_database(server, work)


def test_a_second_taal_referral_needs_the_extra_box_and_a_note_without_personal_data(
        page, demo_server):
    person_id, pseudonym, first_title = person_served_in_taal(demo_server)
    log_in(page, demo_server.url, KLANTMANAGER, DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/klantmanager/inburgeraars/{person_id}")

    taal = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Taal")))
    expect(taal.locator(".ww-served")).to_contain_text(f"Al bediend: {pseudonym} is "
                                                       f"doorverwezen naar {first_title}")
    # A served domain's offers wait behind a disclosure: they are for an extra referral only.
    taal.locator("summary", has_text="Toon het aanbod voor een extra verwijzing").click()
    match = taal.locator("article.ww-match").first
    match.locator("summary", has_text="Verwijs door").click()
    note = match.get_by_label(re.compile("^Toelichting voor"))
    note.fill("BSN 111222333, bellen op 06-12345678")
    match.get_by_role("button", name=re.compile("^Verwijzing versturen")).click()

    # Refused beside the note, in Dutch, the form open again with what was typed.
    match = page.locator("section", has=page.get_by_role(
        "heading", name=re.compile("^Taal"))).locator("article.ww-match").first
    error = match.locator(".utrecht-form-field-error-message")
    expect(error).to_contain_text("Deze tekst bevat een BSN en een telefoonnummer.")
    expect(error).to_contain_text("niet voor wie de inburgeraar is")
    note = match.get_by_label(re.compile("^Toelichting voor"))
    expect(note).to_have_value("BSN 111222333, bellen op 06-12345678")
    expect(note).to_have_attribute("aria-invalid", "true")
    screenshot(page, "klantmanager-note-with-personal-data")

    note.fill("Wil een taalcafé naast de cursus.")
    match.get_by_role("button", name=re.compile("^Verwijzing versturen")).click()
    expect(page.locator("main")).to_contain_text("al een lopende verwijzing in het domein taal")

    match = page.locator("section", has=page.get_by_role(
        "heading", name=re.compile("^Taal"))).locator("article.ww-match").first
    match.get_by_label("Extra verwijzing naast de lopende").check()
    match.get_by_role("button", name=re.compile("^Verwijzing versturen")).click()
    expect(page.locator(ALERT)).to_contain_text(f"{pseudonym} is doorverwezen")


def test_ticked_rows_of_the_proposal_are_referred_each_answered(page, demo_server):
    log_in(page, demo_server.url, KLANTMANAGER, DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/klantmanager/verdeelvoorstel")
    rows = page.locator("form.ww-proposal tbody tr")
    expect(rows.first).to_be_visible()
    assert accessibility_violations(page) == []
    proposed = page.locator('form.ww-proposal input[name^="proposed-"]').evaluate_all(
        "inputs => inputs.map(i => Number(i.value))")
    taken = proposed[0]
    other = next(n for n, offer_id in enumerate(proposed) if offer_id != taken)
    first, second = rows.nth(0), rows.nth(other)
    second_pseudonym = second.get_by_role("link").first.inner_text()
    second_domain = second.locator("td").nth(1).inner_text().lower()
    # With the keyboard alone: Space ticks a row, Enter on the button refers.
    for row in (first, second):
        row.get_by_role("checkbox").focus()
        page.keyboard.press("Space")
        expect(row.get_by_role("checkbox")).to_be_checked()
    # Meanwhile the first row's offer filled up: that row fails, the other goes through.
    fill_up(demo_server, taken)
    page.get_by_role("button", name="Aangevinkte rijen doorverwijzen").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Doorverwijzen vanuit het verdeelvoorstel")
    expect(page.locator(ALERT)).to_contain_text(
        "1 verwijzing verstuurd; 1 rij niet doorverwezen")
    outcomes = page.locator("table.ww-outcomes tbody tr")
    expect(outcomes.nth(0)).to_contain_text("Niet doorverwezen: Dit aanbod heeft geen vrije "
                                            "plaats meer.")
    expect(outcomes.nth(1)).to_contain_text(second_pseudonym)
    expect(outcomes.nth(1).get_by_role("link", name="Doorverwezen")).to_be_visible()
    screenshot(page, "klantmanager-proposal-referred")

    # Back on the proposal, that person's domain is served now: listed as such. (The person
    # alone is no proof: the demo's history or another test may serve another of their domains.)
    page.get_by_role("link", name=re.compile("Terug naar het verdeelvoorstel")).click()
    page.wait_for_url(re.compile("/klantmanager/verdeelvoorstel$"))
    served = page.locator(".ww-served li", has_text=f"{second_pseudonym}, {second_domain}:")
    expect(served).to_have_count(1)
    expect(served).to_contain_text("(verstuurd)")
