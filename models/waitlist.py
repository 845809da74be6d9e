"""The waitlist of a full offer: a queue of people waiting for a place.

A klantmanager puts a person of their gemeente on the list of an offer that
has no free place (same eligibility rules as a referral). When a place frees
(a referral ends, or the capacity goes up), ``fill_freed_places`` turns the
first waiting entry whose person is still eligible into a referral, in the
same transaction, and marks entries no longer eligible ``skipped`` with the
rule. Lock, then check, as ``refer`` does: the offer's row is locked first,
so two places freed at once are filled one transaction after the other, each
seeing the other's referral, and the offer never holds more than its capacity.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models import access
from models.base import Base, now_utc
from models.capacity import held_places, holds_referral
from models.coalition import Offer
from models.errors import AlreadyReferred, Conflict, Forbidden, NotFound
from models.matching_bridge import check_eligible, eligibility_failures
from models.people import Inburgeraar
from models.vocabulary import in_set

ENTRY_STATUSES = ("waiting", "referred", "skipped", "withdrawn")
WAITING = "status = 'waiting'"


class WaitlistEntry(Base):
    __tablename__ = "waitlist_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    inburgeraar_id: Mapped[int] = mapped_column(ForeignKey("inburgeraar.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    # Why the entry was skipped: the eligibility rule the person no longer meets.
    skipped_rule: Mapped[str | None] = mapped_column(Text)

    inburgeraar: Mapped[Inburgeraar] = relationship()
    offer: Mapped[Offer] = relationship()

    __table_args__ = (
        CheckConstraint(in_set("status", ENTRY_STATUSES), name="status"),
        # One waiting entry per person and offer: the backstop of join_waitlist's check.
        Index("uq_waitlist_entry_waiting_person_offer", "inburgeraar_id", "offer_id",
              unique=True, sqlite_where=text(WAITING), postgresql_where=text(WAITING)),
    )


def join_waitlist(
    session: Session, *, actor_id: int, offer_id: int, inburgeraar_id: int,
    note: str | None = None,
) -> WaitlistEntry:
    """Put a person of the klantmanager's gemeente on a full offer's waitlist.

    Raises NotFound, Forbidden, NotEligible (422 naming the rule), or Conflict
    (a free place: refer directly; already referred; already waiting).
    """
    from models.referral_service import check_note

    actor = access.get_actor(session, actor_id)
    if actor.role != "klantmanager":
        raise Forbidden("Alleen een klantmanager zet iemand op een wachtlijst.")
    check_note(note)
    person = access.get_inburgeraar(session, actor, inburgeraar_id)
    offer = _locked_open_offer(session, offer_id)
    if holds_referral(session, person.id, offer.id):
        raise AlreadyReferred("Deze inburgeraar is al naar dit aanbod verwezen.")
    if session.scalar(select(WaitlistEntry.id).where(
        WaitlistEntry.offer_id == offer.id, WaitlistEntry.inburgeraar_id == person.id,
        WaitlistEntry.status == "waiting",
    )):
        raise Conflict("Deze inburgeraar staat al op de wachtlijst van dit aanbod.")
    check_eligible(session, person.id, offer.id)
    if held_places(session, [offer.id])[offer.id] < offer.capacity:
        raise Conflict("Dit aanbod heeft nog een vrije plaats: verwijs direct door.")
    entry = WaitlistEntry(offer_id=offer.id, inburgeraar_id=person.id, created_by_id=actor.id,
                          note=(note or "").strip() or None, status="waiting")
    session.add(entry)
    session.flush()
    return entry


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
    if entry.status != "waiting":
        raise Conflict("Deze inburgeraar wacht niet meer op dit aanbod.")
    entry.status, entry.closed_at = "withdrawn", now_utc()
    session.flush()
    return entry


def fill_freed_places(session: Session, offer_id: int) -> list[int]:
    """Give the offer's free places to the queue, first eligible first; returns new referral ids."""
    from models.referral_service import open_referral

    offer = _locked_open_offer(session, offer_id, missing_ok=True)
    if offer is None:
        return []
    made = []
    free = offer.capacity - held_places(session, [offer.id])[offer.id]
    while free > 0:
        entry = session.scalars(
            select(WaitlistEntry)
            .where(WaitlistEntry.offer_id == offer.id, WaitlistEntry.status == "waiting")
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
            .limit(1)
        ).first()
        if entry is None:
            break
        now = now_utc()
        entry.closed_at = now
        failures = eligibility_failures(session, entry.inburgeraar_id, offer.id)
        if holds_referral(session, entry.inburgeraar_id, offer.id):
            failures = [("referred", "al naar dit aanbod verwezen")]
        if failures:
            entry.status = "skipped"
            entry.skipped_rule = "; ".join(f"{rule}: {message}" for rule, message in failures)
            session.flush()
            continue
        referral = open_referral(session, person_id=entry.inburgeraar_id, offer_id=offer.id,
                                 actor_id=entry.created_by_id, note=entry.note, now=now,
                                 waitlist_entry_id=entry.id)
        entry.status, entry.referral_id = "referred", referral.id
        session.flush()
        made.append(referral.id)
        free -= 1
    return made


def close_queue(session: Session, offer_id: int) -> None:
    """A closed offer takes nobody from its queue: every waiting entry is skipped."""
    for entry in queue(session, offer_id):
        entry.status, entry.closed_at = "skipped", now_utc()
        entry.skipped_rule = "closed: het aanbod is gesloten"
    session.flush()


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


def _locked_open_offer(session, offer_id, missing_ok=False):
    offer = session.scalars(
        select(Offer).where(Offer.id == offer_id).with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if offer is None or offer.closed_at is not None:
        if missing_ok:
            return None
        raise NotFound("Dit aanbod bestaat niet.")
    return offer


