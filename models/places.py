"""The one writer of an offer's places.

Nothing else creates an offer, a referral or a queue entry, nor changes
``Offer.capacity``, ``Offer.closed_at``, ``Referral.status`` or
``WaitlistEntry.status`` (tests/unit/test_one_writer_of_places.py reads every
module for one). The use cases above it
(models/offers.py, models/referral_service.py, models/waitlist.py, the HSDS
import, the purge) check who may do what and call these functions; a new
writer of places calls them too, never the columns.

Lock, then check, then write: every function that may take a place locks the
offer's row first (``SELECT ... FOR UPDATE``; on SQLite a writing transaction
holds the database) and counts the places afresh. A queue entry changes only
by a status-guarded update (``UPDATE ... WHERE status = 'waiting'``) whose row
count is checked, so an entry a concurrent leave has withdrawn is never
referred.

Each write records what happened as an event in the session; the unit of
work calls ``handle_events`` before it commits (models/unit_of_work.py)::

    place freed      ─┬─> promote: the queue's first entries that may be referred now (the
    capacity raised  ─┘   rules of refer(), models/referral_rules.py) take the free places;
                          entries refused by a lasting rule are skipped, naming it; those
                          refused while another referral of theirs is under way are passed
                          over and wait on (and a place freed by that referral's end
                          promotes in the queues its person waits in too)
    offer closed     ───> the queue is skipped ("closed"; so a reopened offer has none)
    referral moved   ───> the outbox mail of the move (models/notifications.py)

Promotion opens referrals, whose "referral moved" events mail in turn; then the unit of
work bumps the coalition version (models/coalition_version.py) and commits.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from models import notifications, referral_rules
from models.base import now_utc
from models.capacity import HOLDING_STATUSES, capacity_floor_errors, free_places, held_places
from models.coalition import Offer, Partner
from models.errors import Conflict, InvalidInput, NotFound, OfferFull
from models.referral import Referral, ReferralEvent
from models.referral_snapshot import at_creation
from models.vocabulary import ReferralStatus
from models.waitlist_entry import WaitlistEntry

_EVENTS = "wegwijs_place_events"  # session.info key: the events not yet handled
_MARKS = "wegwijs_place_event_marks"  # session.info key: savepoint -> events before it
CLOSED_RULE = "closed: het aanbod is gesloten"


@dataclass(frozen=True)
class PlaceFreed:
    """A referral of ``person_id`` left a holding state: a place of the offer is free, and
    the person's other waiting entries may no longer be passed over."""

    offer_id: int
    person_id: int


@dataclass(frozen=True)
class CapacityRaised:
    offer_id: int


@dataclass(frozen=True)
class OfferClosed:
    offer_id: int


@dataclass(frozen=True)
class ReferralMoved:
    """A referral reached ``to_status``; mailed when the transaction commits."""

    referral_id: int
    to_status: str
    reason_code: str | None = None
    waitlist_entry_id: int | None = None


PROMOTING = (PlaceFreed, CapacityRaised)


# -- offers -----------------------------------------------------------------------------------

