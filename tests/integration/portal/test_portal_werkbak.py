"""The werkbak: first page after signing in, what needs doing, its count in the navigation.

Before: nothing said what needs doing, and the klantmanager landed on the
people list, the partner on their offers.
"""

from datetime import timedelta

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import event

import factories
from models import werkbak
from models.base import now_utc
from models.referral_service import change_status, refer
from models.waitlist import join_waitlist
from web.extensions import db


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def day(session):
    km = factories.user(session, role="klantmanager", password=PASSWORD)
    school = factories.user(session, role="partner", password=PASSWORD)
    course = factories.offer(session, partner_id=school.partner_id, title="Taal A", capacity=5)
    other = factories.offer(session, partner_id=school.partner_id, title="Taal B", capacity=5)
    full = factories.offer(session, partner_id=school.partner_id, title="Taal vol", capacity=1)
    people = [factories.inburgeraar(session, pseudonym=f"IB-WB{n}", needs={"taal": 2})
              for n in range(6)]

    def sent(person, offer):
        return refer(session, actor_id=km.id, inburgeraar_id=person.id, offer_id=offer.id)

    accepted = sent(people[0], course)
    change_status(session, actor_id=school.id, referral_id=accepted.id, to_status="accepted")
    declined = sent(people[1], course)
    change_status(session, actor_id=school.id, referral_id=declined.id, to_status="declined",
                  reason_code="vol", reason="vol")
    # Declined, but referred again in taal since: no next step needed.
    again = sent(people[2], course)
    change_status(session, actor_id=school.id, referral_id=again.id, to_status="declined",
                  reason_code="vol", reason="vol")
    sent(people[2], other)
    waiting_long = sent(people[3], course)
    waiting_long.status_changed_at = now_utc() - timedelta(days=11)
    # The full offer's place, and someone on its waitlist who gets it when it frees.
    holder = sent(people[4], full)
    join_waitlist(session, actor_id=km.id, offer_id=full.id, inburgeraar_id=people[5].id)
    change_status(session, actor_id=km.id, referral_id=holder.id, to_status="withdrawn")
    session.commit()
    return {"km": km, "school": school, "people": people, "full": full}


def test_the_klantmanager_lands_on_the_werkbak_with_what_needs_doing(form_client, day):
    log_in(form_client, day["km"])
    assert form_client.get("/").location == "/werkbak"
    page = text(form_client.get("/werkbak"))
    answers = page.split('id="antwoorden"')[1].split("</section>")[0]
    assert "IB-WB0" in answers and "IB-WB1" in answers and "IB-WB2" not in answers
    near = page.split('id="termijn"')[1].split("</section>")[0]
    assert "IB-WB3" in near and "IB-WB4" not in near
    handed_out = page.split('id="wachtlijst"')[1].split("</section>")[0]
    assert "IB-WB5" in handed_out
    counts = werkbak.klantmanager_counts(db.session, day["km"].gemeente_id)
    assert (counts.first, counts.second, counts.third) == (2, 1, 1)
    assert '<span class="ww-nav-count">4<span class="ww-visually-hidden"> te doen' in page


def test_the_partner_lands_on_the_werkbak(form_client, day):
    log_in(form_client, day["school"])
    assert form_client.get("/").location == "/werkbak"
    page = text(form_client.get("/werkbak"))
    new = page.split('id="nieuw"')[1].split("</section>")[0]
    # Sent and unanswered: IB-WB2's second referral, IB-WB3's, and IB-WB5's from the waitlist.
    assert all(p in new for p in ("IB-WB2", "IB-WB3", "IB-WB5"))
    assert "IB-WB0" not in new
    full = page.split('id="vol"')[1].split("</section>")[0]
    assert "Taal vol" in full and "1 van 1 plaats bezet" in full
    counts = werkbak.partner_counts(db.session, day["school"].partner_id)
    assert (counts.first, counts.second, counts.third) == (3, 1, 1)


def test_the_counts_take_one_query_however_many_referrals(session, day):
    statements = []
    gemeente_id, partner_id = day["km"].gemeente_id, day["school"].partner_id

    def count(*args):
        statements.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        werkbak.klantmanager_counts(session, gemeente_id)
        werkbak.partner_counts(session, partner_id)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.startswith("SELECT")]) == 2


# A partner with no open offer (new, or every offer closed) read "Al uw open aanbod heeft
# vrije plaatsen en niemand wacht." about offers it does not have.
def test_a_partner_without_open_offers_is_told_so(form_client, session):
    school = factories.user(session, role="partner", password=PASSWORD)
    factories.offer(session, partner_id=school.partner_id, closed_at=now_utc())
    session.commit()
    log_in(form_client, school)
    page = text(form_client.get("/werkbak"))
    assert "Al uw open aanbod heeft vrije plaatsen" not in page
    assert "U heeft geen open aanbod." in page
