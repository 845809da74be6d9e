"""Which change mails whom, and what the mail says (in Dutch).

The partner's accounts hear of a new referral, again on day 10 if it is
still unanswered, and when the klantmanager withdraws it; the klantmanager
who sent it hears when it is accepted, declined (with the reason) or
expires, and when a waitlist entry of theirs became a referral, as long as
the person is still of their gemeente. A mail names
the person only by pseudonym, names the offer with the partner that holds
it, and links to the page in the portal; everything else is read there,
after logging in.

``models.places`` calls ``referral_moved`` for each "referral moved" event
before the change commits, so the mail joins the change's transaction
(``models.outbox``).
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import access
from models.account import User
from models.base import now_utc
from models.outbox import OutboxMail, Recipient, enqueue
from models.reason_codes import REASON_CODE_LABELS
from models.referral import Referral
from models.vocabulary import EXPIRY_AFTER, REMINDER_AFTER, STATUS_LABELS

# The klantmanager is told of these moves.
_OUTCOMES = ("accepted", "declined", "expired")


def referral_moved(session: Session, referral: Referral, to_status: str,
                   reason_code: str | None = None) -> None:
    """Queue the mails a referral's move to ``to_status`` calls for."""
    pseudonym = referral.inburgeraar.pseudonym
    if to_status == "sent":
        _to_partner(session, referral, "referral_received", f"referral-{referral.id}-sent",
                    f"Nieuwe verwijzing: {pseudonym}",
                    [f"Er is een nieuwe verwijzing voor u in Wegwijs: {pseudonym}, "
                     f"naar {offer_words(referral)}.", "", "Log in om te antwoorden."])
    elif to_status == "withdrawn":
        _to_partner(session, referral, "referral_withdrawn", f"referral-{referral.id}-withdrawn",
                    f"Verwijzing ingetrokken: {pseudonym}",
                    [f"De klantmanager heeft de verwijzing van {pseudonym} naar "
                     f"{offer_words(referral)} ingetrokken. U hoeft niets meer te doen; "
                     "de plaats is weer vrij."])
    elif to_status in _OUTCOMES:
        word = STATUS_LABELS[to_status]
        lines = [f"Uw verwijzing van {pseudonym} naar {offer_words(referral)} is {word}."]
        if reason_code:
            lines.append(f"Reden: {REASON_CODE_LABELS[reason_code]}.")
        _to_klantmanager(session, referral, "referral_outcome",
                         f"referral-{referral.id}-{to_status}",
                         f"Verwijzing {word}: {pseudonym}", lines)


def waitlist_referred(session: Session, referral: Referral, entry_id: int) -> None:
    """The klantmanager's waitlist entry became ``referral``."""
    _to_klantmanager(
        session, referral, "waitlist_referred", f"waitlist-{entry_id}-referred",
        f"Van de wachtlijst doorverwezen: {referral.inburgeraar.pseudonym}",
        [f"Er kwam een plaats vrij bij {offer_words(referral)}. "
         f"{referral.inburgeraar.pseudonym} stond op de wachtlijst en is nu doorverwezen."],
    )


def offer_words(referral: Referral) -> str:
    """The offer and the partner that holds it: several partners offer a "Gezinsmaatje"."""
    return f"\"{referral.offer.title}\" van {referral.offer.partner.name}"


def send_reminders(session: Session, *, now: datetime | None = None) -> list[int]:
    """Queue the day-10 reminder of every referral still ``sent`` after 10 days, once.

    Returns the referrals reminded. Whether a reminder was queued is the
    outbox itself (its unique event key), so running this twice, or on two
    workers, reminds once.
    """
    now = now or now_utc()
    due = session.scalars(
        select(Referral)
        .where(Referral.status == "sent", Referral.status_changed_at <= now - REMINDER_AFTER)
        .order_by(Referral.id)
    ).all()
    done = []
    for referral in due:
        key = f"referral-{referral.id}-reminder"
        if session.scalar(select(OutboxMail.id).where(OutboxMail.event_key == key).limit(1)):
            continue
        _to_partner(session, referral, "referral_reminder", key,
                    f"Herinnering: {referral.inburgeraar.pseudonym} wacht op uw antwoord",
                    [f"Een verwijzing wacht al {REMINDER_AFTER.days} dagen op uw antwoord "
                     f"(na {EXPIRY_AFTER.days} dagen vervalt ze): "
                     f"{referral.inburgeraar.pseudonym}, naar {offer_words(referral)}.", "",
                     "Log in om te antwoorden."])
        done.append(referral.id)
    session.flush()
    return done


def partner_path(referral: Referral) -> str:
    """The partner's page of the referral (a werkgever has its own part of the portal)."""
    area = "werkgever" if referral.offer.partner.kind == "werkgever" else "partner"
    return f"/{area}/verwijzingen/{referral.id}"


def _to_partner(session, referral, kind, event_key, subject, lines):
    accounts = session.scalars(
        select(User).where(
            User.role == "partner",
            User.partner_id == referral.offer.partner_id,
            User.is_active.is_(True),
        ).order_by(User.id)
    ).all()
    enqueue(session, kind=kind, event_key=event_key,
            recipients=[Recipient(u.id, u.email) for u in accounts],
            subject=subject, body="\n".join(lines), path=partner_path(referral),
            referral_id=referral.id)


def _to_klantmanager(session, referral, kind, event_key, subject, lines):
    author = session.get(User, referral.created_by_id) if referral.created_by_id else None
    # Only while the person is still theirs: an account moved to another gemeente, or to a
    # partner, since it referred them, would learn of a pseudonym it can no longer look up.
    if (author is None or not author.is_active or author.role != "klantmanager"
            or not access.may_see_inburgeraar(author, referral.inburgeraar)):
        return
    enqueue(session, kind=kind, event_key=event_key,
            recipients=[Recipient(author.id, author.email)], subject=subject,
            body="\n".join(lines), path=f"/klantmanager/verwijzingen/{referral.id}",
            referral_id=referral.id)
