"""The klantmanager's page of a duaal person: taal and werk pairs that fit in one week."""

import re

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import func, select

import factories
from models.audit import AccessLog
from models.referral import Referral

SECTION = "Taal en werk in één week"
NOTHING_FITS = "Geen taal- en werkaanbod dat samen in één week past"


@pytest.fixture
def world(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    school = factories.partner(session, name="Taalschool Duaal (fictief)")
    employer = factories.partner(session, name="Werkgever Duaal (fictief)", kind="werkgever")
    course = factories.offer(session, partner_id=school.id, title="Ochtendcursus duaal",
                             schedule=["ochtend"])
    clash = factories.offer(session, partner_id=employer.id, domain="werk",
                            kind="werkervaringsplek", title="Werkplek in de ochtend",
                            schedule=["ochtend", "middag"])
    fits = factories.offer(session, partner_id=employer.id, domain="werk",
                           kind="werkervaringsplek", title="Werkplek in de middag",
                           schedule=["middag"])
    person = factories.inburgeraar(session, needs={"taal": 3, "werk": 2}, duaal=True,
                                   availability=["ochtend", "middag"], postcode="3512")
    plain = factories.inburgeraar(session, needs={"taal": 3, "werk": 2},
                                  availability=["ochtend", "middag"], postcode="3512")
    return {"km": km, "course": course, "clash": clash, "fits": fits, "person": person,
            "plain": plain}


def _section(page: str) -> str:
    return page[page.index(f">{SECTION}</h2>"):page.index(">Passend aanbod per domein</h2>")]


def test_a_duaal_person_sees_the_pair_that_fits_and_not_the_one_that_collides(
        form_client, session, world):
    log_in(form_client, world["km"])
    url = f"/klantmanager/inburgeraars/{world['person'].id}"
    before = session.scalar(select(func.max(AccessLog.id)))
    response = form_client.get(url)
    assert response.status_code == 200
    section = _section(response.get_data(as_text=True))
    # The colliding job is eligible on its own (it is in the werk ranking), but pairs with nothing.
    werk = response.get_data(as_text=True).split('id="domein-werk"')[1]
    assert "Werkplek in de ochtend" in werk and "Werkplek in de middag" in werk
    assert "Combinatie 1: Ochtendcursus duaal en Werkplek in de middag" in section
    assert "Werkplek in de ochtend" not in section
    assert "Combinatie 2" not in section
    assert NOTHING_FITS not in section
    assert "Dagdelen: ochtend<" in section and "Dagdelen: middag<" in section
    assert "Taalschool Duaal (fictief)" in section and "Werkgever Duaal (fictief)" in section
    assert len(re.findall(r"Kans van slagen: \d+ %", section)) == 2
    # Each offer is referred through the page's one refer route.
    action = f'action="/klantmanager/inburgeraars/{world["person"].id}/verwijzen"'
    assert section.count(action) == 2
    for offer in (world["course"], world["fits"]):
        assert f'name="offer_id" value="{offer.id}"' in section
    # Logged as the page always was: one read and one match of this person.
    logged = session.scalars(select(AccessLog.action).where(AccessLog.id > (before or 0))).all()
    assert sorted(logged) == ["match", "read"]


def test_referring_from_a_pair_uses_the_refer_route(form_client, session, world):
    log_in(form_client, world["km"])
    response = form_client.post(f"/klantmanager/inburgeraars/{world['person'].id}/verwijzen",
                                data={"offer_id": world["fits"].id, "note": "Past bij de cursus"})
    assert response.status_code == 302
    referral = session.scalars(select(Referral)).one()
    assert (referral.offer_id, referral.inburgeraar_id, referral.note) == (
        world["fits"].id, world["person"].id, "Past bij de cursus")


def test_when_nothing_fits_in_one_week_the_page_says_so(form_client, session, world):
    world["fits"].schedule = ["ochtend"]
    session.commit()
    log_in(form_client, world["km"])
    page = form_client.get(f"/klantmanager/inburgeraars/{world['person'].id}").get_data(
        as_text=True)
    section = _section(page)
    assert NOTHING_FITS in section
    assert "Combinatie" not in section


def test_a_duaal_person_without_both_needs_is_told_why_there_are_no_pairs(
        form_client, session, world):
    person = factories.inburgeraar(session, needs={"taal": 3}, duaal=True, postcode="3512")
    log_in(form_client, world["km"])
    section = _section(form_client.get(f"/klantmanager/inburgeraars/{person.id}").get_data(
        as_text=True))
    assert "geen vraag naar zowel taal als werk" in section
    assert NOTHING_FITS not in section and "Combinatie" not in section


def test_a_person_without_a_duaal_traject_gets_no_pairs(form_client, world):
    log_in(form_client, world["km"])
    page = form_client.get(f"/klantmanager/inburgeraars/{world['plain'].id}").get_data(
        as_text=True)
    assert "Werkplek in de middag" in page  # the matches themselves are there
    assert SECTION not in page and "Combinatie" not in page


def _refer(form_client, person, offer):
    response = form_client.post(f"/klantmanager/inburgeraars/{person.id}/verwijzen",
                                data={"offer_id": offer.id, "note": ""})
    assert response.status_code == 302


def test_after_referring_to_a_course_the_page_shows_work_that_fits_beside_it(
        form_client, session, world):
    employer = world["fits"].partner
    free = factories.offer(session, partner_id=employer.id, domain="werk",
                           kind="werkervaringsplek", title="Werkplek zonder rooster", schedule=[])
    log_in(form_client, world["km"])
    _refer(form_client, world["person"], world["course"])
    page = form_client.get(f"/klantmanager/inburgeraars/{world['person'].id}").get_data(
        as_text=True)
    section = _section(page)
    assert "Werk dat past naast Ochtendcursus duaal</h3>" in section
    # The course is named as the choice made, with its day parts; it is no longer offered.
    assert "doorverwezen naar" in section and "dagdelen: ochtend)" in section
    assert f'name="offer_id" value="{world["course"].id}"' not in section
    # Work beside it: the afternoon job and the one without a schedule, not the morning job,
    # though that one is still eligible on its own.
    assert "Werkplek in de middag</h4>" in section and "Werkplek zonder rooster</h4>" in section
    assert "Werkplek in de ochtend" not in section
    assert "Werkplek in de ochtend" in page.split('id="domein-werk"')[1]
    assert "Dagdelen: middag<" in section and "Dagdelen: geen vaste dagdelen<" in section
    assert len(re.findall(r"Kans van slagen: \d+ %", section)) == 2
    for offer in (world["fits"], free):
        assert f'name="offer_id" value="{offer.id}"' in section
    assert "Combinatie" not in section and NOTHING_FITS not in section


def test_after_referring_to_work_the_page_shows_courses_that_fit_beside_it(
        form_client, session, world):
    log_in(form_client, world["km"])
    _refer(form_client, world["person"], world["clash"])
    section = _section(form_client.get(
        f"/klantmanager/inburgeraars/{world['person'].id}").get_data(as_text=True))
    # The morning course collides with the morning-and-afternoon job: nothing fits beside it.
    assert "Taalaanbod dat past naast Werkplek in de ochtend</h3>" in section
    assert "Geen taalaanbod met een vrije plaats dat past naast Werkplek in de ochtend" in section
    assert f'name="offer_id" value="{world["course"].id}"' not in section


def test_with_places_in_taal_and_werk_the_week_is_complete(form_client, session, world):
    log_in(form_client, world["km"])
    _refer(form_client, world["person"], world["course"])
    _refer(form_client, world["person"], world["fits"])
    section = _section(form_client.get(
        f"/klantmanager/inburgeraars/{world['person'].id}").get_data(as_text=True))
    assert "De week is rond" in section
    assert "Ochtendcursus duaal" in section and "Werkplek in de middag" in section
    assert "Let op" not in section
    assert "Verwijs door" not in section and "Combinatie" not in section
    assert "past naast" not in section


def test_a_werk_place_colliding_with_the_taal_place_is_refused_naming_the_rule(
    form_client, session, world
):
    log_in(form_client, world["km"])
    _refer(form_client, world["person"], world["course"])
    response = form_client.post(f"/klantmanager/inburgeraars/{world['person'].id}/verwijzen",
                                data={"offer_id": world["clash"].id, "note": ""})
    assert response.status_code == 422
    assert "dezelfde dagdelen als “Ochtendcursus duaal”" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Referral).where(
        Referral.offer_id == world["clash"].id)) == 0


def test_a_complete_week_whose_places_came_to_collide_is_flagged(form_client, session, world):
    log_in(form_client, world["km"])
    _refer(form_client, world["person"], world["course"])
    _refer(form_client, world["person"], world["fits"])
    world["fits"].schedule = ["ochtend", "middag"]  # the werkgever moved the hours since
    session.commit()
    section = _section(form_client.get(
        f"/klantmanager/inburgeraars/{world['person'].id}").get_data(as_text=True))
    assert "De week is rond" in section
    assert ("Let op:</strong> “Ochtendcursus duaal” en “Werkplek in de middag” vallen "
            "allebei op ochtend.") in section
