"""The one writer of an offer's places (models/places.py) and what follows each of its events.

Two offers, two gemeenten and more people waiting than places freed, so that a
freed place going to the wrong queue, the wrong person or too many people
shows. Runs on the suite's database (SQLite, and PostgreSQL in CI).
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

import factories
from models import Offer, OutboxMail, Referral, ReferralEvent, WaitlistEntry, places
from models.account_events import CLI
from models.base import now_utc
from models.errors import (
    AlreadyReferred,
    Conflict,
    DomainUnderWay,
    Forbidden,
    InvalidInput,
    NotEligible,
    NotFound,
    OfferFull,
)
from models.hsds_import import SourceFile, import_hsds
from models.offers import close_offer, create_offer, reopen_offer, update_offer
from models.partners import update_partner
from models.referral_rules import check_referable, refusals
from models.referral_service import change_status, expire_referrals, refer
from models.unit_of_work import UnitOfWork
from models.waitlist import join_waitlist, leave_waitlist, visible_queue, waiting_of_gemeente


@pytest.fixture
def world(session):
    partner_user = factories.user(session, role="partner")
    utrecht, zeist = factories.gemeente(session), factories.gemeente(session, "Zeist")
    return {
        "partner": partner_user,
        "km": factories.user(session, role="klantmanager", gemeente=utrecht),
        "km_zeist": factories.user(session, role="klantmanager", gemeente=zeist),
        "zeist": zeist,
        "offers": [factories.offer(session, partner_id=partner_user.partner_id, capacity=1,
                                   title=f"Cursus {n}") for n in (1, 2)],
    }


def person(session, **fields):
    return factories.inburgeraar(session, **fields).id


def refer_now(session, km, offer, person_id):
    with UnitOfWork(session):
        return refer(session, actor_id=km.id, offer_id=offer.id, inburgeraar_id=person_id).id


def queue_up(session, km, offer, count, **fields):
    """``count`` people of the klantmanager's gemeente queued for the (full) offer, in order."""
    entries = []
    for _ in range(count):
        with UnitOfWork(session):
            entries.append(join_waitlist(session, actor_id=km.id, offer_id=offer.id,
                                         inburgeraar_id=person(session, **fields)).id)
    return entries


def statuses(session, entry_ids):
    session.expire_all()
    return [session.get(WaitlistEntry, e).status for e in entry_ids]


def holding(session, offer):
    return session.scalar(select(func.count()).select_from(Referral).where(
        Referral.offer_id == offer.id, Referral.status.in_(("sent", "accepted", "started"))))


def decline(session, world, referral_id):
    with UnitOfWork(session):
        change_status(session, actor_id=world["partner"].id, referral_id=referral_id,
                      to_status="declined", reason_code="persoonlijk")


def test_a_freed_place_goes_to_the_first_of_its_own_offers_queue_only(session, world):
    first, second = world["offers"]
    held = [refer_now(session, world["km"], offer, person(session)) for offer in (first, second)]
    queue_first = queue_up(session, world["km"], first, 3)
    queue_second = queue_up(session, world["km"], second, 2)
    decline(session, world, held[0])
    assert statuses(session, queue_first) == ["referred", "waiting", "waiting"]
    assert statuses(session, queue_second) == ["waiting", "waiting"]
    assert holding(session, first) == 1 and holding(session, second) == 1
    entry = session.get(WaitlistEntry, queue_first[0])
    referral = session.get(Referral, entry.referral_id)
    assert (referral.offer_id, referral.inburgeraar_id, referral.status) == (
        first.id, entry.inburgeraar_id, "sent")


def test_raising_capacity_by_one_refers_one_of_three_waiting(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 3)
    with UnitOfWork(session):
        update_offer(session, actor_id=world["partner"].id, offer_id=offer.id,
                     changes={"capacity": 2})
    assert statuses(session, entries) == ["referred", "waiting", "waiting"]
    assert holding(session, offer) == 2


def test_leave_withdraws_the_chosen_entry_not_the_first(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 3)
    with UnitOfWork(session):
        leave_waitlist(session, actor_id=world["km"].id, entry_id=entries[1])
    assert statuses(session, entries) == ["waiting", "withdrawn", "waiting"]
    with pytest.raises(Conflict), UnitOfWork(session):
        leave_waitlist(session, actor_id=world["km"].id, entry_id=entries[1])


