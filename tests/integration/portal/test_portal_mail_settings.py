"""Each user switches each kind of mail off on /instellingen/mail, and then gets none of it."""

from portal_world import form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import select

import factories
from models.outbox import OutboxMail
from models.referral_service import refer
from models.unit_of_work import UnitOfWork


def test_a_partner_switches_new_referral_mails_off_and_gets_none(form_client, session):
    partner_user = factories.user(session, role="partner")
    km = factories.user(session, role="klantmanager")
    offer = factories.offer(session, partner_id=partner_user.partner_id)
    log_in(form_client, partner_user)
    page = form_client.get("/instellingen/mail").get_data(as_text=True)
    assert "Een nieuwe verwijzing voor ons aanbod" in page and page.count("checked") == 3
    assert "De klantmanager heeft een verwijzing ingetrokken" in page
    response = form_client.post("/instellingen/mail", data={"kinds": ["referral_reminder"]})
    assert response.status_code == 302
    page = form_client.get("/instellingen/mail").get_data(as_text=True)
    assert page.count("checked") == 1
    with UnitOfWork(session):
        refer(session, actor_id=km.id, inburgeraar_id=factories.inburgeraar(session).id,
              offer_id=offer.id)
    assert session.scalars(select(OutboxMail)).all() == []


def test_an_unknown_kind_is_refused_and_changes_nothing(form_client, session):
    km = factories.user(session, role="klantmanager")
    log_in(form_client, km)
    response = form_client.post("/instellingen/mail", data={"kinds": ["referral_received"]})
    assert response.status_code == 422
    assert "Onbekend soort mail: referral_received" in response.get_data(as_text=True)
    assert form_client.get("/instellingen/mail").get_data(as_text=True).count("checked") == 2
