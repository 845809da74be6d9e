"""The rights of the data subject: inzage (export) and the purge after the retention period.

Export: everything Wegwijs holds about one inburgeraar, as one JSON-able
document: the person, their needs (as now and as at intake) and PIP, their
referrals with every event, and the access-log rows about them. Nothing about
anyone else: partners appear by name (organisations), other users only by role.

Purge: people whose traject ended more than the retention period ago
(``WEGWIJS_RETENTION_DAYS``, default 730 days) lose everything personal.
The rows stay, so the coalition's figures (the funnel, capacity history)
keep their totals: the person keeps their id and gemeente, gets a random
"verwijderd-…" pseudonym and no other field; their needs (as now and as at
intake) and PIP are deleted; their referrals keep offer, status and dates but
lose the free-text note, and the events lose their free-text reason (as does
a referral from the proposal its reason for going elsewhere); their
waitlist entries lose the note (and stop waiting), and the mails about their
referrals are deleted from the outbox (they name the old pseudonym). The
access log keeps its rows (the accountability record); they point at the now
anonymous id.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from models import places
from models.audit import Access, AccessLog, record_access
from models.base import now_utc
from models.clock import local_today
from models.coalition import Offer
from models.errors import NotFound
from models.outbox import OutboxMail
from models.people import Inburgeraar, IntakeNeed, Need
from models.person_fields import NAMES as RECORDED_FIELDS
from models.person_fields import empty_values
from models.pip import Pip
from models.proposal import ProposalReferral
from models.referral import Referral, ReferralEvent
from models.waitlist_entry import WaitlistEntry

DEFAULT_RETENTION_DAYS = 730
PURGED_PREFIX = "verwijderd-"
_PURGED_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

# Every column of the person (models.person_fields declares the recorded ones).
PERSON_FIELDS = (
    "id", "pseudonym", *RECORDED_FIELDS, "traject_ended_on", "created_at", "updated_at",
    "purged_at",
)


def export_subject(session: Session, inburgeraar_id: int) -> dict:
    """Everything held about one inburgeraar; raises NotFound when there is no such person."""
    person = session.scalars(
        select(Inburgeraar).where(Inburgeraar.id == inburgeraar_id)
        .options(
            selectinload(Inburgeraar.needs), selectinload(Inburgeraar.intake_needs),
            selectinload(Inburgeraar.gemeente), selectinload(Inburgeraar.pip),
        )
    ).first()
    if person is None:
        raise NotFound("Deze inburgeraar bestaat niet.")
    referrals = session.scalars(
        select(Referral).where(Referral.inburgeraar_id == person.id)
        .options(
            selectinload(Referral.events),
            selectinload(Referral.offer).selectinload(Offer.partner),
        )
        .order_by(Referral.id)
    ).all()
    accesses = session.scalars(
        select(AccessLog).where(AccessLog.inburgeraar_id == person.id).order_by(AccessLog.id)
    ).all()
    proposed = {row.referral_id: row for row in session.scalars(
        select(ProposalReferral)
        .where(ProposalReferral.referral_id.in_([r.id for r in referrals])))}
    return {
        "inburgeraar": {
            **{name: _plain(getattr(person, name)) for name in PERSON_FIELDS},
            "gemeente": person.gemeente.name,
        },
        "needs": person.needs_by_domain,
        "intake_needs": person.intake_needs_by_domain,
        "pip": None if person.pip is None else {
            name: _plain(value) for name, value in person.pip.as_dict().items()
        },
        "referrals": [_referral(r, proposed.get(r.id)) for r in referrals],
        "access_log": [_access(a) for a in accesses],
    }


def _referral(referral: Referral, proposed: ProposalReferral | None) -> dict:
    return {
        "id": referral.id,
        "offer_id": referral.offer_id,
        "offer_title": referral.offer.title,
        "partner": referral.offer.partner.name,
        "status": referral.status,
        "reason_code": referral.reason_code,
        "note": referral.note,
        "as_referred": referral.as_referred,
        "chance_given": referral.chance_given,
        # Made from the allocation proposal: the offer proposed, and why it went elsewhere.
        "proposal": None if proposed is None else {
            "proposed_offer_id": proposed.proposed_offer_id,
            "reason_code": proposed.reason_code, "reason": proposed.reason,
        },
        "created_at": _plain(referral.created_at),
        "status_changed_at": _plain(referral.status_changed_at),
        "events": [
            {
                "at": _plain(e.at),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason_code": e.reason_code,
                "reason": e.reason,
            }
            for e in referral.events
        ],
    }


def _access(row: AccessLog) -> dict:
    # Which account looked is the coalition's business; the person sees the role and channel.
    return {
        "at": _plain(row.at),
        "role": row.role,
        "action": row.action,
        "channel": row.channel,
        "route": row.route,
    }


def _plain(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # SQLite hands back UTC without its zone
    return value.isoformat() if isinstance(value, date | datetime) else value


@dataclass
class PurgeResult:
    """What a purge did, or (dry run) would do."""

    cutoff: date
    dry_run: bool
    inburgeraar_ids: list[int] = field(default_factory=list)
    needs: int = 0
    intake_needs: int = 0
    notes: int = 0
    reasons: int = 0


def purge(
    session: Session,
    *,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    today: date | None = None,
    dry_run: bool = False,
    access: Access | None = None,
) -> PurgeResult:
    """Anonymise everyone whose traject ended more than ``retention_days`` ago.

    A dry run counts what would change and changes nothing. A real run
    writes all of it in one transaction, with an access-log row (action
    ``purge``) for each person, made by ``access`` (a command by default).
    """
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    cutoff = (today or local_today()) - timedelta(days=retention_days)
    people = session.scalars(
        select(Inburgeraar.id).where(
            Inburgeraar.traject_ended_on < cutoff, Inburgeraar.purged_at.is_(None)
        ).order_by(Inburgeraar.id)
    ).all()
    result = PurgeResult(cutoff=cutoff, dry_run=dry_run, inburgeraar_ids=list(people))
    referrals = select(Referral.id).where(Referral.inburgeraar_id.in_(people))
    result.needs = _count(session, select(Need.id).where(Need.inburgeraar_id.in_(people)))
    result.intake_needs = _count(
        session, select(IntakeNeed.id).where(IntakeNeed.inburgeraar_id.in_(people))
    )
    result.notes = _count(session, referrals.where(Referral.note.is_not(None)))
    result.reasons = _count(
        session,
        select(ReferralEvent.id).where(
            ReferralEvent.referral_id.in_(referrals), ReferralEvent.reason.is_not(None)
        ),
    )
    if dry_run or not people:
        return result
    now = now_utc()
    session.execute(delete(Need).where(Need.inburgeraar_id.in_(people)))
    session.execute(delete(IntakeNeed).where(IntakeNeed.inburgeraar_id.in_(people)))
    session.execute(delete(Pip).where(Pip.inburgeraar_id.in_(people)))
    # The person as referred is their personal data too; the chance given is the engine's.
    session.execute(
        update(Referral).where(Referral.id.in_(referrals)).values(note=None, as_referred=None)
    )
    session.execute(update(ProposalReferral).where(ProposalReferral.referral_id.in_(referrals))
                    .values(reason=None))
    session.execute(delete(OutboxMail).where(OutboxMail.referral_id.in_(referrals)))
    session.execute(
        update(WaitlistEntry).where(WaitlistEntry.inburgeraar_id.in_(people))
        .values(note=None)
    )
    places.withdraw_entries_of(session, people, now)
    session.execute(
        update(ReferralEvent)
        .where(ReferralEvent.referral_id.in_(referrals))
        .values(reason=None)
    )
    taken: set[str] = set()
    for person_id in people:
        session.execute(
            update(Inburgeraar).where(Inburgeraar.id == person_id).values(
                pseudonym=_purged_pseudonym(session, taken), purged_at=now,
                # Every recorded field empty; id, gemeente and the record's dates stay.
                updated_at=now, **empty_values(),
            )
        )
    record_access(session, access or Access(None, "cli", "purge"), "purge", people)
    session.flush()
    return result


def _count(session: Session, ids) -> int:
    return session.scalar(select(func.count()).select_from(ids.subquery()))


def _purged_pseudonym(session: Session, taken: set[str]) -> str:
    # 16 characters in all, as the column allows: "verwijderd-" and five random ones.
    while True:
        candidate = PURGED_PREFIX + "".join(secrets.choice(_PURGED_ALPHABET) for _ in range(5))
        if candidate not in taken and not session.scalars(
            select(Inburgeraar.id).where(Inburgeraar.pseudonym == candidate)
        ).first():
            taken.add(candidate)
            return candidate
