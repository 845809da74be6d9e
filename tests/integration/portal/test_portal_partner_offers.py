"""A partner edits an offer, reopens a closed one, confirms before closing or completing,
and is offered to set the places to what is held after declining for ``vol``.

Before: only the capacity could change and an offer could only be closed, with
no confirmation; a decline for ``vol`` on an offer showing free places left
them listed; buttons were named "Gestart" and "Afgerond".
"""

import re

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401

import factories
from models.coalition import Offer
from models.referral_service import change_status, refer


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def school(session):
    user = factories.user(session, role="partner", password=PASSWORD)
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    offer = factories.offer(session, partner_id=user.partner_id, title="Avondcursus A2",
                            capacity=5, schedule=["avond"], languages=["ku"])
    return {"user": user, "km": km, "offer": offer}


def test_a_partner_edits_an_offers_details(form_client, session, school):
    log_in(form_client, school["user"])
    offer_id = school["offer"].id
    page = text(form_client.get(f"/partner/aanbod/{offer_id}/wijzigen"))
    assert "“Avondcursus A2” wijzigen" in page and 'value="Avondcursus A2"' in page
    response = form_client.post(f"/partner/aanbod/{offer_id}/wijzigen", data={
        "title": "Avondcursus A2 (Overvecht)", "domain": "taal", "kind": "taalcursus",
        "capacity": "6", "schedule": ["avond", "weekend"], "languages": ["ku", "ar"],
        "description": "Op dinsdag en donderdag",
    })
    assert response.status_code == 302
    session.expire_all()
    offer = session.get(Offer, offer_id)
    assert (offer.title, offer.capacity, offer.schedule, offer.languages, offer.description) == (
        "Avondcursus A2 (Overvecht)", 6, ["avond", "weekend"], ["ku", "ar"],
        "Op dinsdag en donderdag")


def test_an_edit_with_errors_reports_them_and_keeps_the_typing(form_client, school):
    log_in(form_client, school["user"])
    response = form_client.post(f"/partner/aanbod/{school['offer'].id}/wijzigen", data={
        "title": "", "domain": "taal", "kind": "taalcursus", "capacity": "-1",
        "description": "bewaard",
    })
    assert response.status_code == 422
    page = text(response)
    assert 'href="#title"' in page and 'href="#capacity"' in page and "bewaard" in page


def test_closing_asks_for_confirmation_and_a_closed_offer_reopens(form_client, session, school):
    log_in(form_client, school["user"])
    page = text(form_client.get("/partner/aanbod"))
    confirm = re.search(r'<details class="ww-confirm">.*?</details>', page, re.S).group(0)
    assert "Ja, sluit “Avondcursus A2”" in confirm and "wachtlijst" in confirm
    offer_id = school["offer"].id
    assert form_client.post(f"/partner/aanbod/{offer_id}/sluiten").status_code == 302
    session.expire_all()
    assert session.get(Offer, offer_id).closed_at is not None
    assert "Heropen" in text(form_client.get("/partner/aanbod"))
    assert form_client.post(f"/partner/aanbod/{offer_id}/heropenen").status_code == 302
    session.expire_all()
    assert session.get(Offer, offer_id).closed_at is None


def test_another_partners_offer_cannot_be_edited_or_reopened(form_client, session, school):
    other = factories.offer(session, title="Van een ander")
    log_in(form_client, school["user"])
    assert form_client.get(f"/partner/aanbod/{other.id}/wijzigen").status_code == 404
    assert form_client.post(f"/partner/aanbod/{other.id}/heropenen").status_code == 404


def test_buttons_are_verbs_and_completing_is_confirmed(form_client, session, school):
    person = factories.inburgeraar(session, needs={"taal": 2})
    referral = refer(session, actor_id=school["km"].id, inburgeraar_id=person.id,
                     offer_id=school["offer"].id)
    change_status(session, actor_id=school["user"].id, referral_id=referral.id,
                  to_status="accepted")
    session.commit()
    log_in(form_client, school["user"])
    page = text(form_client.get(f"/partner/verwijzingen/{referral.id}"))
    assert ">Markeer als gestart</button>" in page
    change_status(session, actor_id=school["user"].id, referral_id=referral.id,
                  to_status="started")
    session.commit()
    page = text(form_client.get(f"/partner/verwijzingen/{referral.id}"))
    confirm = re.search(r'<details class="ww-confirm">.*?</details>', page, re.S).group(0)
    assert "Rond af</summary>" in confirm and "Ja, rond af</button>" in confirm
    assert "Meld voortijdig gestopt" in page


def test_a_decline_for_vol_with_free_places_offers_to_set_the_places(form_client, session,
                                                                     school):
    people = [factories.inburgeraar(session, needs={"taal": 2}) for _ in range(3)]
    referrals = [refer(session, actor_id=school["km"].id, inburgeraar_id=p.id,
                       offer_id=school["offer"].id) for p in people]
    session.commit()
    log_in(form_client, school["user"])
    declined = referrals[0].id
    before = text(form_client.get(f"/partner/verwijzingen/{declined}"))
    assert "Wegwijs toont nog 2 vrije plaatsen" in before
    response = form_client.post(f"/partner/verwijzingen/{declined}/status", data={
        "to_status": "declined", "reason_code": "vol"})
    assert response.status_code == 302
    page = text(form_client.get(f"/partner/verwijzingen/{declined}"))
    prompt = page.split('class="utrecht-alert utrecht-alert--warning ww-vol-prompt"')[1]
    assert "nog 3 vrije plaatsen (2 van 5 bezet)" in prompt
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"',
                             prompt.split("</form>")[0]))
    response = form_client.post(f"/partner/aanbod/{school['offer'].id}/plaatsen", data=fields)
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Offer, school["offer"].id).capacity == 2
    assert "ww-vol-prompt" not in text(form_client.get(f"/partner/verwijzingen/{declined}"))
