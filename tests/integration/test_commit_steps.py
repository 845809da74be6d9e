"""The steps the unit of work takes before every commit (models/unit_of_work.py): the
places' events (promotion, mails), then the coalition version, once, counting the
promotions too; a commit made around the unit of work takes the same steps."""

from sqlalchemy import func, select

import factories
from models import OutboxMail, WaitlistEntry, coalition_version, places
from models.coalition_version import current_version
from models.offers import update_offer
from models.referral_service import refer
from models.unit_of_work import UnitOfWork
from models.waitlist import join_waitlist


def full_offer_with_a_queue(session):
    partner_user = factories.user(session, role="partner")
    km = factories.user(session, role="klantmanager")
    offer = factories.offer(session, partner_id=partner_user.partner_id, capacity=1)
    with UnitOfWork(session):
        refer(session, actor_id=km.id, offer_id=offer.id,
              inburgeraar_id=factories.inburgeraar(session).id)
    with UnitOfWork(session):
        entry = join_waitlist(session, actor_id=km.id, offer_id=offer.id,
                              inburgeraar_id=factories.inburgeraar(session).id)
    return partner_user, offer, entry


def test_one_bump_per_unit_of_work_counting_its_promotions_as_history(session):
    partner_user, offer, entry = full_offer_with_a_queue(session)
    data, history = current_version(session)
    with UnitOfWork(session):  # the offer changes; the promotion makes a referral
        update_offer(session, actor_id=partner_user.id, offer_id=offer.id,
                     changes={"capacity": 2})
        assert current_version(session) == (data, history)  # not before the steps
    assert session.get(WaitlistEntry, entry.id).status == "referred"
    assert current_version(session) == (data + 1, history + 1)
    with UnitOfWork(session):  # nothing the matcher reads: no bump
        pass
    assert current_version(session) == (data + 1, history + 1)


def test_the_unit_of_work_takes_the_events_then_the_version(session, monkeypatch):
    _, offer, _ = full_offer_with_a_queue(session)
    steps = []
    for module, name in ((places, "handle_events"), (coalition_version, "bump")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name,
                            lambda s, real=real, name=name: (steps.append(name), real(s))[1])
    with UnitOfWork(session):
        places.set_capacity(session, offer_id=offer.id, capacity=2)
    # The unit of work's own steps, then the backstop of the commit finding nothing to do.
    assert steps == ["handle_events", "bump", "handle_events", "bump"]


def test_a_bare_commit_takes_the_same_steps(session):
    partner_user, offer, entry = full_offer_with_a_queue(session)
    data, history = current_version(session)
    places.set_capacity(session, offer_id=offer.id, capacity=2)
    session.commit()  # around the unit of work, as a script or a test might
    session.expire_all()
    assert session.get(WaitlistEntry, entry.id).status == "referred"
    assert current_version(session) == (data + 1, history + 1)
    mails = session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.event_key == f"waitlist-{entry.id}-referred"))
    assert mails == 1
    assert places.pending_events(session) == []