def lock_offer(session: Session, offer_id: int, *, open_only: bool = True) -> Offer:
    """The offer, its row locked until the commit and read afresh; NotFound when missing
    (or closed, with ``open_only``)."""
    offer = session.scalars(
        select(Offer).where(Offer.id == offer_id).with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if offer is None or (open_only and offer.closed_at is not None):
        raise NotFound("Dit aanbod bestaat niet.")
    return offer


def lock_offers(session: Session, offer_ids) -> None:
    """Lock these offers' rows in id order, the one order every writer of several offers
    takes (``handle_events`` too), so two such writers wait for each other, never deadlock."""
    ids = sorted(set(offer_ids))
    if ids:
        session.execute(select(Offer.id).where(Offer.id.in_(ids)).order_by(Offer.id)
                        .with_for_update())


def add_offer(session: Session, **values) -> Offer:
    """A new, open offer with its first ``capacity`` places (the caller checked its fields)."""
    offer = Offer(**values)
    session.add(offer)
    session.flush()
    return offer


def capacity_errors(session: Session, offer: Offer, capacity: int) -> list[dict]:
    """The capacity limit: never below the places referrals hold (the offer's row locked)."""
    return capacity_floor_errors(capacity, held_places(session, [offer.id])[offer.id])


def set_capacity(session: Session, *, offer_id: int, capacity: int) -> Offer:
    """Change an offer's number of places; new places go to its queue first."""
    offer = lock_offer(session, offer_id, open_only=False)
    errors = capacity_errors(session, offer, capacity)
    if errors:
        raise InvalidInput("Het aanbod heeft ongeldige velden.", errors)
    if capacity > offer.capacity:
        _raise(session, CapacityRaised(offer.id))
    offer.capacity = capacity
    session.flush()
    return offer


def close_offer(session: Session, *, offer_id: int, at: datetime | None = None) -> Offer:
    """Close an offer: no new referrals, its queue skipped; it stays for history. Idempotent."""
    offer = lock_offer(session, offer_id, open_only=False)
    if offer.closed_at is None:
        offer.closed_at = at or now_utc()
        _raise(session, OfferClosed(offer.id))
        session.flush()
    return offer


def reopen_offer(session: Session, *, offer_id: int) -> Offer:
    """Open a closed offer again: it takes referrals, and a queue once full. (Its queue was
    skipped when it closed, so nobody waits to be promoted.) Not while its partner is
    deactivated (Conflict): that partner takes no referrals."""
    offer = lock_offer(session, offer_id, open_only=False)
    if offer.closed_at is None:
        return offer
    if not partner_takes_offers(session, offer.partner_id):
        raise Conflict("De partner van dit aanbod is gedeactiveerd. Activeer eerst de partner; "
                       "dan kan het aanbod weer open.")
    offer.closed_at = None
    session.flush()
    return offer


def partner_takes_offers(session: Session, partner_id: int) -> bool:
    """Whether the partner is active, its row share-locked until the commit: a deactivation
    locks that row to update it, then closes the partner's open offers, so it either committed
    before (and is read here) or waits, and then closes the offer opened meanwhile. (A plain
    read would see it active while it was being deactivated, and the offer opened would stay
    open under an inactive partner.)"""
    return bool(session.scalar(
        select(Partner.active).where(Partner.id == partner_id).with_for_update(read=True)))


def close_partner_offers(session: Session, *, partner_id: int,
                         at: datetime | None = None) -> list[int]:
    """Close every open offer of a partner (say, one leaving the coalition); returns their ids."""
    ids = session.scalars(select(Offer.id).where(
        Offer.partner_id == partner_id, Offer.closed_at.is_(None)).order_by(Offer.id)).all()
    for offer_id in ids:
        close_offer(session, offer_id=offer_id, at=at)
    return list(ids)


# -- referrals --------------------------------------------------------------------------------

def take_place(
    session: Session, *, offer_id: int, person_id: int, actor_id: int | None,
    note: str | None = None, at: datetime | None = None, notify: bool = True,
) -> Referral:
    """A ``sent`` referral takes one of the open offer's free places (OfferFull if none).

    The caller checked who may refer whom; ``at`` backdates it (history, mailed to nobody).
    """
    offer = lock_offer(session, offer_id)
    if free_places(session, [offer.id])[offer.id] <= 0:
        raise OfferFull("Dit aanbod heeft geen vrije plaats meer.")
    return _open_referral(session, offer_id=offer.id, person_id=person_id, actor_id=actor_id,
                          note=note, now=at or now_utc(), notify=notify)


def move_referral(
    session: Session, referral: Referral, to_status: str, *, actor_id: int | None,
    reason: str | None = None, reason_code: str | None = None, at: datetime | None = None,
    notify: bool = True,
) -> Referral:
    """Write a referral's move and its event; a move out of a holding state frees a place.

    The caller locked the referral's row and checked the transition is allowed.
    """
    now = at or now_utc()
    session.add(ReferralEvent(
        referral_id=referral.id, actor_id=actor_id, at=now, from_status=referral.status,
        to_status=to_status, reason=reason, reason_code=reason_code,
    ))
    frees = referral.status in HOLDING_STATUSES and to_status not in HOLDING_STATUSES
    referral.status = to_status
    referral.status_changed_at = now
    if reason_code is not None:
        referral.reason_code = reason_code
    if notify:  # a move loaded as history (backdated) is no news
        _raise(session, ReferralMoved(referral.id, to_status, reason_code))
    if frees:
        _raise(session, PlaceFreed(referral.offer_id, referral.inburgeraar_id))
    session.flush()
    return referral


# -- the queue --------------------------------------------------------------------------------

def join_queue(session: Session, *, offer_id: int, person_id: int, actor_id: int,
               note: str | None = None) -> WaitlistEntry:
    """Put a person in the queue of an open offer without a free place (Conflict if it has one).

    The caller checked who may queue whom, and that the person is eligible and not yet there.
    """
    offer = lock_offer(session, offer_id)
    if free_places(session, [offer.id])[offer.id] > 0:
        raise Conflict("Dit aanbod heeft nog een vrije plaats: verwijs direct door.")
    entry = WaitlistEntry(offer_id=offer.id, inburgeraar_id=person_id, created_by_id=actor_id,
                          note=note, status="waiting")
    session.add(entry)
    session.flush()
    return entry


def leave_queue(session: Session, *, entry_id: int, at: datetime | None = None) -> None:
    """Withdraw a waiting entry; Conflict when it no longer waits (referred, skipped, left)."""
    if not _settle_entry(session, entry_id, "withdrawn", at or now_utc()):
        raise Conflict("Deze inburgeraar wacht niet meer op dit aanbod.")


def withdraw_entries_of(session: Session, person_ids: list[int], at: datetime) -> None:
    """Withdraw every waiting entry of these people (their data is being purged)."""
    session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.inburgeraar_id.in_(person_ids), WaitlistEntry.status == "waiting")
        .values(status="withdrawn", closed_at=at)
    )