def test_a_klantmanager_sees_and_leaves_only_their_gemeentes_entries(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    ours = queue_up(session, world["km"], offer, 1)
    theirs = queue_up(session, world["km_zeist"], offer, 2, gemeente=world["zeist"])
    shown = visible_queue(session, actor_id=world["km_zeist"].id, offer_id=offer.id)
    assert [(e.id, n) for e, n in shown] == [(theirs[0], 2), (theirs[1], 3)]
    with pytest.raises(NotFound), UnitOfWork(session):
        leave_waitlist(session, actor_id=world["km_zeist"].id, entry_id=ours[0])
    assert statuses(session, ours) == ["waiting"]


def test_closing_skips_the_queue_and_refuses_referrals_reopening_takes_them_again(
    session, world
):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 2)
    with UnitOfWork(session):
        close_offer(session, actor_id=world["partner"].id, offer_id=offer.id)
    assert statuses(session, entries) == ["skipped", "skipped"]
    assert session.get(WaitlistEntry, entries[0]).skipped_rule == places.CLOSED_RULE
    with UnitOfWork(session):
        update_offer(session, actor_id=world["partner"].id, offer_id=offer.id,
                     changes={"capacity": 2})
    newcomer = person(session)
    with pytest.raises(NotFound), UnitOfWork(session):
        refer(session, actor_id=world["km"].id, offer_id=offer.id, inburgeraar_id=newcomer)
    with UnitOfWork(session):
        reopen_offer(session, actor_id=world["partner"].id, offer_id=offer.id)
    refer_now(session, world["km"], offer, newcomer)
    assert holding(session, offer) == 2
    with pytest.raises(OfferFull), UnitOfWork(session):
        refer(session, actor_id=world["km"].id, offer_id=offer.id,
              inburgeraar_id=person(session))


def test_a_deactivated_partner_gets_no_offer_open_again(session, world):
    offer = world["offers"][0]
    coordinator = factories.user(session, role="coordinator")
    with UnitOfWork(session):
        update_partner(session, actor_id=coordinator.id, partner_id=world["partner"].partner_id,
                       changes={"active": False}, origin=CLI)
    assert offer.closed_at is not None
    for reopen in (
        lambda: reopen_offer(session, actor_id=coordinator.id, offer_id=offer.id),
        lambda: update_offer(session, actor_id=coordinator.id, offer_id=offer.id,
                             changes={"closed": False}),
    ):
        with pytest.raises(Conflict, match="gedeactiveerd"), UnitOfWork(session):
            reopen()
        session.refresh(offer)
        assert offer.closed_at is not None
    with pytest.raises(InvalidInput) as refused, UnitOfWork(session):
        create_offer(session, actor_id=coordinator.id, partner_id=world["partner"].partner_id,
                     fields={"title": "Nieuw", "domain": "taal", "capacity": 1})
    assert [e["field"] for e in refused.value.errors] == ["partner_id"]
    with pytest.raises(NotFound), UnitOfWork(session):
        refer(session, actor_id=world["km"].id, offer_id=offer.id,
              inburgeraar_id=person(session))


def test_closing_a_partners_offers_closes_each_once(session, world):
    with UnitOfWork(session):
        closed = places.close_partner_offers(session, partner_id=world["partner"].partner_id)
    assert closed == [o.id for o in world["offers"]]
    with UnitOfWork(session):
        assert places.close_partner_offers(session,
                                           partner_id=world["partner"].partner_id) == []


def test_a_capacity_below_the_places_held_is_refused(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    with pytest.raises(InvalidInput) as refused, UnitOfWork(session):
        places.set_capacity(session, offer_id=offer.id, capacity=0)
    assert refused.value.errors[0]["field"] == "capacity"
    session.expire_all()
    assert session.get(Offer, offer.id).capacity == 1


def test_expiry_frees_the_place_for_the_queue_and_every_event_is_mailed_once(session, world):
    offer = world["offers"][0]
    referral_id = refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 2)
    with UnitOfWork(session):
        assert expire_referrals(session, now=now_utc() + timedelta(days=15)) == [referral_id]
    assert statuses(session, entries) == ["referred", "waiting"]
    keys = session.scalars(select(OutboxMail.event_key).where(
        OutboxMail.recipient_id == world["km"].id)).all()
    promoted = session.get(WaitlistEntry, entries[0]).referral_id
    assert sorted(keys) == sorted([f"referral-{referral_id}-expired",
                                   f"waitlist-{entries[0]}-referred"])
    partner_keys = session.scalars(select(OutboxMail.event_key).where(
        OutboxMail.recipient_id == world["partner"].id)).all()
    assert sorted(partner_keys) == sorted([f"referral-{referral_id}-sent",
                                           f"referral-{promoted}-sent"])


