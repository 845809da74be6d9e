"""A partner's and a werkgever's pages: offers, places, and the referrals sent to them."""

import re

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import func, select

import factories
from models.coalition import Offer
from models.referral import Referral
from models.referral_service import change_status, refer


@pytest.fixture
def world(session):
    school_user = factories.user(session, role="partner", password=PASSWORD)
    other_user = factories.user(session, role="partner", password=PASSWORD)
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    offer = factories.offer(session, partner_id=school_user.partner_id, capacity=2,
                            title="Taalcursus Domstad")
    person = factories.inburgeraar(
        session, needs={"taal": 3}, postcode="3512", level="A2", leerroute="b1",
        availability=["ochtend"], languages=["ti"], gender="v", birth_year=1991,
        goals="GEHEIM-DOEL", sectors=["zorg"],
    )
    referral = refer(session, actor_id=km.id, inburgeraar_id=person.id, offer_id=offer.id,
                     note="Kan alleen ochtenden")
    return {"school": school_user, "other": other_user, "offer": offer, "person": person,
            "referral": referral}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_partner_posts_an_offer(form_client, session, world):
    log_in(form_client, world["school"])
    response = form_client.post("/partner/aanbod/nieuw", data={
        "title": "Avondcursus A2", "domain": "taal", "kind": "taalcursus", "capacity": "12",
        "postcode": "3512", "min_level": "A1", "max_level": "A2", "leerroutes": ["b1"],
        "schedule": ["avond"], "languages": ["ar"],
    })
    assert response.status_code == 302
    offer = session.scalars(select(Offer).where(Offer.title == "Avondcursus A2")).one()
    assert (offer.partner_id, offer.capacity, offer.schedule) == (
        world["school"].partner_id, 12, ["avond"])
    assert "Avondcursus A2" in text(form_client.get("/partner/aanbod"))


def test_bad_offer_input_names_each_field_keeps_it_and_saves_nothing(form_client, session, world):
    log_in(form_client, world["school"])
    before = session.scalar(select(func.count()).select_from(Offer))
    response = form_client.post("/partner/aanbod/nieuw", data={
        "title": "Cursus", "domain": "taal", "kind": "taalcursus", "capacity": "5",
        "min_level": "B1", "max_level": "A1", "min_age": "200", "description": "bewaard",
    })
    page = text(response)
    assert response.status_code == 422
    assert "Een leeftijd van 0 tot 120." in page
    assert "bewaard" in page
    # Once the fields are valid on their own, the use case's cross-field rule is shown too.
    response = form_client.post("/partner/aanbod/nieuw", data={
        "title": "Cursus", "domain": "taal", "kind": "taalcursus", "capacity": "5",
        "min_level": "B1", "max_level": "A1",
    })
    assert response.status_code == 422
    assert "Het maximumniveau ligt onder het minimumniveau." in text(response)
    assert session.scalar(select(func.count()).select_from(Offer)) == before


