"""The referral lifecycle: one transition table, and the use cases that walk it.

``sent`` → ``accepted`` | ``declined`` | ``withdrawn`` | ``expired``;
``accepted`` → ``started`` | ``withdrawn``; ``started`` → ``completed`` | ``dropped``.
The partner answers and follows up, the klantmanager withdraws, the system
expires referrals unanswered for 14 days. This module decides who may make
which move; the move itself, its event, the place it takes or frees and what
follows (promotion from the queue, the mails) are written by the one writer
of places, ``models.places``.

Lock, then check: a new referral first locks its offer's row (``SELECT ...
FOR UPDATE`` on PostgreSQL; on SQLite a transaction that writes begins
IMMEDIATE, see models/database.py), and only then checks that the offer is
open, the person eligible (the duaal week rule too) and not yet referred,
and a place free. So a close that commits meanwhile is seen, and
simultaneous referrals never exceed the offer's capacity. A partial unique
index (one holding referral per person and offer, models/referral.py) backs
the "not yet referred" rule.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import access, places
from models.base import now_utc
from models.errors import Forbidden, IllegalTransition, InvalidInput, invalid_input
from models.field_rules import LONG_TEXT
from models.personal_data import check_no_personal_data
from models.reason_codes import check_reason
from models.referral import Referral
from models.referral_rules import check_referable
from models.vocabulary import EXPIRY_AFTER, EXPIRY_REASON, STATUS_LABELS, ReferralStatus

__all__ = [
    "EXPIRY_AFTER", "STATUS_LABELS", "TRANSITIONS", "allowed_targets", "change_status",
    "check_note", "expire_referrals", "note_errors", "refer",
]

SYSTEM = "system"
NOTE_MAX_LENGTH = LONG_TEXT.max_length


S = ReferralStatus


@dataclass(frozen=True)
class Transition:
    source: ReferralStatus
    target: ReferralStatus
    role: str  # who may make it: "partner", "klantmanager" or SYSTEM
    needs_reason: bool = False


TRANSITIONS = {
    (t.source, t.target): t
    for t in (
        Transition(S.SENT, S.ACCEPTED, "partner"),
        Transition(S.SENT, S.DECLINED, "partner", needs_reason=True),
        Transition(S.SENT, S.WITHDRAWN, "klantmanager"),
        Transition(S.SENT, S.EXPIRED, SYSTEM),
        Transition(S.ACCEPTED, S.STARTED, "partner"),
        Transition(S.ACCEPTED, S.WITHDRAWN, "klantmanager"),
        Transition(S.STARTED, S.COMPLETED, "partner"),
        Transition(S.STARTED, S.DROPPED, "partner", needs_reason=True),
    )
}



def refer(
    session: Session,
    *,
    actor_id: int,
    inburgeraar_id: int,
    offer_id: int,
    note: str | None = None,
    at: datetime | None = None,
    additional: bool = False,
) -> Referral:
    """A klantmanager refers an inburgeraar of their gemeente to an open offer.

    ``at`` backdates the referral (loading history, which mails nobody); it
    defaults to now, and the partner's accounts are mailed (models.notifications).

    Raises NotFound (person or offer out of reach), Forbidden (not a
    klantmanager), AlreadyReferred, NotEligible (a hard rule of the matcher
    fails, or the duaal week rule), DomainUnderWay, or OfferFull; the caller's
    unit of work commits or rolls back.
    """
    actor = access.get_actor(session, actor_id)
    if actor.role != "klantmanager":
        raise Forbidden("Alleen een klantmanager verwijst door.")
    bad_note = note_errors(note)
    person = access.get_inburgeraar(session, actor, inburgeraar_id)
    # Lock, then check: from here on the offer's row is locked until the commit,
    # so a close or a capacity change either committed before (and is seen, the
    # row read afresh) or waits until this referral is in.
    offer = places.lock_offer(session, offer_id)
    # The rules a promotion from the waitlist applies too (one list, models/referral_rules.py);
    # a bad note is named with them, in one 422.
    check_referable(session, person.id, offer, additional=additional, bad_fields=bad_note)
    return places.take_place(session, offer_id=offer.id, person_id=person.id, actor_id=actor.id,
                             note=note, at=at, notify=at is None)


def change_status(
    session: Session,
    *,
    actor_id: int,
    referral_id: int,
    to_status: str,
    reason: str | None = None,
    reason_code: str | None = None,
    at: datetime | None = None,
) -> Referral:
    """The partner or the klantmanager moves a referral on, as the transition table allows.

    A decline or a drop names a ``reason_code`` (``models.reason_codes``).
    Raises NotFound (out of reach), Forbidden (the coordinator answers no
    referral), IllegalTransition, or InvalidInput (a missing or unknown
    reason code, or ``anders`` without its text).
    """
    actor = access.get_actor(session, actor_id)
    if actor.role not in ("partner", "klantmanager"):
        raise Forbidden("Alleen de partner of de klantmanager wijzigt een verwijzing.")
    referral = access.get_referral(session, actor, referral_id, lock=True)
    _move(
        session, referral, to_status, role=actor.role, actor_id=actor.id, reason=reason,
        reason_code=reason_code, now=at, notify=at is None,
    )
    session.flush()
    return referral


def expire_referrals(session: Session, *, now: datetime | None = None) -> list[int]:
    """Expire referrals left unanswered (still ``sent``) for 14 days; returns their ids.

    Safe to run from several machines at once: rows another run has locked
    are skipped (``FOR UPDATE SKIP LOCKED``), so no referral expires twice.
    """
    now = now or now_utc()
    stale = session.scalars(
        select(Referral)
        .where(Referral.status == S.SENT, Referral.status_changed_at < now - EXPIRY_AFTER)
        .order_by(Referral.id)
        .with_for_update(skip_locked=True)
    ).all()
    for referral in stale:
        _move(
            session,
            referral,
            "expired",
            role=SYSTEM,
            actor_id=None,
            reason=EXPIRY_REASON,
            now=now,
        )
    session.flush()
    return [r.id for r in stale]


def allowed_targets(status: str, role: str) -> list[str]:
    """The states a role may move a referral to from ``status``, for buttons and docs."""
    return [t.target for t in TRANSITIONS.values() if t.source == status and t.role == role]


def _move(session, referral, to_status, *, role, actor_id, reason, reason_code=None, now=None,
          notify=True):
    transition = TRANSITIONS.get((referral.status, to_status))
    if transition is None or transition.role != role:
        raise IllegalTransition(
            f"Een verwijzing die {STATUS_LABELS.get(referral.status, referral.status)} is, "
            f"kan niet naar '{to_status}'."
        )
    reason = (reason or "").strip() or None
    # Every bad field at once: the code (or the text "anders" needs) and what the text holds.
    errors = [*_errors_of(check_reason, transition.needs_reason, reason_code, reason),
              *note_errors(reason, field="reason")]
    if errors:
        raise invalid_input(errors, "De wijziging heeft ongeldige velden.")
    places.move_referral(session, referral, to_status, actor_id=actor_id, reason=reason,
                         reason_code=reason_code, at=now, notify=notify)


def note_errors(text: str | None, field: str = "note") -> list[dict]:
    """What ``check_note`` refuses, as the errors naming ``field`` (none: an empty list)."""
    return _errors_of(check_note, text, field)


def _errors_of(check, *args) -> list[dict]:
    # A check that raises InvalidInput, run for its errors, so that others can join them.
    try:
        check(*args)
    except InvalidInput as refused:
        return refused.errors
    return []


def check_note(text: str | None, field: str = "note") -> None:
    if text is not None and len(text) > NOTE_MAX_LENGTH:
        message = f"Maximaal {NOTE_MAX_LENGTH} tekens."
        raise InvalidInput(message, [{"field": field, "message": message}])
    check_no_personal_data(text, field)
