"""The klantmanager's pages: search, intake, matches with reasons, refer, withdraw, allocation."""

import re
from datetime import timedelta

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import func, select

import factories
from models.base import now_utc
from models.caseload import caseload_allocation
from models.people import Inburgeraar
from models.referral import Referral


@pytest.fixture
def world(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    school = factories.partner(session, name="Taalschool Test (fictief)")
    course = factories.offer(session, partner_id=school.id, title="Ochtendcursus A1",
                             capacity=1, min_level="A1", max_level="A2", schedule=["ochtend"])
    advanced = factories.offer(session, partner_id=school.id, title="Cursus B1",
                               min_level="B1", max_level="B2")
    person = factories.inburgeraar(session, needs={"taal": 3, "werk": 1}, level="A1",
                                   availability=["ochtend"], postcode="3512")
    other = factories.inburgeraar(session, needs={"taal": 2},
                                  gemeente=factories.gemeente(session, "Zeist"), postcode="3701")
    return {"km": km, "course": course, "advanced": advanced, "person": person, "other": other}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_only_the_own_gemeente_and_filters(form_client, world):
    log_in(form_client, world["km"])
    page = text(form_client.get("/klantmanager/inburgeraars"))
    assert world["person"].pseudonym in page
    assert world["other"].pseudonym not in page
    found = text(form_client.get(f"/klantmanager/inburgeraars?q={world['person'].pseudonym[-4:]}"
                                 "&domain=werk&level=A1&leerroute=b1&postcode=35"))
    assert world["person"].pseudonym in found
    assert world["person"].pseudonym not in text(
        form_client.get("/klantmanager/inburgeraars?domain=opvoeding"))
    assert form_client.get(f"/klantmanager/inburgeraars/{world['other'].id}").status_code == 404


def test_an_intake_records_the_person_with_needs(form_client, session, world):
    log_in(form_client, world["km"])
    response = form_client.post("/klantmanager/inburgeraars/nieuw", data={
        "pseudonym": "IB-INTAKE1", "need_taal": "3", "need_gezondheid": "1", "postcode": "3531",
        "level": "A2", "leerroute": "z", "languages": ["ar", "fa"], "availability": ["middag"],
        "childcare_needed": "y", "latin_literate": "y", "max_travel_km": "7.5",
        "sectors": ["zorg", "groen"], "birth_year": "1988", "duaal": "y",
    })
    assert response.status_code == 302
    person = session.scalars(select(Inburgeraar).where(Inburgeraar.pseudonym == "IB-INTAKE1")).one()
    assert person.needs_by_domain == {"taal": 3.0, "gezondheid": 1.0}
    assert person.intake_needs_by_domain == {"taal": 3.0, "gezondheid": 1.0}
    assert (person.gemeente_id, person.level, person.leerroute, person.max_travel_km) == (
        world["km"].gemeente_id, "A2", "z", 7.5)
    assert (person.languages, person.sectors, person.childcare_needed, person.duaal) == (
        ["ar", "fa"], ["zorg", "groen"], True, True)
    response = form_client.post(f"/klantmanager/inburgeraars/{person.id}/intake", data={
        "need_werk": "2", "postcode": "3531", "level": "B1", "latin_literate": "y",
    })
    assert response.status_code == 302
    session.expire_all()
    changed = session.get(Inburgeraar, person.id)
    assert changed.needs_by_domain == {"werk": 2.0}
    # The needs at intake stay as the intake recorded them.
    assert changed.intake_needs_by_domain == {"taal": 3.0, "gezondheid": 1.0}


def test_a_bad_intake_names_the_fields_and_saves_nothing(form_client, session, world):
    log_in(form_client, world["km"])
    before = session.scalar(select(func.count()).select_from(Inburgeraar))
    response = form_client.post("/klantmanager/inburgeraars/nieuw", data={
        "pseudonym": "Jan Jansen", "birth_year": "1850", "max_travel_km": "0", "goals": "bewaard",
    })
    page = text(response)
    assert response.status_code == 422
    for message in ("3 tot 16 letters, cijfers of streepjes; geen naam.",
                    "Een jaar van 1900 tot 2100.", "Een afstand in km van 1 tot 100.",
                    "Geef minstens één domein van de brede intake een gewicht."):
        assert message in page
    assert "bewaard" in page
    response = form_client.post("/klantmanager/inburgeraars/nieuw",
                                data={"need_taal": "2", "postcode": "1011"})
    assert response.status_code == 422
    assert "Deze postcode ligt niet in de regio Utrecht (U16)." in text(response)
    assert session.scalar(select(func.count()).select_from(Inburgeraar)) == before


def test_matches_show_score_components_and_dutch_reasons(form_client, world):
    log_in(form_client, world["km"])
    page = text(form_client.get(f"/klantmanager/inburgeraars/{world['person'].id}"))
    taal = page[page.index('id="domein-taal"'):page.index('id="domein-werk"')]
    assert "Ochtendcursus A1" in taal
    assert "Cursus B1" not in taal  # level B1 is above A1: not eligible
    assert re.search(r"Kans van slagen: \d+ %", taal)
    # Every component is listed: a contribution in percentage points, or "n.v.t.".
    assert "<dt>Afstand</dt>" in taal and re.search(r"<dd>[+−]?\d+ %-punt</dd>", taal)
    assert "<dt>Sector</dt>" in taal and "n.v.t." in taal
    # No completed referrals to learn from in this world: the page says so.
    assert "weinig gegevens over deze aanbieder" in taal
    assert re.search(r'ww-reasons">\s*<li class="utrecht-unordered-list__item">[+−0]\d* %-punt: ',
                     taal)
    werk = page[page.index('id="domein-werk"'):]
    assert "Geen passend aanbod met een vrije plaats in dit domein." in werk


def test_refer_then_the_full_offer_and_the_ineligible_one_are_refused(form_client, session,
                                                                       world):
    log_in(form_client, world["km"])
    person, course = world["person"], world["course"]
    url = f"/klantmanager/inburgeraars/{person.id}/verwijzen"
    response = form_client.post(url, data={"offer_id": course.id, "note": "Graag ochtenden"})
    assert response.status_code == 302
    referral = session.scalars(select(Referral).where(Referral.inburgeraar_id == person.id)).one()
    assert (referral.status, referral.note) == ("sent", "Graag ochtenden")
    timeline = text(form_client.get(response.location))
    assert "verstuurd" in timeline and "Graag ochtenden" in timeline

    someone_else = factories.inburgeraar(session, needs={"taal": 1}, level="A1")
    response = form_client.post(f"/klantmanager/inburgeraars/{someone_else.id}/verwijzen",
                                data={"offer_id": course.id})
    assert response.status_code == 422
    assert "Dit aanbod heeft geen vrije plaats meer." in text(response)

    response = form_client.post(url, data={"offer_id": world["advanced"].id, "note": "x"})
    assert response.status_code == 422
    assert "komt niet in aanmerking" in text(response)
    assert "Taalniveau A1 ligt onder het minimum B1" in text(response)
    assert session.scalar(select(func.count()).select_from(Referral)) == 1


def test_the_klantmanager_withdraws_a_referral(form_client, session, world):
    log_in(form_client, world["km"])
    form_client.post(f"/klantmanager/inburgeraars/{world['person'].id}/verwijzen",
                     data={"offer_id": world["course"].id})
    referral = session.scalars(select(Referral)).one()
    response = form_client.post(f"/klantmanager/verwijzingen/{referral.id}/status",
                                data={"to_status": "withdrawn", "reason": "Verhuisd"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Referral, referral.id).status == "withdrawn"
    page = text(form_client.get(f"/klantmanager/verwijzingen/{referral.id}"))
    assert "ingetrokken" in page and "Verhuisd" in page


def test_the_allocation_proposal_places_and_explains_the_rest(form_client, world):
    log_in(form_client, world["km"])
    page = text(form_client.get("/klantmanager/verdeelvoorstel"))
    proposal = page[page.index("Voorgestelde plaatsingen"):page.index("Vragen zonder plaats")]
    assert world["person"].pseudonym in proposal and "Ochtendcursus A1" in proposal
    rest = page[page.index("Vragen zonder plaats"):]
    assert world["person"].pseudonym in rest and "Werk" in rest  # no werk offer at all
    assert world["other"].pseudonym not in page  # another gemeente's caseload


def test_the_proposal_keeps_a_place_for_arrivals_like_the_recent_ones(form_client, session,
                                                                       world):
    # Two places; someone taken in long ago needs taal a little, a recent arrival badly:
    # the recent one gets a place and one is kept for people like them.
    world["course"].capacity = 2
    earlier = factories.inburgeraar(
        session, needs={"taal": 1}, level="A1", availability=["ochtend"], postcode="3512",
        gemeente=world["person"].gemeente, created_at=now_utc() - timedelta(weeks=10))
    log_in(form_client, world["km"])
    page = text(form_client.get("/klantmanager/verdeelvoorstel"))
    assert "Bewaarde plaatsen" in page and "Ochtendcursus A1" in page
    rest = page[page.index("Vragen zonder plaats"):]
    assert earlier.pseudonym in rest
    assert "plek bewaard voor inburgeraars die alleen hier terecht kunnen" in rest
    result = caseload_allocation(session, world["km"].gemeente_id, forecast_weeks=0)
    assert {a.inburgeraar_id for a in result.assignments} >= {str(earlier.id)}
    kept = caseload_allocation(session, world["km"].gemeente_id, forecast_weeks=4)
    assert kept.kept == {str(world["course"].id): 1}
