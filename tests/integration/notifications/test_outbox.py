"""The outbox is written in the transaction of the change it reports, and says little."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import factories
from models.base import now_utc
from models.errors import OfferFull
from models.notifications import send_reminders
from models.outbox import MailOptOut, OutboxMail
from models.referral_service import change_status, expire_referrals, refer
from models.subject import purge
from models.unit_of_work import UnitOfWork
from models.waitlist import WaitlistEntry, join_waitlist


@pytest.fixture
def world(session):
    partner_user = factories.user(session, role="partner")
    colleague = factories.user(session, role="partner", partner=partner_user.partner)
    return {
        "km": factories.user(session, role="klantmanager"),
        "partner": partner_user,
        "colleague": colleague,
        "offer": factories.offer(session, partner=partner_user.partner, capacity=1),
        "person": factories.inburgeraar(session),
    }


def mails(session, **where):
    query = select(OutboxMail).order_by(OutboxMail.id)
    for field, value in where.items():
        query = query.where(getattr(OutboxMail, field) == value)
    return session.scalars(query).all()


def send(session, world, person=None):
    with UnitOfWork(session):
        return refer(session, actor_id=world["km"].id, offer_id=world["offer"].id,
                     inburgeraar_id=(person or world["person"]).id)


def test_a_new_referral_mails_every_account_of_the_partner_with_the_pseudonym_only(
    session, world
):
    referral = send(session, world)
    written = mails(session, kind="referral_received")
    assert sorted(m.recipient_id for m in written) == sorted(
        [world["partner"].id, world["colleague"].id])
    person = world["person"]
    for mail in written:
        assert person.pseudonym in mail.subject and person.pseudonym in mail.body
        assert mail.path == f"/partner/verwijzingen/{referral.id}"
        assert mail.status == "pending" and mail.event_key == f"referral-{referral.id}-sent"
        for personal in (person.postcode, person.goals, str(person.birth_year)):
            if personal:
                assert personal not in mail.body and personal not in mail.subject


def test_a_refused_change_writes_no_mail(session, world):
    send(session, world)
    other = factories.inburgeraar(session)
    before = len(mails(session))
    with pytest.raises(OfferFull), UnitOfWork(session):
        refer(session, actor_id=world["km"].id, offer_id=world["offer"].id,
              inburgeraar_id=other.id)
    assert len(mails(session)) == before


def test_the_klantmanager_hears_a_decline_with_its_reason(session, world):
    referral = send(session, world)
    with UnitOfWork(session):
        change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                      to_status="declined", reason_code="rooster")
    [mail] = mails(session, kind="referral_outcome")
    assert mail.recipient_id == world["km"].id and mail.recipient == world["km"].email
    assert "afgewezen" in mail.subject and "Tijden passen niet" in mail.body
    assert mail.path == f"/klantmanager/verwijzingen/{referral.id}"


@pytest.mark.parametrize("moved", ["another gemeente", "a partner"])
def test_a_klantmanager_no_longer_of_the_persons_gemeente_hears_nothing_of_them(
    session, world, moved
):
    """The account that referred was moved on: the pseudonym is no longer its business."""
    referral = send(session, world)
    km = world["km"]
    if moved == "a partner":
        km.role, km.gemeente_id, km.partner_id = "partner", None, world["partner"].partner_id
    else:
        km.gemeente_id = factories.gemeente(session, "Zeist").id
    session.commit()
    with UnitOfWork(session):
        change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                      to_status="accepted")
    assert mails(session, kind="referral_outcome") == []


def test_expiry_mails_the_klantmanager_and_day_10_reminds_the_partner_once(session, world):
    referral = send(session, world)
    with UnitOfWork(session):
        assert send_reminders(session, now=now_utc() + timedelta(days=9)) == []
    for _ in range(2):
        with UnitOfWork(session):
            send_reminders(session, now=now_utc() + timedelta(days=10, minutes=1))
    assert len(mails(session, kind="referral_reminder")) == 2  # two partner accounts, once
    with UnitOfWork(session):
        expire_referrals(session, now=now_utc() + timedelta(days=15))
    [mail] = mails(session, kind="referral_outcome")
    assert "verlopen" in mail.subject and mail.event_key == f"referral-{referral.id}-expired"


def test_a_kind_switched_off_is_not_written(session, world):
    session.add(MailOptOut(user_id=world["colleague"].id, kind="referral_received"))
    session.commit()
    send(session, world)
    assert [m.recipient_id for m in mails(session, kind="referral_received")] == [
        world["partner"].id]


def test_history_loaded_with_a_date_mails_nobody(session, world):
    with UnitOfWork(session):
        refer(session, actor_id=world["km"].id, offer_id=world["offer"].id,
              inburgeraar_id=world["person"].id, at=now_utc() - timedelta(days=30))
    assert session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_the_purge_deletes_the_mails_about_the_person_and_their_waitlist_notes(session, world):
    person = world["person"]
    person.traject_ended_on = date(2020, 1, 1)
    session.commit()
    send(session, world)  # the offer's one place
    waiting = factories.inburgeraar(session, traject_ended_on=date(2020, 1, 1))
    with UnitOfWork(session):
        join_waitlist(session, actor_id=world["km"].id, offer_id=world["offer"].id,
                      inburgeraar_id=waiting.id, note="Heeft een baby")
    assert mails(session)
    with UnitOfWork(session):
        purge(session, retention_days=730)
    assert mails(session) == []
    entry = session.scalars(select(WaitlistEntry)).one()
    assert (entry.note, entry.status) == (None, "withdrawn")
