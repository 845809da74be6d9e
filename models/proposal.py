"""Referring from the allocation proposal: the ticked rows in one step, each answered alone.

The klantmanager ticks rows of the proposal (``models.caseload``) and refers
them at once. Each row goes through ``refer`` like any referral, so every rule
is checked again now (a place taken meanwhile, a person no longer eligible, a
domain served since), in a SAVEPOINT of its own: a row that fails is rolled
back and says why, and the others go through. A row may go elsewhere than
proposed (another offer of the same domain), with a reason from
``DEVIATION_REASONS`` and, perhaps, a few words: the coordinator counts them
(``models.reports.proposal``), to see where the proposal misses what
klantmanagers know.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from models import access, places
from models.base import Base, now_utc
from models.caseload import completed_courses
from models.coalition import Offer
from models.errors import DomainError, Forbidden, InvalidInput
from models.matcher_cache import current_matcher
from models.referral_rules import lock_people
from models.referral_service import check_note, refer
from models.vocabulary import in_set

OTHER = "anders"
# Why a klantmanager refers elsewhere than proposed: short, so that they can be counted.
DEVIATION_REASONS = {
    "voorkeur": "Voorkeur van de inburgeraar",
    "bereikbaarheid": "Beter bereikbaar of dichterbij",
    "rooster": "Past beter in het rooster",
    "eerder_starten": "Kan eerder beginnen",
    "ervaring": "Goede ervaring met deze partner",
    OTHER: "Anders (licht toe)",
}
REASON_CHECK = f"reason_code IS NULL OR {in_set('reason_code', tuple(DEVIATION_REASONS))}"


class ProposalReferral(Base):
    """A referral made from the proposal: what was proposed, and why it went elsewhere."""

    __tablename__ = "proposal_referral"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), primary_key=True)
    proposed_offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"))
    reason_code: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    __table_args__ = (CheckConstraint(REASON_CHECK, name="reason_code"),)


@dataclass(frozen=True)
class ProposalRow:
    """One ticked row: the person, the domain, the offer proposed and the offer chosen."""

    inburgeraar_id: int
    domain: str
    proposed_offer_id: int
    offer_id: int
    reason_code: str | None = None
    reason: str | None = None

    @property
    def elsewhere(self) -> bool:
        return self.offer_id != self.proposed_offer_id


@dataclass(frozen=True)
class RowOutcome:
    row: ProposalRow
    referral_id: int | None = None
    problem: str | None = None  # Dutch: why this row was not referred


def refer_rows(session: Session, *, actor_id: int, rows: list[ProposalRow]) -> list[RowOutcome]:
    """Refer each row on its own; the outcomes in the rows' order.

    Raises Forbidden when the actor is no klantmanager (nothing is tried);
    every other refusal is one row's outcome. The caller's unit of work
    commits what went through.
    """
    if access.get_actor(session, actor_id).role != "klantmanager":
        raise Forbidden("Alleen een klantmanager verwijst door.")
    # Every row's offer, then every row's person, locked first and in id order: taken row by
    # row, two batches crossing (offer A then B, and B then A) deadlocked, and PostgreSQL
    # ended one batch whole, no row saying why. Held to the commit, before any SAVEPOINT.
    places.lock_offers(session, [row.offer_id for row in rows])
    lock_people(session, [row.inburgeraar_id for row in rows])
    outcomes = []
    for row in rows:
        savepoint = session.begin_nested()
        try:
            referral_id = _refer_row(session, actor_id, row)
        except DomainError as error:
            savepoint.rollback()
            outcomes.append(RowOutcome(row, problem=_explained(error)))
        else:
            savepoint.commit()
            outcomes.append(RowOutcome(row, referral_id=referral_id))
    return outcomes


def alternatives(session: Session, needs: list[tuple[int, str]],
                 top: int = 5) -> dict[tuple[int, str], list[tuple[int, float]]]:
    """Per (person, domain): the engine's best offers with a free place, (offer id, chance),
    best first, where the klantmanager may refer instead of the offer proposed.

    A course the person completed is left out, as the proposal leaves it out. One
    vectorised ranking per domain (``Matcher.rank_many``), not one per row.
    """
    done = completed_courses(session, list({person_id for person_id, _ in needs}))
    excluded: dict[int, set[int]] = {}
    for person_id, offer_id in done:
        excluded.setdefault(person_id, set()).add(offer_id)
    by_domain: dict[str, list[int]] = {}
    for person_id, domain in needs:
        by_domain.setdefault(domain, []).append(person_id)
    matcher = current_matcher(session)
    spare = max((len(offers) for offers in excluded.values()), default=0)
    result = {}
    for domain, people in by_domain.items():
        found = matcher.rank_many([str(p) for p in people], domain=domain, top=top + spare)
        for person_id in people:
            result[(person_id, domain)] = [
                (int(m.offer_id), m.score) for m in found[str(person_id)]
                if int(m.offer_id) not in excluded.get(person_id, ())][:top]
    return result


def check_deviation(row: ProposalRow) -> None:
    """A reason only where the row goes elsewhere; from the list; ``anders`` with its text."""
    if not row.elsewhere:
        if row.reason_code or row.reason:
            _refuse("reason_code", "Een reden hoort alleen bij een ander aanbod dan voorgesteld.")
        return
    if row.reason_code is not None and row.reason_code not in DEVIATION_REASONS:
        _refuse("reason_code", "Kies een reden uit de lijst.")
    if row.reason_code == OTHER and not row.reason:
        _refuse("reason", "Licht de reden 'anders' toe.")
    check_note(row.reason, field="reason")


def _refer_row(session: Session, actor_id: int, row: ProposalRow) -> int:
    check_deviation(row)
    # What the coordinator counts the row against: checked here, not left to the foreign
    # key, whose failure is no row's refusal (the whole batch would fail).
    proposed = session.get(Offer, row.proposed_offer_id)
    if proposed is None or proposed.domain != row.domain:
        _refuse("proposed_offer_id", "Het voorgestelde aanbod bestaat niet in dit domein; "
                                     "open het verdeelvoorstel opnieuw.")
    referral = refer(session, actor_id=actor_id, inburgeraar_id=row.inburgeraar_id,
                     offer_id=row.offer_id)
    if referral.offer.domain != row.domain:
        _refuse("offer_id", "Kies een aanbod in hetzelfde domein als voorgesteld.")
    session.add(ProposalReferral(
        referral_id=referral.id, proposed_offer_id=row.proposed_offer_id,
        reason_code=row.reason_code, reason=(row.reason or "").strip() or None,
    ))
    session.flush()
    return referral.id


def _explained(error: DomainError) -> str:
    if isinstance(error, InvalidInput) and error.errors:
        return " ".join(item["message"] for item in error.errors)
    return error.message


def _refuse(field: str, message: str) -> None:
    raise InvalidInput(message, [{"field": field, "message": message}])
