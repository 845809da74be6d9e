"""The referral lifecycle and capacity holds, at the use-case level."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

import factories
from models.base import now_utc
from models.capacity import free_places
from models.errors import (
    AlreadyReferred,
    DomainUnderWay,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotEligible,
    NotFound,
    OfferFull,
)
from models.matching_bridge import build_scenario, eligibility_failures
from models.outbox import OutboxMail
from models.referral import Referral, ReferralEvent
from models.referral_rules import refusals
from models.referral_service import (
    TRANSITIONS,
    allowed_targets,
    change_status,
    expire_referrals,
    refer,
)
from models.unit_of_work import UnitOfWork
from models.vocabulary import REFERRAL_STATUSES


@pytest.fixture
def world(session):
    """A klantmanager of Utrecht, a partner with an offer, and an eligible inburgeraar."""
    partner_user = factories.user(session, role="partner")
    offer = factories.offer(session, partner=partner_user.partner, capacity=2)
    return {
        "km": factories.user(session, role="klantmanager"),
        "partner": partner_user,
        "offer": offer,
        "person": factories.inburgeraar(session),
    }


def referral_in(session, world, status):
    """A referral brought to ``status`` by the legal path, each step by its role."""
    referral = refer(
        session,
        actor_id=world["km"].id,
        inburgeraar_id=world["person"].id,
        offer_id=world["offer"].id,
    )
    path = {
        "sent": [],
        "accepted": ["accepted"],
        "declined": ["declined"],
        "withdrawn": ["withdrawn"],
        "started": ["accepted", "started"],
        "completed": ["accepted", "started", "completed"],
        "dropped": ["accepted", "started", "dropped"],
    }
    if status == "expired":
        expire_referrals(session, now=now_utc() + timedelta(days=15))
        session.refresh(referral)
        return referral
    for step in path[status]:
        actor = world["km"] if step == "withdrawn" else world["partner"]
        change_status(
            session, actor_id=actor.id, referral_id=referral.id, to_status=step, reason="reden",
            reason_code="anders" if step in ("declined", "dropped") else None,
        )
    return referral


def test_refer_writes_sent_and_its_event(session, world):
    referral = refer(
        session,
        actor_id=world["km"].id,
        inburgeraar_id=world["person"].id,
        offer_id=world["offer"].id,
        note="Graag vóór januari",
    )
    assert referral.status == "sent"
    [event] = referral.events
    assert (event.from_status, event.to_status, event.actor_id) == (None, "sent", world["km"].id)
    assert (referral.note, event.reason) == ("Graag vóór januari", "Graag vóór januari")
    # The person as referred and the chance given, kept as they were at this moment.
    assert referral.as_referred and referral.chance_given is not None
    assert free_places(session, [world["offer"].id]) == {world["offer"].id: 1}


def test_refer_names_who_may_not_what_a_note_may_not_hold_and_the_domain_under_way(
    session, world
):
    def refer_to(offer, note=None, actor=None):
        return refer(session, actor_id=(actor or world["km"]).id,
                     inburgeraar_id=world["person"].id, offer_id=offer.id, note=note)

    with pytest.raises(Forbidden) as refused:
        refer_to(world["offer"], actor=world["partner"])
    assert refused.value.message == "Alleen een klantmanager verwijst door."
    for note, message in (("x" * 2001, "Maximaal 2000 tekens."),
                          ("Bel haar op 06-12345678", None)):
        with pytest.raises(InvalidInput) as bad:
            refer_to(world["offer"], note=note)
        assert [e["field"] for e in bad.value.errors] == ["note"]
        assert message is None or bad.value.errors[0]["message"] == message
    refer_to(world["offer"])
    other = factories.offer(session, partner=world["partner"].partner, capacity=2)
    with pytest.raises(DomainUnderWay):
        refer_to(other)
    assert refer(session, actor_id=world["km"].id, inburgeraar_id=world["person"].id,
                 offer_id=other.id, additional=True).status == "sent"
    closed = factories.offer(session, partner=world["partner"].partner, capacity=2,
                             closed_at=now_utc())
    with pytest.raises(NotFound) as gone:
        refer_to(closed)
    assert gone.value.message == "Dit aanbod bestaat niet."


def test_a_backdated_referral_takes_its_moment(session, world):
    at = now_utc() - timedelta(days=30)
    referral = refer(session, actor_id=world["km"].id, inburgeraar_id=world["person"].id,
                     offer_id=world["offer"].id, at=at)
    session.flush()
    session.refresh(referral)
    [event] = referral.events
    assert [naive(m) for m in (referral.created_at, referral.status_changed_at, event.at)] == [
        naive(at)] * 3


@pytest.mark.parametrize(("source", "target"), sorted(TRANSITIONS))
def test_every_legal_move_by_its_role(session, world, source, target):
    transition = TRANSITIONS[(source, target)]
    referral = referral_in(session, world, source)
    actor = None
    if transition.role == "system":
        expire_referrals(session, now=now_utc() + timedelta(days=15))
    else:
        actor = world["partner"] if transition.role == "partner" else world["km"]
        change_status(
            session, actor_id=actor.id, referral_id=referral.id, to_status=target, reason="reden",
            reason_code="anders" if target in ("declined", "dropped") else None,
        )
    session.refresh(referral)
    assert referral.status == target
    last = referral.events[-1]
    assert (last.from_status, last.to_status) == (source, target)
    # The event names who moved it: the partner or klantmanager, or nobody for the system.
    assert last.actor_id == (actor.id if actor else None)


ILLEGAL = [
    (source, target, role)
    for source in REFERRAL_STATUSES
    if source != "expired"
    for target in REFERRAL_STATUSES
    for role in ("partner", "klantmanager")
    if not ((source, target) in TRANSITIONS and TRANSITIONS[(source, target)].role == role)
]


@pytest.mark.parametrize(("source", "target", "role"), ILLEGAL)
def test_every_illegal_move_is_refused_and_changes_nothing(session, world, source, target, role):
    referral = referral_in(session, world, source)
    events_before = len(referral.events)
    actor = world["partner"] if role == "partner" else world["km"]
    with pytest.raises(IllegalTransition):
        change_status(
            session, actor_id=actor.id, referral_id=referral.id, to_status=target, reason="reden"
        )
    session.refresh(referral)
    assert referral.status == source
    assert len(referral.events) == events_before


def test_holding_states_take_a_place_and_the_others_free_it(session, world):
    offer_id = world["offer"].id
    referral = referral_in(session, world, "started")
    assert free_places(session, [offer_id])[offer_id] == 1
    change_status(
        session,
        actor_id=world["partner"].id,
        referral_id=referral.id,
        to_status="completed",
    )
    assert free_places(session, [offer_id])[offer_id] == 2


def test_full_offer_refuses_and_writes_nothing(session, world):
    world["offer"].capacity = 1
    referral_in(session, world, "sent")
    other = factories.inburgeraar(session)
    count = session.scalar(select(func.count()).select_from(Referral))
    with pytest.raises(OfferFull):
        refer(session, actor_id=world["km"].id, inburgeraar_id=other.id, offer_id=world["offer"].id)
    assert session.scalar(select(func.count()).select_from(Referral)) == count


def test_ineligible_names_the_rule(session, world):
    world["offer"].min_level = "B1"
    with pytest.raises(NotEligible) as raised:
        refer(
            session,
            actor_id=world["km"].id,
            inburgeraar_id=world["person"].id,
            offer_id=world["offer"].id,
        )
    assert [rule for rule, _ in raised.value.failures] == ["level"]
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_no_second_referral_holding_a_place(session, world):
    referral_in(session, world, "accepted")
    with pytest.raises(AlreadyReferred) as refused:
        refer(
            session,
            actor_id=world["km"].id,
            inburgeraar_id=world["person"].id,
            offer_id=world["offer"].id,
        )
    assert refused.value.message == "Deze inburgeraar is al naar dit aanbod verwezen."


def test_the_domain_refusal_names_the_referral_and_the_domain_in_words(session, world):
    person = factories.inburgeraar(session, needs={"sociaal_netwerk": 2})
    first, second = (factories.offer(session, partner=world["partner"].partner,
                                     domain="sociaal_netwerk", kind="maatje") for _ in "ab")
    referral = refer(session, actor_id=world["km"].id, inburgeraar_id=person.id,
                     offer_id=first.id)
    refused = refusals(session, person.id, second)
    assert [(r.rule, r.message, r.referral_id) for r in refused] == [
        ("domain", f"lopende verwijzing {referral.id} in het domein sociaal netwerk", referral.id)]
    assert refusals(session, person.id, second, additional=True) == []


def test_declined_offer_cannot_be_referred_again(session, world):
    referral_in(session, world, "declined")
    with pytest.raises(NotEligible) as raised:
        refer(
            session,
            actor_id=world["km"].id,
            inburgeraar_id=world["person"].id,
            offer_id=world["offer"].id,
        )
    assert [rule for rule, _ in raised.value.failures] == ["history"]


def test_klantmanager_of_another_gemeente_gets_not_found(session, world):
    zeist = factories.user(
        session, role="klantmanager", gemeente=factories.gemeente(session, "Zeist")
    )
    with pytest.raises(NotFound):
        refer(
            session,
            actor_id=zeist.id,
            inburgeraar_id=world["person"].id,
            offer_id=world["offer"].id,
        )
    referral = referral_in(session, world, "sent")
    with pytest.raises(NotFound):
        change_status(session, actor_id=zeist.id, referral_id=referral.id, to_status="withdrawn")


def test_other_partner_gets_not_found(session, world):
    referral = referral_in(session, world, "sent")
    stranger = factories.user(session, role="partner")
    with pytest.raises(NotFound):
        change_status(session, actor_id=stranger.id, referral_id=referral.id, to_status="accepted")


def test_only_klantmanagers_refer(session, world):
    for role in ("coordinator", "partner"):
        with pytest.raises(Forbidden):
            refer(
                session,
                actor_id=world[role if role == "partner" else "km"].id
                if role == "partner"
                else factories.user(session, role="coordinator").id,
                inburgeraar_id=world["person"].id,
                offer_id=world["offer"].id,
            )


def test_a_move_names_what_it_refuses_and_keeps_no_empty_reason(session, world):
    referral = referral_in(session, world, "sent")
    with pytest.raises(IllegalTransition) as illegal:
        change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                      to_status="started")
    assert illegal.value.message == "Een verwijzing die verstuurd is, kan niet naar 'started'."
    with pytest.raises(InvalidInput) as too_long:
        change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                      to_status="declined", reason_code="anders", reason="x" * 2001)
    assert too_long.value.errors == [{"field": "reason", "message": "Maximaal 2000 tekens."}]
    change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                  to_status="accepted")
    session.refresh(referral)
    assert (referral.status, referral.events[-1].reason) == ("accepted", None)


def test_a_backdated_move_keeps_its_moment_and_mails_nobody(session, world):
    at = now_utc() - timedelta(days=3)
    referral = refer(session, actor_id=world["km"].id, inburgeraar_id=world["person"].id,
                     offer_id=world["offer"].id, at=at - timedelta(days=1))
    for step, moment in (("accepted", at), ("withdrawn", None)):
        with UnitOfWork(session):
            change_status(session, actor_id=world["km" if step == "withdrawn" else "partner"].id,
                          referral_id=referral.id, to_status=step, at=moment)
        mails = session.scalars(select(OutboxMail.event_key)).all()
        if moment:  # loaded as history: its moment kept, nobody mailed
            session.refresh(referral)
            moved = referral.events[-1]
            assert [naive(m) for m in (moved.at, referral.status_changed_at)] == [naive(at)] * 2
            assert mails == []
    assert mails == [f"referral-{referral.id}-withdrawn"]


def naive(moment):
    """SQLite hands back naive UTC datetimes."""
    return moment.replace(tzinfo=None)


def test_the_coordinator_answers_no_referral_and_is_told_so(session, world):
    referral = referral_in(session, world, "sent")
    with pytest.raises(Forbidden) as refused:
        change_status(session, actor_id=factories.user(session, role="coordinator").id,
                      referral_id=referral.id, to_status="withdrawn")
    assert refused.value.message == "Alleen de partner of de klantmanager wijzigt een verwijzing."
    session.refresh(referral)
    assert referral.status == "sent"


@pytest.mark.parametrize(("code", "reason", "field"), [
    (None, "Geen plek", "reason_code"),
    ("druk", None, "reason_code"),
    ("anders", "  ", "reason"),
])
def test_decline_needs_a_valid_reason_code(session, world, code, reason, field):
    referral = referral_in(session, world, "sent")
    with pytest.raises(InvalidInput) as raised:
        change_status(
            session, actor_id=world["partner"].id, referral_id=referral.id, to_status="declined",
            reason_code=code, reason=reason,
        )
    assert raised.value.errors[0]["field"] == field
    session.refresh(referral)
    assert referral.status == "sent" and referral.reason_code is None


def test_a_reason_code_belongs_only_to_a_decline_or_a_drop(session, world):
    referral = referral_in(session, world, "sent")
    with pytest.raises(InvalidInput) as raised:
        change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                      to_status="accepted", reason_code="vol")
    assert raised.value.errors[0]["field"] == "reason_code"


def test_the_reason_code_is_kept_on_the_referral_and_its_event(session, world):
    referral = referral_in(session, world, "sent")
    change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                  to_status="declined", reason_code="rooster")
    session.refresh(referral)
    assert referral.reason_code == "rooster"
    assert [(e.to_status, e.reason_code) for e in referral.events] == [
        ("sent", None), ("declined", "rooster")]


def test_expiry_takes_only_referrals_unanswered_for_14_days(session, world):
    old = referral_in(session, world, "sent")
    fresh_person = factories.inburgeraar(session)
    fresh = refer(
        session, actor_id=world["km"].id, inburgeraar_id=fresh_person.id, offer_id=world["offer"].id
    )
    old.status_changed_at = now_utc() - timedelta(days=15)
    session.flush()
    expired = expire_referrals(session)
    assert expired == [old.id]
    session.refresh(fresh)
    assert fresh.status == "sent"
    event = session.scalars(
        select(ReferralEvent)
        .where(ReferralEvent.referral_id == old.id)
        .order_by(ReferralEvent.id.desc())
    ).first()
    assert (event.to_status, event.actor_id) == ("expired", None)
    assert expire_referrals(session) == []


def test_allowed_targets_follow_the_table():
    assert allowed_targets("sent", "partner") == ["accepted", "declined"]
    assert allowed_targets("sent", "klantmanager") == ["withdrawn"]
    assert allowed_targets("completed", "partner") == []


@pytest.mark.parametrize(("code", "blocked"), [("vol", False), ("niveau", True)])
def test_the_matcher_learns_the_reason_code_a_full_offer_does_not_block_the_pair(
    session, world, code, blocked
):
    referral = referral_in(session, world, "sent")
    change_status(session, actor_id=world["partner"].id, referral_id=referral.id,
                  to_status="declined", reason_code=code)
    history = build_scenario(session).history
    assert [(h.outcome, h.reason_code) for h in history] == [("declined", code)]
    rules = [rule for rule, _ in eligibility_failures(session, world["person"].id,
                                                       world["offer"].id)]
    assert ("history" in rules) is blocked