def fill_freed_places(session: Session, offer_id: int) -> list[int]:
    """Give the offer's free places to its queue, first eligible first; returns new referrals.

    Each entry is held to the rules of ``refer()`` (models/referral_rules.py). One
    refused only while another referral of the person is under way (in the offer's
    domain, or a duaal day-part collision) is passed over: it keeps its place and notes
    why, so it is first again once that referral ends. One refused by any other rule is
    skipped, naming it. The waiting entries are locked before any is looked at, so one
    withdrawn meanwhile is not among them, and one withdrawn later was seen waiting.
    """
    offer = lock_offer(session, offer_id, open_only=False)
    if offer.closed_at is not None:
        return []
    free = free_places(session, [offer.id])[offer.id]
    if free <= 0:
        return []
    waiting = session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.offer_id == offer.id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
        .with_for_update().execution_options(populate_existing=True)
    ).all()
    now = now_utc()  # one moment for the whole promotion: who was passed over, who promoted
    made: list[int] = []
    for entry in waiting:
        if free <= 0:
            break
        refused = referral_rules.refusals(session, entry.inburgeraar_id, offer)
        lasting = [r for r in refused if not r.passes]
        if lasting:
            _settle_entry(session, entry.id, "skipped", now, skipped_rule=_named(lasting),
                          must=True)
        elif refused:
            _pass_over(session, entry.id, now, _named(refused))
        else:
            referral = _open_referral(session, offer_id=offer.id,
                                      person_id=entry.inburgeraar_id,
                                      actor_id=entry.created_by_id, note=entry.note, now=now,
                                      waitlist_entry_id=entry.id)
            _settle_entry(session, entry.id, "referred", now, referral_id=referral.id,
                          must=True)
            made.append(referral.id)
            free -= 1
    return made


def _named(refused: list[referral_rules.Refusal]) -> str:
    return "; ".join(f"{r.rule}: {r.message}" for r in refused)


# -- events -----------------------------------------------------------------------------------

def pending_events(session: Session) -> list:
    """The events raised in this transaction and not yet handled."""
    return list(session.info.get(_EVENTS, []))


def handle_events(session: Session) -> None:
    """Do what follows the events raised so far, until none is left (the unit of work's step
    before the commit; callers that show the outcome before the commit may call it too).

    Closes first, then promotions: of the offers with a freed place or new places, and of
    those where a person whose referral ended waits (they may have been passed over). Their
    rows are locked in offer-id order before any promotion locks a person (one lock order
    for every writer), and the people waiting in them too, in id order. Then mails, in the
    order the moves happened.
    """
    while events := session.info.pop(_EVENTS, None):
        for offer_id in sorted({e.offer_id for e in events if isinstance(e, OfferClosed)}):
            _skip_queue(session, offer_id)
        promoting = sorted({e.offer_id for e in events if isinstance(e, PROMOTING)}
                           | _offers_waited_for(session, events))
        for offer_id in promoting:
            lock_offer(session, offer_id, open_only=False)
        # Then everyone waiting there, in id order: locked one by one in queue order, two
        # promotions whose queues hold two people in opposite order deadlocked.
        referral_rules.lock_people(session, _waiting_in(session, promoting))
        for offer_id in promoting:
            fill_freed_places(session, offer_id)
        for happened in events:
            if isinstance(happened, ReferralMoved):
                _mail(session, happened)
        session.flush()