def test_a_duaal_person_is_not_referred_to_werk_colliding_with_their_taal(session, world):
    km = world["km"]
    taal = factories.offer(session, partner_id=world["partner"].partner_id, capacity=2,
                           schedule=["ochtend"])
    werkgever = factories.partner(session, kind="werkgever")
    clash, fits = (factories.offer(session, partner_id=werkgever.id, domain="werk", kind="baan",
                                   capacity=2, schedule=parts, sectors=["zorg"],
                                   hours_per_week=16, title=f"Baan {parts[0]}")
                   for parts in (["ochtend", "middag"], ["avond"]))
    duaal = person(session, duaal=True, needs={"taal": 2, "werk": 2})
    refer_now(session, km, taal, duaal)
    with pytest.raises(NotEligible) as refused, UnitOfWork(session):
        refer(session, actor_id=km.id, offer_id=clash.id, inburgeraar_id=duaal)
    assert [rule for rule, _ in refused.value.failures] == ["duaal"]
    assert "Testcursus" in refused.value.message
    refer_now(session, km, fits, duaal)
    # Someone not duaal may take both.
    other = person(session, needs={"taal": 2, "werk": 2})
    refer_now(session, km, taal, other)
    refer_now(session, km, clash, other)


def hsds_service(client, session, offer):
    service = client.get(f"/hsds/services/{offer.uuid}").get_json()
    service.pop("organization")  # the service alone, of a partner already known
    return service


def test_an_import_raising_capacity_refers_the_first_in_line(client, session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 3)
    service = hsds_service(client, session, offer)
    service["capacities"][0]["maximum"] = 3
    with UnitOfWork(session):
        import_hsds(session, [SourceFile("dienst.json", service)])
    assert statuses(session, entries) == ["referred", "referred", "waiting"]
    assert holding(session, offer) == 3


def test_an_import_closing_an_offer_skips_its_queue(client, session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 2)
    service = hsds_service(client, session, offer)
    service["status"] = "inactive"
    with UnitOfWork(session):
        import_hsds(session, [SourceFile("dienst.json", service)])
    session.expire_all()
    assert session.get(Offer, offer.id).closed_at is not None
    assert statuses(session, entries) == ["skipped", "skipped"]


def test_a_referral_rolled_back_to_its_savepoint_leaves_no_event_behind(session, world):
    offer, someone = world["offers"][0], person(session)
    with UnitOfWork(session):
        savepoint = session.begin_nested()
        refer(session, actor_id=world["km"].id, offer_id=offer.id, inburgeraar_id=someone)
        assert places.pending_events(session)
        savepoint.rollback()
        assert places.pending_events(session) == []
    assert session.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert holding(session, offer) == 0



def test_expiry_takes_sent_referrals_older_than_14_days_in_id_order_only(session, world):
    first, second = world["offers"]
    with UnitOfWork(session):
        update_offer(session, actor_id=world["partner"].id, offer_id=first.id,
                     changes={"capacity": 4})
    ids = [refer_now(session, world["km"], first, person(session)) for _ in range(4)]
    accepted, exact, stale_b, stale_a = (session.get(Referral, i) for i in ids)
    with UnitOfWork(session):
        change_status(session, actor_id=world["partner"].id, referral_id=accepted.id,
                      to_status="accepted")
    now = now_utc()
    for referral, age in ((accepted, 20), (exact, 14), (stale_b, 15), (stale_a, 30)):
        referral.status_changed_at = now - timedelta(days=age)
    session.commit()
    with UnitOfWork(session):
        assert expire_referrals(session, now=now) == [stale_b.id, stale_a.id]
    session.expire_all()
    assert [session.get(Referral, i).status for i in ids] == [
        "accepted", "sent", "expired", "expired"]
    event = session.scalars(select(ReferralEvent).where(
        ReferralEvent.referral_id == stale_a.id, ReferralEvent.to_status == "expired")).one()
    assert (event.reason, event.actor_id) == ("Niet beantwoord binnen 14 dagen", None)
    assert _same_moment(event.at, now)
    assert _same_moment(session.get(Referral, stale_a.id).status_changed_at, now)


