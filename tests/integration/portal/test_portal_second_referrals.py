"""The klantmanager's person page: served domains, "extra verwijzing naast de lopende", and
notes refused for personal data, with a Dutch message beside the note."""

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import func, select

import factories
from models.referral import Referral
from models.referral_service import refer
from models.unit_of_work import UnitOfWork
from models.waitlist import WaitlistEntry


@pytest.fixture
def world(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    school = factories.partner(session, name="Taalschool Test (fictief)")
    course = factories.offer(session, partner_id=school.id, title="Ochtendcursus A1")
    cafe = factories.offer(session, partner_id=school.id, title="Taalcafé", kind="activiteit")
    person = factories.inburgeraar(session, needs={"taal": 3}, postcode="3512")
    return {"km": km, "course": course, "cafe": cafe, "person": person}


def referrals(session) -> int:
    return session.scalar(select(func.count()).select_from(Referral))


def test_a_second_referral_in_a_served_domain_needs_the_extra_box(form_client, session, world):
    log_in(form_client, world["km"])
    url = f"/klantmanager/inburgeraars/{world['person'].id}"
    page = form_client.get(url).get_data(as_text=True)
    assert "Al bediend" not in page and "Extra verwijzing naast de lopende" not in page
    assert form_client.post(url + "/verwijzen",
                            data={"offer_id": world["course"].id}).status_code == 302

    page = form_client.get(url).get_data(as_text=True)
    assert "Al bediend" in page and "Ochtendcursus A1" in page
    assert "Extra verwijzing naast de lopende" in page

    refused = form_client.post(url + "/verwijzen", data={"offer_id": world["cafe"].id,
                                                         "note": "Graag op dinsdag"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "al een lopende verwijzing in het domein taal" in page
    assert "Graag op dinsdag" in page  # what was typed stays
    assert referrals(session) == 1

    done = form_client.post(url + "/verwijzen", data={"offer_id": world["cafe"].id,
                                                      "additional": "y"})
    assert done.status_code == 302
    assert referrals(session) == 2


def test_a_note_with_a_bsn_is_refused_beside_the_note_in_dutch(form_client, session, world):
    log_in(form_client, world["km"])
    url = f"/klantmanager/inburgeraars/{world['person'].id}/verwijzen"
    response = form_client.post(url, data={"offer_id": world["course"].id,
                                           "note": "BSN 111222333, bel 06-12345678"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Deze tekst bevat een BSN en een telefoonnummer." in page
    assert 'aria-invalid="true"' in page and "<details class=\"ww-refer\" open>" in page
    assert referrals(session) == 0


def test_a_decline_reason_and_a_waitlist_note_are_checked_in_the_portal_too(
        form_client, session, world):
    teacher = factories.user(session, role="partner", password=PASSWORD,
                             partner=world["course"].partner)
    with UnitOfWork(session):
        referral = refer(session, actor_id=world["km"].id, inburgeraar_id=world["person"].id,
                         offer_id=world["course"].id)
    log_in(form_client, teacher)
    response = form_client.post(f"/partner/verwijzingen/{referral.id}/status", data={
        "to_status": "declined", "reason_code": "anders",
        "reason": "Mail haar op amina@example.nl"})
    assert response.status_code == 422
    assert "Deze tekst bevat een e-mailadres." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Referral, referral.id).status == "sent"

    full = factories.offer(session, partner_id=world["course"].partner_id, capacity=0,
                           title="Volle cursus")
    klantmanager = log_in(form_client.application.test_client(), world["km"])
    response = klantmanager.post(f"/klantmanager/inburgeraars/{world['person'].id}/wachtlijst",
                                data={"offer_id": full.id, "note": "IBAN NL91ABNA0417164300"})
    assert response.status_code == 422
    assert "Deze tekst bevat een IBAN" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(WaitlistEntry)) == 0