def forget_events(session: Session) -> None:
    """Drop the events of a transaction that rolls back."""
    session.info.pop(_EVENTS, None)


def _raise(session: Session, happened) -> None:
    session.info.setdefault(_EVENTS, []).append(happened)


# A SAVEPOINT rolled back (one row of a batch refused) takes its events with it.
@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session, transaction):
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_EVENTS, []))


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, previous):
    mark = session.info.get(_MARKS, {}).pop(previous, None)
    if mark is not None:
        del session.info.get(_EVENTS, [])[mark:]
    elif not session.in_transaction():
        forget_events(session)


@event.listens_for(Session, "after_transaction_end")
def _unmark_savepoints(session, transaction):
    if not transaction.nested and transaction.parent is None:  # the whole transaction ended
        session.info.pop(_MARKS, None)


def _offers_waited_for(session: Session, events: list) -> set[int]:
    """The offers where someone whose referral ended this transaction still waits."""
    people = {e.person_id for e in events if isinstance(e, PlaceFreed)}
    if not people:
        return set()
    return set(session.scalars(select(WaitlistEntry.offer_id).where(
        WaitlistEntry.inburgeraar_id.in_(people), WaitlistEntry.status == "waiting")))


def _waiting_in(session: Session, offer_ids: list[int]) -> list[int]:
    """The people waiting in these offers' queues."""
    if not offer_ids:
        return []
    return list(session.scalars(select(WaitlistEntry.inburgeraar_id).where(
        WaitlistEntry.offer_id.in_(offer_ids), WaitlistEntry.status == "waiting")))


def _pass_over(session: Session, entry_id: int, now: datetime, rule: str) -> None:
    """Note why a free place passed a waiting entry by; it keeps waiting (we hold its lock)."""
    session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id, WaitlistEntry.status == "waiting")
        .values(passed_over_rule=rule, passed_over_at=now)
    )


def _skip_queue(session: Session, offer_id: int) -> None:
    session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.offer_id == offer_id, WaitlistEntry.status == "waiting")
        .values(status="skipped", closed_at=now_utc(), skipped_rule=CLOSED_RULE)
    )


def _mail(session: Session, moved: ReferralMoved) -> None:
    referral = session.get(Referral, moved.referral_id)
    notifications.referral_moved(session, referral, moved.to_status, moved.reason_code)
    if moved.waitlist_entry_id is not None:
        notifications.waitlist_referred(session, referral, moved.waitlist_entry_id)


def _settle_entry(session, entry_id, status, now, *, must=False, **values) -> bool:
    """Move a waiting entry on, only if it still waits; whether it did."""
    result = session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry_id, WaitlistEntry.status == "waiting")
        .values(status=status, closed_at=now, **values)
    )
    if must and result.rowcount != 1:  # we hold its lock: it cannot have moved
        raise Conflict("Deze wachtlijstplaats is intussen gewijzigd.")
    return result.rowcount == 1


def _open_referral(session, *, offer_id, person_id, actor_id, note, now, notify=True,
                   waitlist_entry_id=None) -> Referral:
    referral = Referral(
        inburgeraar_id=person_id, offer_id=offer_id, status=ReferralStatus.SENT.value, note=note,
        created_by_id=actor_id, created_at=now, status_changed_at=now,
        **at_creation(session, person_id, offer_id),
    )
    session.add(referral)
    session.flush()
    session.add(ReferralEvent(referral_id=referral.id, actor_id=actor_id, at=now,
                              to_status=ReferralStatus.SENT.value, reason=note))
    if notify:
        _raise(session, ReferralMoved(referral.id, ReferralStatus.SENT.value,
                                      waitlist_entry_id=waitlist_entry_id))
    session.flush()
    return referral
