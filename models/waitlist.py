"""The waitlist of a full offer: a queue of people waiting for a place.

A klantmanager puts a person of their gemeente on the list of an offer that
has no free place (same eligibility rules as a referral), and takes them off
again. When a place frees (a referral ends, the capacity goes up),
``models.places`` turns the first waiting entry whose person may be referred
now (``refer()``'s rules, ``models.referral_rules``) into a referral before
the transaction commits; an entry failing a lasting rule is ``skipped`` with
the rule, one refused only while another referral of the person is under way
is passed over and waits on; a closed offer's queue is skipped. Lock, then
check, as ``refer`` does: the offer's row is locked first, so two places
freed at once are filled one transaction after the other, each seeing the
other's referral, and the offer never holds more than its capacity.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import access, places
from models.capacity import holds_referral
from models.errors import AlreadyReferred, Conflict, Forbidden, NotFound, invalid_input
from models.matching_bridge import check_eligible, eligibility_failures, not_eligible
from models.people import Inburgeraar
from models.referral_service import note_errors
from models.waitlist_entry import ENTRY_STATUSES, WaitlistEntry

__all__ = [
    "ENTRY_STATUSES", "WaitlistEntry", "join_waitlist",
    "leave_waitlist", "positions", "queue", "visible_queue", "waiting_of_gemeente",
]


def join_waitlist(
    session: Session, *, actor_id: int, offer_id: int, inburgeraar_id: int,
    note: str | None = None,
) -> WaitlistEntry:
    """Put a person of the klantmanager's gemeente on a full offer's waitlist.

    Raises NotFound, Forbidden, NotEligible (422 naming the rule), or Conflict
    (a free place: refer directly; already referred; already waiting).
    """
    actor = access.get_actor(session, actor_id)
    if actor.role != "klantmanager":
        raise Forbidden("Alleen een klantmanager zet iemand op een wachtlijst.")
    bad_note = note_errors(note)
    person = access.get_inburgeraar(session, actor, inburgeraar_id)
    offer = places.lock_offer(session, offer_id)
    held = holds_referral(session, person.id, offer.id)
    if bad_note:  # named with the rules the person fails, in one 422; before the 409s
        # (A referral held to the offer is the 409's, not a rule the person fails.)
        failures = [] if held else eligibility_failures(session, person.id, offer.id)
        raise (not_eligible(failures, also=bad_note) if failures
               else invalid_input(bad_note, "De wachtlijstplaats heeft ongeldige velden."))
    if held:
        raise AlreadyReferred("Deze inburgeraar is al naar dit aanbod verwezen.")
    if session.scalar(select(WaitlistEntry.id).where(
        WaitlistEntry.offer_id == offer.id, WaitlistEntry.inburgeraar_id == person.id,
        WaitlistEntry.status == "waiting",
    )):
        raise Conflict("Deze inburgeraar staat al op de wachtlijst van dit aanbod.")
    check_eligible(session, person.id, offer.id)
    return places.join_queue(session, offer_id=offer.id, person_id=person.id, actor_id=actor.id,
                             note=(note or "").strip() or None)


def leave_waitlist(session: Session, *, actor_id: int, entry_id: int) -> WaitlistEntry:
    """The klantmanager takes someone of their gemeente off a waitlist."""
    actor = access.get_actor(session, actor_id)
    if actor.role != "klantmanager":
        raise Forbidden("Alleen een klantmanager haalt iemand van een wachtlijst.")
    entry = session.scalars(
        select(WaitlistEntry).join(WaitlistEntry.inburgeraar)
        .where(WaitlistEntry.id == entry_id, Inburgeraar.gemeente_id == actor.gemeente_id)
        .with_for_update(of=WaitlistEntry)
    ).first()
    if entry is None:
        raise NotFound("Deze wachtlijstplaats bestaat niet.")
    places.leave_queue(session, entry_id=entry.id)
    session.refresh(entry)
    return entry


def queue(session: Session, offer_id: int) -> list[WaitlistEntry]:
    """The offer's waiting entries in queue order (position = index + 1)."""
    return list(session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.offer_id == offer_id, WaitlistEntry.status == "waiting")
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    ))


def visible_queue(session: Session, *, actor_id: int, offer_id: int
                  ) -> list[tuple[WaitlistEntry, int]]:
    """(entry, position) of an offer's queue as the actor may see it.

    The partner its own offers' queues (pseudonyms only, the caller's concern),
    the coordinator every queue, a klantmanager its gemeente's entries (with
    their place in the whole queue). Another partner's offer is NotFound.
    """
    actor = access.get_actor(session, actor_id)
    offer = access.get_offer(session, actor, offer_id)
    if actor.role == "partner" and offer.partner_id != actor.partner_id:
        raise NotFound("Dit aanbod bestaat niet.")
    entries = list(enumerate(queue(session, offer.id), 1))
    if actor.role == "klantmanager":
        entries = [(e, n) for n, e in entries if e.inburgeraar.gemeente_id == actor.gemeente_id]
        return entries
    return [(e, n) for n, e in entries]


def waiting_of_gemeente(session: Session, *, actor_id: int) -> list[tuple[WaitlistEntry, int]]:
    """The klantmanager's gemeente's waiting entries, each with its place in its queue."""
    actor = access.get_actor(session, actor_id)
    if actor.role != "klantmanager":
        raise Forbidden("Alleen een klantmanager heeft wachtlijstplaatsen.")
    entries = session.scalars(
        select(WaitlistEntry).join(WaitlistEntry.inburgeraar)
        .where(WaitlistEntry.status == "waiting", Inburgeraar.gemeente_id == actor.gemeente_id)
        .order_by(WaitlistEntry.offer_id, WaitlistEntry.created_at, WaitlistEntry.id)
    ).all()
    place = positions(session, [e.offer_id for e in entries])
    return [(e, place[e.id]) for e in entries]


def positions(session: Session, offer_ids: list[int]) -> dict[int, int]:
    """Entry id → place in its offer's queue (1 is next), for every waiting entry."""
    result = {}
    for offer_id in set(offer_ids):
        result.update({entry.id: n for n, entry in enumerate(queue(session, offer_id), 1)})
    return result