def _same_moment(stored, given):
    """SQLite hands back naive UTC datetimes."""
    return (stored if stored.tzinfo else stored.replace(tzinfo=given.tzinfo)) == given


def test_closing_a_partners_offers_leaves_other_partners_open_and_keeps_the_moment(
    session, world
):
    other = factories.offer(session, capacity=1)
    at = now_utc() - timedelta(hours=1)
    with UnitOfWork(session):
        places.close_partner_offers(session, partner_id=world["partner"].partner_id, at=at)
    session.expire_all()
    assert session.get(Offer, other.id).closed_at is None
    assert all(_same_moment(session.get(Offer, o.id).closed_at, at) for o in world["offers"])


def test_closing_is_idempotent_and_skips_only_its_own_waiting_entries(session, world):
    first, second = world["offers"]
    for offer in (first, second):
        refer_now(session, world["km"], offer, person(session))
    queue_first = queue_up(session, world["km"], first, 3)
    queue_second = queue_up(session, world["km"], second, 1)
    with UnitOfWork(session):
        leave_waitlist(session, actor_id=world["km"].id, entry_id=queue_first[2])
    decline(session, world, session.scalars(select(Referral.id).where(
        Referral.offer_id == first.id, Referral.status == "sent")).first())
    assert statuses(session, queue_first) == ["referred", "waiting", "withdrawn"]
    before = now_utc()
    for _ in range(2):
        with UnitOfWork(session):
            places.close_offer(session, offer_id=first.id)
    assert statuses(session, queue_first) == ["referred", "skipped", "withdrawn"]
    assert statuses(session, queue_second) == ["waiting"]
    closed_at = session.get(WaitlistEntry, queue_first[1]).closed_at
    assert (closed_at if closed_at.tzinfo else closed_at.replace(tzinfo=before.tzinfo)) >= before


def test_withdrawing_a_persons_entries_leaves_everyone_else_and_what_is_settled(session, world):
    first, second = world["offers"]
    for offer in (first, second):
        refer_now(session, world["km"], offer, person(session))
    gone = person(session)
    mine = []
    for offer in (first, second):
        with UnitOfWork(session):
            mine.append(join_waitlist(session, actor_id=world["km"].id, offer_id=offer.id,
                                      inburgeraar_id=gone).id)
    others = queue_up(session, world["km"], first, 1)
    decline(session, world, session.scalars(select(Referral.id).where(
        Referral.offer_id == second.id, Referral.status == "sent")).first())
    assert statuses(session, mine) == ["waiting", "referred"]
    at = now_utc()
    with UnitOfWork(session):
        places.withdraw_entries_of(session, [gone], at)
    assert statuses(session, mine) == ["withdrawn", "referred"]
    assert statuses(session, others) == ["waiting"]
    assert _same_moment(session.get(WaitlistEntry, mine[0]).closed_at, at)


def test_the_waitlist_reads_refuse_the_wrong_role_and_partner(session, world):
    outsider = factories.user(session, role="partner")
    with pytest.raises(Forbidden) as refused:
        waiting_of_gemeente(session, actor_id=world["partner"].id)
    assert refused.value.message == "Alleen een klantmanager heeft wachtlijstplaatsen."
    with pytest.raises(NotFound) as hidden:
        visible_queue(session, actor_id=outsider.id, offer_id=world["offers"][0].id)
    assert hidden.value.message == "Dit aanbod bestaat niet."
    assert places.pending_events(session) == []


def test_the_gemeentes_waiting_entries_come_per_offer_in_queue_order(session, world):
    first, second = world["offers"]
    for offer in (first, second):
        refer_now(session, world["km"], offer, person(session))
    late = queue_up(session, world["km"], second, 1)
    early = queue_up(session, world["km"], first, 2)
    theirs = queue_up(session, world["km_zeist"], first, 1, gemeente=world["zeist"])
    with UnitOfWork(session):
        leave_waitlist(session, actor_id=world["km"].id, entry_id=early[0])
    rows = waiting_of_gemeente(session, actor_id=world["km"].id)
    assert [(entry.id, place) for entry, place in rows] == [(early[1], 1), (late[0], 1)]
    assert theirs[0] not in [entry.id for entry, _ in rows]