def test_places_never_go_below_those_held(form_client, session, world):
    log_in(form_client, world["school"])
    offer = world["offer"]
    response = form_client.post(f"/partner/aanbod/{offer.id}/plaatsen",
                                data={f"aanbod-{offer.id}-capacity": "0"})
    assert response.status_code == 422
    assert "Er zijn al 1 plekken bezet" in text(response)
    session.expire_all()
    assert session.get(Offer, offer.id).capacity == 2
    response = form_client.post(f"/partner/aanbod/{offer.id}/plaatsen",
                                data={f"aanbod-{offer.id}-capacity": "7"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Offer, offer.id).capacity == 7


def test_a_partner_closes_an_offer(form_client, session, world):
    log_in(form_client, world["school"])
    offer = world["offer"]
    assert form_client.post(f"/partner/aanbod/{offer.id}/sluiten").status_code == 302
    session.expire_all()
    assert session.get(Offer, offer.id).closed_at is not None


def test_the_referral_shows_what_it_needs_of_the_person_and_nothing_else(form_client, world):
    log_in(form_client, world["school"])
    page = text(form_client.get(f"/partner/verwijzingen/{world['referral'].id}"))
    person = world["person"]
    for shown in (person.pseudonym, "A2", "B1-route", "ochtend", "Kan alleen ochtenden"):
        assert shown in page
    for hidden in ("GEHEIM-DOEL", "1991", "Tigrinya", "zorg"):
        assert hidden not in page


def test_a_referral_that_ended_shows_the_person_as_referred(form_client, session, world):
    """Withdrawn, the referral needs nothing more: the level and days recorded since stay
    with the gemeente."""
    person = world["person"]
    change_status(session, actor_id=world["referral"].created_by_id,
                  referral_id=world["referral"].id, to_status="withdrawn")
    person.level, person.availability = "B2", ["weekend"]
    session.flush()
    log_in(form_client, world["school"])
    response = form_client.get(f"/partner/verwijzingen/{world['referral'].id}")
    assert response.status_code == 200
    shown = dict(re.findall(r'item-key">([^<]+)</dt><dd[^>]*>([^<]*)</dd>', text(response)))
    assert (shown["Taalniveau"], shown["Beschikbaar"]) == ("A2", "ochtend")


def test_the_partner_walks_the_lifecycle_and_a_decline_needs_a_reason(form_client, session,
                                                                       world):
    log_in(form_client, world["school"])
    url = f"/partner/verwijzingen/{world['referral'].id}/status"
    response = form_client.post(url, data={"to_status": "declined", "reason": "  "})
    assert response.status_code == 422
    assert "Kies een reden uit de lijst" in text(response)
    response = form_client.post(url, data={"to_status": "declined", "reason_code": "anders"})
    assert response.status_code == 422
    assert "Licht de reden &#39;anders&#39; toe." in text(response)
    assert form_client.post(url, data={"to_status": "completed"}).status_code == 422
    for status in ("accepted", "started", "completed"):
        assert form_client.post(url, data={"to_status": status}).status_code == 302
    session.expire_all()
    referral = session.get(Referral, world["referral"].id)
    assert referral.status == "completed"
    assert [e.to_status for e in referral.events] == ["sent", "accepted", "started", "completed"]


def test_another_partners_referral_and_offer_are_not_found(form_client, session, world):
    log_in(form_client, world["other"])
    referral_id, offer_id = world["referral"].id, world["offer"].id
    assert form_client.get(f"/partner/verwijzingen/{referral_id}").status_code == 404
    response = form_client.post(f"/partner/verwijzingen/{referral_id}/status",
                                data={"to_status": "accepted"})
    assert response.status_code == 404
    assert form_client.post(f"/partner/aanbod/{offer_id}/sluiten").status_code == 404
    session.expire_all()
    assert session.get(Referral, referral_id).status == "sent"
    assert session.get(Offer, offer_id).closed_at is None


def test_a_werkgever_works_with_plekken_not_the_partner_pages(form_client, session):
    employer = factories.partner(session, kind="werkgever", name="Zorg Test (fictief)")
    user = factories.user(session, role="partner", password=PASSWORD, partner=employer)
    log_in(form_client, user)
    assert form_client.get("/").location == "/werkbak"
    assert 'href="/werkgever/aanbod"' in text(form_client.get("/werkbak"))
    assert form_client.get("/partner/aanbod").status_code == 403
    response = form_client.post("/werkgever/aanbod/nieuw", data={
        "title": "Werkervaringsplek keuken", "kind": "werkervaringsplek", "capacity": "2",
        "sectors": ["horeca", "zorg"], "hours_per_week": "24", "min_level": "A2",
        "schedule": ["ochtend", "middag"],
    })
    assert response.status_code == 302
    plek = session.scalars(select(Offer).where(Offer.partner_id == employer.id)).one()
    assert (plek.domain, plek.kind, plek.sectors, plek.hours_per_week, plek.min_level) == (
        "werk", "werkervaringsplek", ["horeca", "zorg"], 24.0, "A2")
    response = form_client.post("/werkgever/aanbod/nieuw", data={
        "title": "Stage", "kind": "stage", "capacity": "1", "hours_per_week": "99",
    })
    assert response.status_code == 422
    assert "Geef de sector op." in text(response)
    assert "Een aantal uren per week van 0 tot 60." in text(response)
