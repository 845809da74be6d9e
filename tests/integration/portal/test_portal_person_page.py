"""The person page: who the person is first, matches that fit on two screens, fast.

Before: no PIP, goals, education or arrival on it; every component of every
offer open; the person's referrals at the bottom; and a query per full offer
(about 2,000 queries with 250 full offers).
"""

import re
from datetime import date

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import event

import factories
from models.pip import Pip
from models.referral_service import refer
from web.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def person(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    school = factories.partner(session, name="Taalschool Pagina (fictief)")
    for n in range(5):
        factories.offer(session, partner_id=school.id, title=f"Open cursus {n}", capacity=4)
    person = factories.inburgeraar(
        session, needs={"taal": 3, "werk": 1}, goals="Wil in de zorg werken", education="mbo",
        arrived_on=date(2024, 5, 1), sectors=["zorg"])
    session.add(Pip(inburgeraar_id=person.id, dagtekening=date(2025, 2, 3), leerroute="B",
                    niveau="B1", intensiteit_b1_uren=600))
    session.commit()
    return {"km": km, "person": person, "school": school}


def test_the_person_page_shows_who_the_person_is_and_referrals_first(form_client, session,
                                                                     person):
    course = factories.offer(session, partner_id=person["school"].id, title="Lopende cursus")
    refer(session, actor_id=person["km"].id, inburgeraar_id=person["person"].id,
          offer_id=course.id)
    session.commit()
    log_in(form_client, person["km"])
    page = text(form_client.get(f"/klantmanager/inburgeraars/{person['person'].id}"))
    for shown in ("B1-route, niveau B1, 600 uur", "03-02-2025", "Wil in de zorg werken",
                  "mbo", "01-05-2024", "Zorg"):
        assert shown in page
    assert page.index('id="verwijzingen"') < page.index('id="passend-aanbod"')
    assert "Lopende cursus" in page.split('id="verwijzingen"')[1].split("</table>")[0]


def test_matches_show_three_per_domain_and_the_breakdown_on_demand(form_client, person):
    log_in(form_client, person["km"])
    page = text(form_client.get(f"/klantmanager/inburgeraars/{person['person'].id}"))
    taal = page.split('id="domein-taal"')[1].split("</section>")[0]
    assert taal.count('class="ww-card ww-match"') == 3
    cards = taal.split('class="ww-card ww-match"')[1:]
    for card in cards:
        assert len(re.findall(r"<li", card.split('class="ww-breakdown"')[0])) <= 3
        assert '<details class="ww-breakdown">' in card
        assert "4 vrije plaatsen" in card
    assert "/klantmanager/kans-van-slagen" in page


def test_the_chance_is_explained_on_a_page_of_its_own(form_client, person):
    log_in(form_client, person["km"])
    page = text(form_client.get("/klantmanager/kans-van-slagen"))
    assert "Hoe Wegwijs de kans van slagen schat" in page and "Afstand" in page


def _queries_for_the_page(form_client, person_id) -> int:
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = db.session.get_bind()
    form_client.get(f"/klantmanager/inburgeraars/{person_id}")  # the Matcher built, cached
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = form_client.get(f"/klantmanager/inburgeraars/{person_id}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_full_offers_cost_no_query_each(form_client, session, person):
    log_in(form_client, person["km"])
    person_id = person["person"].id

    def full_offers(n):
        for i in range(n):
            factories.offer(session, partner_id=person["school"].id, title=f"Vol {i}",
                            capacity=0)
        session.commit()

    full_offers(3)
    few = _queries_for_the_page(form_client, person_id)
    full_offers(60)
    many = _queries_for_the_page(form_client, person_id)
    assert many == few, (few, many)
    page = text(form_client.get(f"/klantmanager/inburgeraars/{person_id}"))
    assert "Vol 0" in page.split('id="vol-aanbod"')[1]


def test_a_refused_note_shows_at_its_form_open_and_focused(form_client, person):
    log_in(form_client, person["km"])
    person_id = person["person"].id
    page = text(form_client.get(f"/klantmanager/inburgeraars/{person_id}"))
    offer_id = re.search(r'name="offer_id" value="(\d+)"', page).group(1)
    response = form_client.post(f"/klantmanager/inburgeraars/{person_id}/verwijzen",
                                data={"offer_id": offer_id, "note": "x" * 2001})
    assert response.status_code == 422
    page = text(response)
    form = re.search(r'<details class="ww-refer" open>.*?</details>', page, re.S).group(0)
    assert f'value="{offer_id}"' in form
    assert "Maximaal 2000 tekens" in form or "2000" in form
    assert re.search(r'<textarea[^>]*aria-invalid="true" autofocus', form)