def test_a_capacity_below_the_held_places_names_the_count(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    with pytest.raises(InvalidInput) as refused, UnitOfWork(session):
        places.set_capacity(session, offer_id=offer.id, capacity=0)
    assert refused.value.message == "Het aanbod heeft ongeldige velden."
    assert refused.value.errors == [{
        "field": "capacity",
        "message": "Er zijn al 1 plekken bezet door verwijzingen; "
                   "de capaciteit kan niet lager zijn."}]


def test_a_freed_place_never_goes_to_an_older_queue_of_another_offer(session, world):
    first, second = world["offers"]
    held = [refer_now(session, world["km"], offer, person(session)) for offer in (first, second)]
    older_elsewhere = queue_up(session, world["km"], second, 2)
    ours = queue_up(session, world["km"], first, 1)
    decline(session, world, held[0])
    assert statuses(session, ours) == ["referred"]
    assert statuses(session, older_elsewhere) == ["waiting", "waiting"]
    referred = session.get(WaitlistEntry, ours[0])
    assert referred.closed_at is not None
    assert session.get(Referral, referred.referral_id).offer_id == first.id


def test_the_queue_order_is_the_time_of_joining(session, world):
    offer = world["offers"][0]
    held = refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 2)
    session.get(WaitlistEntry, entries[1]).created_at = now_utc() - timedelta(days=1)
    session.commit()
    with UnitOfWork(session):
        change_status(session, actor_id=world["partner"].id, referral_id=held,
                      to_status="declined", reason_code="persoonlijk")
        made = places.fill_freed_places(session, offer.id)  # as the commit would
    assert statuses(session, entries) == ["waiting", "referred"]
    assert made == [session.get(WaitlistEntry, entries[1]).referral_id]


def test_promotion_returns_its_referrals_and_skips_who_already_holds_a_place(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 2)
    first_person = session.get(WaitlistEntry, entries[0]).inburgeraar_id
    with UnitOfWork(session):
        places.set_capacity(session, offer_id=offer.id, capacity=3)  # events not yet handled
        direct = places.take_place(session, offer_id=offer.id, person_id=first_person,
                                   actor_id=world["km"].id)
        made = places.fill_freed_places(session, offer.id)
    skipped = session.get(WaitlistEntry, entries[0])
    assert statuses(session, entries) == ["skipped", "referred"]
    assert made == [session.get(WaitlistEntry, entries[1]).referral_id]
    assert skipped.skipped_rule == "referred: al naar dit aanbod verwezen"
    assert skipped.closed_at is not None and skipped.referral_id is None
    assert direct.id not in made


def test_leaving_names_why_it_cannot_and_records_when(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 1)
    with pytest.raises(Forbidden) as refused:
        leave_waitlist(session, actor_id=world["partner"].id, entry_id=entries[0])
    assert refused.value.message == "Alleen een klantmanager haalt iemand van een wachtlijst."
    with pytest.raises(NotFound) as hidden:
        leave_waitlist(session, actor_id=world["km_zeist"].id, entry_id=entries[0])
    assert hidden.value.message == "Deze wachtlijstplaats bestaat niet."
    with UnitOfWork(session):
        leave_waitlist(session, actor_id=world["km"].id, entry_id=entries[0])
    assert session.get(WaitlistEntry, entries[0]).closed_at is not None
    with pytest.raises(Conflict) as gone:
        leave_waitlist(session, actor_id=world["km"].id, entry_id=entries[0])
    assert gone.value.message == "Deze inburgeraar wacht niet meer op dit aanbod."


def test_a_skipped_entry_names_every_failed_rule_and_the_promotion_its_moment(session, world):
    offer = world["offers"][0]
    held = refer_now(session, world["km"], offer, person(session, gender="v"))
    entries = queue_up(session, world["km"], offer, 2, gender="v")
    no_longer, promoted = (session.get(WaitlistEntry, e) for e in entries)
    no_longer.inburgeraar.level, no_longer.inburgeraar.gender = "A0", "m"
    offer.min_level, offer.women_only = "A1", True
    session.commit()
    before = now_utc()
    decline(session, world, held)
    after = now_utc()
    session.expire_all()
    assert statuses(session, entries) == ["skipped", "referred"]
    assert no_longer.skipped_rule == (
        "level: Taalniveau A0 ligt onder het minimum A1 van dit aanbod; "
        "women_only: Dit aanbod is alleen voor vrouwen")
    referral = session.get(Referral, promoted.referral_id)
    moment = referral.created_at.replace(tzinfo=before.tzinfo)
    assert before <= moment <= after
    assert all(_same_moment(at, moment) for at in (referral.status_changed_at,
                                                   promoted.closed_at))
    assert before <= no_longer.closed_at.replace(tzinfo=before.tzinfo) <= moment


