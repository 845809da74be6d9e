"""The waitlist in the portal: "Zet op wachtlijst" beside a full offer, the klantmanager's
entries with their place, the partner's queue by pseudonym."""

from portal_world import form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import select

import factories
from models.referral import Referral
from models.referral_service import change_status, refer
from models.unit_of_work import UnitOfWork
from models.waitlist import WaitlistEntry


def full_offer(session):
    partner_user = factories.user(session, role="partner")
    km = factories.user(session, role="klantmanager")
    offer = factories.offer(session, partner_id=partner_user.partner_id, capacity=1,
                            title="Volle cursus")
    with UnitOfWork(session):
        refer(session, actor_id=km.id, offer_id=offer.id,
              inburgeraar_id=factories.inburgeraar(session).id)
    return partner_user, km, offer


def test_a_klantmanager_puts_someone_on_the_waitlist_of_a_full_offer(form_client, session):
    partner_user, km, offer = full_offer(session)
    person = factories.inburgeraar(session)
    log_in(form_client, km)
    page = form_client.get(f"/klantmanager/inburgeraars/{person.id}").get_data(as_text=True)
    assert "Volle cursus" in page and "Zet op wachtlijst" in page
    response = form_client.post(f"/klantmanager/inburgeraars/{person.id}/wachtlijst",
                                data={"offer_id": offer.id, "note": "Wil graag"})
    assert response.status_code == 302
    page = form_client.get("/klantmanager/wachtlijst").get_data(as_text=True)
    assert person.pseudonym in page and "Volle cursus" in page
    again = form_client.post(f"/klantmanager/inburgeraars/{person.id}/wachtlijst",
                             data={"offer_id": offer.id})
    assert again.status_code == 422
    assert "staat al op de wachtlijst" in again.get_data(as_text=True)
    assert len(session.scalars(select(WaitlistEntry)).all()) == 1


def test_the_partner_sees_its_queue_by_pseudonym_and_the_klantmanager_takes_one_off(
    form_client, session
):
    partner_user, km, offer = full_offer(session)
    person = factories.inburgeraar(session, goals="GEHEIM-DOEL")
    log_in(form_client, km)
    form_client.post(f"/klantmanager/inburgeraars/{person.id}/wachtlijst",
                     data={"offer_id": offer.id})
    entry = session.scalars(select(WaitlistEntry)).one()
    form_client.post("/uitloggen")
    log_in(form_client, partner_user)
    page = form_client.get("/partner/wachtlijsten").get_data(as_text=True)
    assert person.pseudonym in page and "GEHEIM-DOEL" not in page
    form_client.post("/uitloggen")
    log_in(form_client, km)
    assert form_client.post(f"/klantmanager/wachtlijst/{entry.id}/intrekken").status_code == 302
    session.refresh(entry)
    assert entry.status == "withdrawn"


def test_the_klantmanager_reads_why_a_free_place_passed_their_person_by(form_client, session):
    partner_user, km, offer = full_offer(session)
    other = factories.offer(session, partner_id=partner_user.partner_id, title="Andere cursus")
    person = factories.inburgeraar(session)
    log_in(form_client, km)
    form_client.post(f"/klantmanager/inburgeraars/{person.id}/wachtlijst",
                     data={"offer_id": offer.id})
    with UnitOfWork(session):
        elsewhere = refer(session, actor_id=km.id, offer_id=other.id, inburgeraar_id=person.id)
        held = session.scalars(select(Referral.id).where(Referral.offer_id == offer.id)).one()
        change_status(session, actor_id=partner_user.id, referral_id=held,
                      to_status="declined", reason_code="persoonlijk")
    page = form_client.get("/klantmanager/wachtlijst").get_data(as_text=True)
    assert person.pseudonym in page
    assert "Overgeslagen bij een vrije plaats" in page
    assert f"lopende verwijzing {elsewhere.id} in het domein taal" in page
    assert "domain:" not in page
