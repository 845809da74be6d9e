"""The portal in a real browser against gunicorn on the demo coalition.

Each journey is what a person does from logging in to the end of their task;
a screenshot of each lands in test-output/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from conftest import DEMO_PASSWORD
from e2e.browser import log_in, screenshot
from e2e.demo_data import KLANTMANAGER, TAALSCHOOL, in_database, referral_to
from models import Offer, Referral

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAATJES = "maatjes@wegwijs.example"


def count_rows(server, model) -> int:
    return in_database(server, lambda session: session.scalar(
        select(func.count()).select_from(model)))


def test_klantmanager_journey_intake_matches_and_refer(page, demo_server):
    base = demo_server.url
    log_in(page, base, KLANTMANAGER, DEMO_PASSWORD)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Werkbak")
    page.get_by_role("link", name="Inburgeraars", exact=True).click()
    expect(heading).to_contain_text("Inburgeraars van gemeente Utrecht")

    page.get_by_role("link", name="Nieuwe intake").click()
    page.get_by_label("Taal", exact=True).select_option("3")
    page.get_by_label("Werk", exact=True).select_option("1")
    page.get_by_label("Taalniveau Nederlands").select_option("A1")
    page.get_by_label("Leerroute", exact=True).select_option("b1")
    page.get_by_label("Dagtekening van het PIP").fill("2026-03-02")
    page.get_by_label("Leerroute in het PIP").select_option("B")
    page.get_by_label("Arabisch").check()
    page.get_by_label("Postcode (4 cijfers)").fill("3531")
    for daypart in ("ochtend", "middag", "avond"):
        page.get_by_role("checkbox", name=daypart, exact=True).check()
    page.get_by_role("button", name="Intake opslaan").click()

    expect(page.locator(".utrecht-alert--ok")).to_contain_text("is opgeslagen")
    pseudonym = page.get_by_role("heading", level=1).inner_text()
    taal = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Taal")))
    first = taal.locator("article.ww-match").first
    expect(first).to_contain_text(re.compile(r"Kans van slagen: \d+ %"))
    # Each component with its contribution in percentage points (or n.v.t.), and the reasons.
    expect(first.locator(".ww-components dt").first).to_have_text("Afstand")
    expect(first.locator(".ww-components dd").first).to_have_text(
        re.compile(r"^([+−]?\d+ %-punt|n\.v\.t\.)$"))
    assert first.locator(".ww-reasons li").count() >= 1
    offer_title = first.get_by_role("heading", level=4).inner_text().split(". ", 1)[1]

    first.locator("summary", has_text="Verwijs door").click()
    first.get_by_label(re.compile("^Toelichting voor")).fill("Wil graag snel beginnen, ochtenden.")
    first.get_by_role("button", name=re.compile("^Verwijzing versturen")).click()

    expect(page.locator(".utrecht-alert--ok")).to_contain_text(f"{pseudonym} is doorverwezen")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Verwijzing van {pseudonym}")
    expect(page.locator("main")).to_contain_text(offer_title)
    expect(page.locator(".ww-timeline li")).to_have_count(1)
    expect(page.locator(".ww-timeline")).to_contain_text("verstuurd")
    screenshot(page, "klantmanager-journey")


def test_partner_journey_accept_start_complete(page, demo_server):
    referral_id, pseudonym = referral_to(demo_server, TAALSCHOOL, "Heeft ochtenden vrij.")
    base = demo_server.url
    log_in(page, base, TAALSCHOOL, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkbak")
    page.get_by_role("link", name="Verwijzingen", exact=True).click()
    page.get_by_role("link", name=pseudonym).click()

    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Verwijzing van {pseudonym}")
    expect(main).to_contain_text("Heeft ochtenden vrij.")
    keys = main.locator(".utrecht-data-list__item-key").all_inner_texts()
    assert keys == ["Pseudoniem", "Taalniveau", "Leerroute", "Beschikbaar",
                    "Toelichting van de klantmanager"]

    for button, status in (("Accepteer", "geaccepteerd"), ("Markeer als gestart", "gestart")):
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator(".utrecht-alert--ok")).to_contain_text(f"is nu {status}")
    # Completing asks first: the confirmation opens, and only its button completes.
    page.locator("summary", has_text="Rond af").click()
    page.get_by_role("button", name="Ja, rond af").click()
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("is nu afgerond")
    expect(page.locator(".ww-timeline li")).to_have_count(4)
    expect(main).to_contain_text("u hoeft niets meer te doen")
    screenshot(page, "partner-journey")
    assert page.url.endswith(f"/partner/verwijzingen/{referral_id}")


def test_bad_input_shows_the_dutch_error_beside_the_field_and_saves_nothing(page, demo_server):
    offers_before = count_rows(demo_server, Offer)
    log_in(page, demo_server.url, TAALSCHOOL, DEMO_PASSWORD)
    page.goto(demo_server.url + "/partner/aanbod/nieuw")
    page.get_by_label("Aantal plaatsen").fill("-3")
    page.get_by_label("Beschrijving").fill("Een cursus voor beginners")
    page.get_by_label("Postcode (4 cijfers) van de locatie").fill("1011")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Plaats aanbod").click()

    assert navigation.value.status == 422
    title_field = page.locator(".utrecht-form-field", has=page.get_by_label("Titel"))
    expect(title_field).to_contain_text("Geef een titel op.")
    capacity_field = page.locator(".utrecht-form-field", has=page.get_by_label("Aantal plaatsen"))
    expect(capacity_field).to_contain_text("Een aantal van 0 tot 10.000.")
    expect(page.get_by_label("Titel")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Beschrijving")).to_have_value("Een cursus voor beginners")
    expect(page.get_by_label("Aantal plaatsen")).to_have_value("-3")
    summary = page.locator(".ww-error-summary")
    expect(summary).to_contain_text("Er is niets opgeslagen.")
    expect(summary).to_be_focused()
    # A rule of the use case (the postcode must lie in the U16) comes in the same round.
    expect(summary).to_contain_text("Er zijn 3 fouten")
    summary.get_by_role("link", name=re.compile("^Titel")).click()
    expect(page.get_by_label("Titel")).to_be_focused()
    postcode_field = page.locator(
        ".utrecht-form-field", has=page.get_by_label("Postcode (4 cijfers) van de locatie")
    )
    expect(postcode_field).to_contain_text("Deze postcode ligt niet in de regio Utrecht (U16).")
    expect(page.get_by_label("Postcode (4 cijfers) van de locatie")).to_have_value("1011")
    screenshot(page, "bad-input")
    assert count_rows(demo_server, Offer) == offers_before


def test_a_post_without_csrf_token_is_refused(page, demo_server):
    referral_id, _ = referral_to(demo_server, TAALSCHOOL, "CSRF-test")
    log_in(page, demo_server.url, TAALSCHOOL, DEMO_PASSWORD)
    url = f"{demo_server.url}/partner/verwijzingen/{referral_id}/status"

    response = page.request.post(url, form={"to_status": "accepted"})

    assert response.status == 400
    assert "Het formulier is verlopen" in response.text()
    page.goto(f"{demo_server.url}/partner/verwijzingen/{referral_id}")
    expect(page.locator("main .utrecht-status-badge").first).to_have_text("verstuurd")


def test_a_partner_cannot_open_another_partners_referral(page, demo_server):
    referral_id, pseudonym = referral_to(demo_server, TAALSCHOOL, "Niet voor maatjes")
    log_in(page, demo_server.url, MAATJES, DEMO_PASSWORD)

    response = page.goto(f"{demo_server.url}/partner/verwijzingen/{referral_id}")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.locator("main")).not_to_contain_text(pseudonym)
    moved = page.request.post(
        f"{demo_server.url}/partner/verwijzingen/{referral_id}/status",
        form={"to_status": "declined", "reason_code": "vol",
              "csrf_token": page.locator("input[name=csrf_token]").first.input_value()},
    )
    assert moved.status == 404
    assert count_rows(demo_server, Referral) > 0


# A refused change of places (below what referrals hold) came back as the whole offer list
# with the message beside one field far down the table, focus left at the top of the page
# and no summary: a keyboard or screen-reader user never heard why nothing changed.
def test_a_refused_change_of_places_is_summarised_with_focus_and_the_value_kept(page,
                                                                               demo_server):
    log_in(page, demo_server.url, TAALSCHOOL, DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_server.url + "/partner/aanbod")
    held = page.locator("main tbody tr").filter(
        has=page.locator("td.utrecht-table__cell--numeric-data").nth(0).filter(
            has_not_text=re.compile(r"^0$")))
    row = held.first
    title = row.locator("th").inner_text().split("\n")[0]
    places = row.get_by_label(f"Plaatsen voor “{title}”")
    places.fill("0")
    places.press("Enter")
    summary = page.locator(".ww-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(title)
    expect(summary).to_contain_text("bezet door verwijzingen")
    summary.get_by_role("link").click()
    expect(page.get_by_label(f"Plaatsen voor “{title}”")).to_be_focused()
    expect(page.get_by_label(f"Plaatsen voor “{title}”")).to_have_value("0")