def test_the_gemeentes_entries_and_their_places_follow_the_time_of_joining(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    entries = queue_up(session, world["km"], offer, 2)
    session.get(WaitlistEntry, entries[1]).created_at = now_utc() - timedelta(days=1)
    session.commit()
    rows = waiting_of_gemeente(session, actor_id=world["km"].id)
    assert [(entry.id, place) for entry, place in rows] == [(entries[1], 1), (entries[0], 2)]
    shown = visible_queue(session, actor_id=world["km"].id, offer_id=offer.id)
    assert [(entry.id, place) for entry, place in shown] == [(entries[1], 1), (entries[0], 2)]


# -- promotion applies the rules of refer(): passed over while another referral is under way --

def withdraw(session, km, referral_id):
    with UnitOfWork(session):
        change_status(session, actor_id=km.id, referral_id=referral_id, to_status="withdrawn")


def test_who_meanwhile_holds_a_referral_in_the_domain_is_passed_over_and_first_again_after(
    session, world
):
    first, second = world["offers"]  # both taal
    held = refer_now(session, world["km"], first, person(session))
    entries = queue_up(session, world["km"], first, 2)
    waiting_person = session.get(WaitlistEntry, entries[0]).inburgeraar_id
    elsewhere = refer_now(session, world["km"], second, waiting_person)  # meanwhile, elsewhere
    decline(session, world, held)
    assert statuses(session, entries) == ["waiting", "referred"]
    passed = session.get(WaitlistEntry, entries[0])
    assert passed.passed_over_rule == (
        f"domain: lopende verwijzing {elsewhere} in het domein taal")
    assert passed.passed_over_at == session.get(WaitlistEntry, entries[1]).closed_at
    assert [n for e, n in visible_queue(session, actor_id=world["km"].id, offer_id=first.id)
            if e.id == entries[0]] == [1]  # keeps its place
    assert holding(session, first) == 1
    behind = queue_up(session, world["km"], first, 1)
    withdraw(session, world["km"], elsewhere)  # no place free at the first offer: waits on
    assert statuses(session, [entries[0], *behind]) == ["waiting", "waiting"]
    decline(session, world, session.get(WaitlistEntry, entries[1]).referral_id)
    assert statuses(session, [entries[0], *behind]) == ["referred", "waiting"]
    referral = session.get(Referral, session.get(WaitlistEntry, entries[0]).referral_id)
    assert (referral.offer_id, referral.inburgeraar_id) == (first.id, waiting_person)


def test_a_place_left_free_by_a_pass_over_goes_to_them_when_their_other_referral_ends(
    session, world
):
    first, second = world["offers"]
    held = refer_now(session, world["km"], first, person(session))
    [entry] = queue_up(session, world["km"], first, 1)
    waiting_person = session.get(WaitlistEntry, entry).inburgeraar_id
    elsewhere = refer_now(session, world["km"], second, waiting_person)
    decline(session, world, held)
    assert statuses(session, [entry]) == ["waiting"]  # nobody else: the place stays free
    assert holding(session, first) == 0
    withdraw(session, world["km"], elsewhere)  # the same transaction promotes them
    assert statuses(session, [entry]) == ["referred"]
    assert holding(session, first) == 1 and holding(session, second) == 0
    keys = session.scalars(select(OutboxMail.event_key).where(
        OutboxMail.recipient_id == world["km"].id)).all()
    assert f"waitlist-{entry}-referred" in keys


def test_a_duaal_day_part_collision_passes_over_too_and_another_domain_does_not(
    session, world
):
    km = world["km"]
    werkgever = factories.partner(session, kind="werkgever")
    werk = factories.offer(session, partner_id=werkgever.id, domain="werk", kind="baan",
                           capacity=1, schedule=["ochtend"], sectors=["zorg"],
                           hours_per_week=16, title="Baan ochtend")
    held = refer_now(session, km, werk, person(session, needs={"werk": 2}))
    duaal = person(session, duaal=True, needs={"taal": 2, "werk": 2})
    also_taal = person(session, needs={"taal": 2, "werk": 2})
    entries = []
    for who in (duaal, also_taal):
        with UnitOfWork(session):
            entries.append(join_waitlist(session, actor_id=km.id, offer_id=werk.id,
                                         inburgeraar_id=who).id)
    morning_taal = factories.offer(session, partner_id=world["partner"].partner_id,
                                   capacity=2, schedule=["ochtend"], title="Ochtendcursus")
    refer_now(session, km, morning_taal, duaal)  # collides with the werk place waited for
    refer_now(session, km, morning_taal, also_taal)  # taal is not werk's domain: no bar
    with UnitOfWork(session):
        change_status(session, actor_id=werkgever_user(session, werkgever).id,
                      referral_id=held, to_status="declined", reason_code="persoonlijk")
    assert statuses(session, entries) == ["waiting", "referred"]
    assert session.get(WaitlistEntry, entries[0]).passed_over_rule.startswith("duaal: ")


def werkgever_user(session, werkgever):
    return factories.user(session, role="partner", partner=werkgever)


def test_refer_and_promotion_refuse_by_the_same_rules(session, world):
    first, second = world["offers"]
    someone = person(session)
    assert refusals(session, someone, first) == []
    referral_id = refer_now(session, world["km"], first, someone)
    assert [(r.rule, r.referral_id, r.passes) for r in refusals(session, someone, second)] == [
        ("domain", referral_id, True)]
    assert refusals(session, someone, second, additional=True) == []
    with pytest.raises(DomainUnderWay) as refused:
        check_referable(session, someone, second)
    assert refused.value.referral_id == referral_id
    assert [(r.rule, r.passes) for r in refusals(session, someone, first)] == [
        ("referred", False)]
    with pytest.raises(AlreadyReferred):
        check_referable(session, someone, first)
    beginner = person(session, level="A0")
    strict = factories.offer(session, partner_id=world["partner"].partner_id, min_level="B1")
    assert [r.passes for r in refusals(session, beginner, strict)] == [False]
    with pytest.raises(NotEligible):
        check_referable(session, beginner, strict)


# -- joining and leaving the queue: who may, and what is written ------------------------------

def test_joining_names_who_may_not_and_why(session, world):
    first, _ = world["offers"]
    held = person(session)
    refer_now(session, world["km"], first, held)
    [entry] = queue_up(session, world["km"], first, 1)
    waiting = session.get(WaitlistEntry, entry).inburgeraar_id
    refused = {}
    for name, actor, who, note in (
        ("partner", world["partner"], person(session), None),
        ("referred", world["km"], held, None),
        ("waiting", world["km"], waiting, None),
        ("note", world["km"], person(session), "x" * 2001),
    ):
        with pytest.raises((Forbidden, AlreadyReferred, Conflict, InvalidInput)) as error:
            join_waitlist(session, actor_id=actor.id, offer_id=first.id, inburgeraar_id=who,
                          note=note)
        refused[name] = (type(error.value), error.value.message)
        if name == "note":
            assert error.value.errors == [{"field": "note", "message": "Maximaal 2000 tekens."}]
    assert refused == {
        "partner": (Forbidden, "Alleen een klantmanager zet iemand op een wachtlijst."),
        "referred": (AlreadyReferred, "Deze inburgeraar is al naar dit aanbod verwezen."),
        "waiting": (Conflict, "Deze inburgeraar staat al op de wachtlijst van dit aanbod."),
        "note": (InvalidInput, "Maximaal 2000 tekens."),
    }
    assert statuses(session, [entry]) == ["waiting"]
    longest = join_waitlist(session, actor_id=world["km"].id, offer_id=first.id,
                            inburgeraar_id=person(session), note="x" * 2000)
    assert len(longest.note) == 2000


def test_an_offer_with_one_place_left_takes_no_queue(session, world):
    roomy = factories.offer(session, partner_id=world["partner"].partner_id, capacity=2)
    refer_now(session, world["km"], roomy, person(session))
    with pytest.raises(Conflict) as refused:
        join_waitlist(session, actor_id=world["km"].id, offer_id=roomy.id,
                      inburgeraar_id=person(session))
    assert refused.value.message == "Dit aanbod heeft nog een vrije plaats: verwijs direct door."
    assert session.scalar(select(func.count()).select_from(WaitlistEntry)) == 0


def test_who_left_joins_again_and_the_note_is_trimmed_or_none(session, world):
    offer = world["offers"][0]
    refer_now(session, world["km"], offer, person(session))
    someone = person(session)

    def join(note):
        with UnitOfWork(session):
            return join_waitlist(session, actor_id=world["km"].id, offer_id=offer.id,
                                 inburgeraar_id=someone, note=note)

    def leave(entry):
        with UnitOfWork(session):
            leave_waitlist(session, actor_id=world["km"].id, entry_id=entry.id)

    notes = []
    for note in ("  Graag snel  ", None, "   "):
        entry = join(note)
        notes.append(entry.note)
        leave(entry)
    assert notes == ["Graag snel", None, None]


def test_passing_one_entry_over_marks_that_entry_only(session, world):
    first, second = world["offers"]
    held = refer_now(session, world["km"], first, person(session))
    entries = queue_up(session, world["km"], first, 3)
    refer_now(session, world["km"], second, session.get(WaitlistEntry, entries[0]).inburgeraar_id)
    decline(session, world, held)
    assert statuses(session, entries) == ["waiting", "referred", "waiting"]
    assert [session.get(WaitlistEntry, e).passed_over_rule is None for e in entries] == [
        False, True, True]


def test_a_place_ending_elsewhere_leaves_the_queues_of_others_alone(session, world):
    first, second = world["offers"]
    held = refer_now(session, world["km"], first, person(session))
    [passed] = queue_up(session, world["km"], first, 1)
    [left] = queue_up(session, world["km"], first, 1)
    with UnitOfWork(session):
        leave_waitlist(session, actor_id=world["km"].id, entry_id=left)
    refer_now(session, world["km"], second, session.get(WaitlistEntry, passed).inburgeraar_id)
    decline(session, world, held)  # the place stays free: the one waiting is passed over
    noted = session.get(WaitlistEntry, passed).passed_over_at
    assert noted is not None and holding(session, first) == 0
    # Who left the first queue ends a referral elsewhere: nothing to promote at the first.
    third = factories.offer(session, partner_id=world["partner"].partner_id, capacity=1)
    withdraw(session, world["km"], refer_now(
        session, world["km"], third, session.get(WaitlistEntry, left).inburgeraar_id))
    with UnitOfWork(session):  # nor does saving the first offer's capacity unchanged
        places.set_capacity(session, offer_id=first.id, capacity=first.capacity)
    session.expire_all()
    assert session.get(WaitlistEntry, passed).passed_over_at == noted
    assert statuses(session, [passed, left]) == ["waiting", "withdrawn"]


def test_a_move_that_keeps_the_place_promotes_nobody(session, world):
    first, second = world["offers"]
    held = refer_now(session, world["km"], first, person(session))
    [passed] = queue_up(session, world["km"], first, 1)
    elsewhere = refer_now(session, world["km"], second,
                          session.get(WaitlistEntry, passed).inburgeraar_id)
    decline(session, world, held)  # the one waiting is passed over: a referral is under way
    noted = session.get(WaitlistEntry, passed).passed_over_at
    for step in ("accepted", "started"):  # that referral moves on, still holding its place
        with UnitOfWork(session):
            change_status(session, actor_id=world["partner"].id, referral_id=elsewhere,
                          to_status=step)
    session.expire_all()
    assert session.get(WaitlistEntry, passed).passed_over_at == noted
    assert statuses(session, [passed]) == ["waiting"] and holding(session, first) == 0


def test_a_freed_place_passes_by_who_left_the_queue(session, world):
    offer = world["offers"][0]
    held = refer_now(session, world["km"], offer, person(session))
    left, waiting = queue_up(session, world["km"], offer, 2)
    with UnitOfWork(session):
        leave_waitlist(session, actor_id=world["km"].id, entry_id=left)
    decline(session, world, held)
    assert statuses(session, [left, waiting]) == ["withdrawn", "referred"]
    assert session.get(WaitlistEntry, left).referral_id is None
    assert holding(session, offer) == 1


def test_a_new_offer_is_written_open_with_its_places(session, world):
    offer = places.add_offer(session, partner_id=world["partner"].partner_id, title="Nieuw",
                             domain="taal", kind="taalcursus", capacity=4, postcode="3512")
    session.expire_all()
    stored = session.get(Offer, offer.id)
    assert (stored.title, stored.capacity, stored.closed_at) == ("Nieuw", 4, None)
