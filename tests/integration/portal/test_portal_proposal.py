"""The proposal page: served domains shown as such, rows ticked and referred in one step,
each answered on its own, a different offer with its reason."""

import re

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import func, select

import factories
from models.proposal import ProposalReferral, ProposalRow, refer_rows
from models.referral import Referral
from models.referral_service import refer
from models.unit_of_work import UnitOfWork

PERSON = {"level": "A1", "availability": ["ochtend"], "postcode": "3512"}


@pytest.fixture
def world(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    school = factories.partner(session, name="Taalschool Voorstel (fictief)")
    course = factories.offer(session, partner_id=school.id, title="Ochtendcursus A1",
                             capacity=1, schedule=["ochtend"])
    cafe = factories.offer(session, partner_id=school.id, title="Taalcafé", kind="activiteit",
                           capacity=3, schedule=["ochtend"])
    people = [factories.inburgeraar(session, needs={"taal": 3}, gemeente=km.gemeente, **PERSON)
              for _ in range(2)]
    return {"km": km, "course": course, "cafe": cafe, "people": people}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_served_domain_is_listed_as_served_not_proposed(form_client, session, world):
    served, other = world["people"]
    with UnitOfWork(session):
        refer(session, actor_id=world["km"].id, inburgeraar_id=served.id,
              offer_id=world["cafe"].id)
    log_in(form_client, world["km"])
    page = text(form_client.get("/klantmanager/verdeelvoorstel"))
    proposal = page[page.index("Voorgestelde plaatsingen"):page.index("Al bediend")]
    assert served.pseudonym not in proposal and other.pseudonym in proposal
    listed = page[page.index("Al bediend"):page.index("Vragen zonder plaats")]
    assert served.pseudonym in listed and "Taalcafé" in listed and "verstuurd" in listed


def test_ticked_rows_are_referred_and_each_answered(form_client, session, world):
    first, second = world["people"]
    course, cafe = world["course"].id, world["cafe"].id
    log_in(form_client, world["km"])
    page = text(form_client.get("/klantmanager/verdeelvoorstel"))
    assert f'name="row" value="{first.id}-taal"' in page
    assert "Aangevinkte rijen doorverwijzen" in page
    # Both were proposed something; both get the course, which has one place: one fails.
    response = form_client.post("/klantmanager/verdeelvoorstel/verwijzen", data={
        "row": [f"{first.id}-taal", f"{second.id}-taal"],
        f"proposed-{first.id}-taal": course, f"offer-{first.id}-taal": course,
        f"proposed-{second.id}-taal": cafe, f"offer-{second.id}-taal": course,
        f"reason_code-{second.id}-taal": "voorkeur",
    })
    assert response.status_code == 200
    page = text(response)
    assert "1 verwijzing verstuurd; 1 rij niet doorverwezen" in page
    assert "Niet doorverwezen:</strong> Dit aanbod heeft geen vrije plaats meer." in page
    assert session.scalar(select(func.count()).select_from(Referral)) == 1
    assert session.scalar(select(func.count()).select_from(ProposalReferral)) == 1


def test_a_row_elsewhere_records_its_reason_and_a_bad_reason_fails_alone(form_client, session,
                                                                        world):
    first, second = world["people"]
    course, cafe = world["course"].id, world["cafe"].id
    log_in(form_client, world["km"])
    response = form_client.post("/klantmanager/verdeelvoorstel/verwijzen", data={
        "row": [f"{first.id}-taal", f"{second.id}-taal"],
        f"proposed-{first.id}-taal": course, f"offer-{first.id}-taal": cafe,
        f"reason_code-{first.id}-taal": "rooster", f"reason-{first.id}-taal": "Dinsdag vrij",
        f"proposed-{second.id}-taal": course, f"offer-{second.id}-taal": cafe,
        f"reason_code-{second.id}-taal": "anders", f"reason-{second.id}-taal": "BSN 111222333",
    })
    assert response.status_code == 200
    assert "Deze tekst bevat een BSN" in text(response)
    [recorded] = session.scalars(select(ProposalReferral)).all()
    assert (recorded.reason_code, recorded.reason, recorded.proposed_offer_id) == (
        "rooster", "Dinsdag vrij", course)


def test_nothing_ticked_or_unreadable_rows_refer_nobody(form_client, session, world):
    log_in(form_client, world["km"])
    response = form_client.post("/klantmanager/verdeelvoorstel/verwijzen", data={})
    assert response.status_code == 422 and "geen rij aangevinkt" in text(response)
    response = form_client.post("/klantmanager/verdeelvoorstel/verwijzen",
                                data={"row": ["x-taal"]})
    assert response.status_code == 422 and "niet te lezen" in text(response)
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_the_coordinator_counts_referrals_elsewhere_by_reason(form_client, session, world):
    first, second = world["people"]
    course, cafe = world["course"].id, world["cafe"].id
    with UnitOfWork(session):
        refer_rows(session, actor_id=world["km"].id, rows=[
            ProposalRow(first.id, "taal", course, course),
            ProposalRow(second.id, "taal", course, cafe, "bereikbaarheid"),
        ])
    log_in(form_client, factories.user(session, role="coordinator", password=PASSWORD))
    page = text(form_client.get("/coordinator/verwijzingen"))
    section = page[page.index("Verwezen vanuit het verdeelvoorstel"):]
    assert "2 keer vanuit het verdeelvoorstel: 1 naar het voorgestelde aanbod, 1 naar een " \
        "ander aanbod (50 %)" in section
    assert re.search(r"Beter bereikbaar of dichterbij</th>\s*<td[^>]*>1</td>", section)


def test_a_row_naming_an_unknown_proposed_offer_fails_alone(form_client, session, world):
    """A row whose proposed offer does not exist (a form kept open, or typed by hand) is
    refused on its own, saying why; the other row stands. Before, its ProposalReferral's
    foreign key failed at the flush, an error that is no row's refusal: a 500 for all."""
    first, second = world["people"]
    cafe = world["cafe"].id
    log_in(form_client, world["km"])
    response = form_client.post("/klantmanager/verdeelvoorstel/verwijzen", data={
        "row": [f"{first.id}-taal", f"{second.id}-taal"],
        f"proposed-{first.id}-taal": 999999, f"offer-{first.id}-taal": cafe,
        f"reason_code-{first.id}-taal": "voorkeur",
        f"proposed-{second.id}-taal": cafe, f"offer-{second.id}-taal": cafe,
    })
    assert response.status_code == 200
    page = text(response)
    assert "1 verwijzing verstuurd; 1 rij niet doorverwezen" in page
    assert "Het voorgestelde aanbod bestaat niet" in page
    assert session.scalar(select(func.count()).select_from(Referral)) == 1
