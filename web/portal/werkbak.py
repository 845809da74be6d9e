"""The werkbak: what needs doing, the first page after signing in (klantmanager, partner)."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from models import werkbak
from models.coalition import Offer
from models.referral import Referral
from models.vocabulary import EXPIRY_AFTER, REMINDER_AFTER
from models.waitlist import WaitlistEntry
from models.werkbak import NEWS_WINDOW
from web.audit import log_access
from web.extensions import db
from web.portal.navigation import is_werkgever_user
from web.portal.security import role_required

bp = Blueprint("werkbak", __name__)

# Each list shows its oldest first (what waits longest), this many; the count says how many more.
SHOWN = 10
NONE_NEAR_EXPIRY = f"Geen verwijzingen die al {REMINDER_AFTER.days} dagen op antwoord wachten."


@bp.get("/werkbak")
@role_required("klantmanager", "partner")
def index():
    user = current_user.user
    if user.role == "klantmanager":
        sections = klantmanager_sections(db.session, user.gemeente_id)
        area = "klantmanager"
    else:
        sections = partner_sections(db.session, user.partner_id)
        area = "werkgever" if is_werkgever_user() else "partner"
    # Every list but the partner's offers names people (referrals, waitlist entries).
    log_access("list", sorted({row.inburgeraar_id for s in sections if s["key"] != "vol"
                               for row in s["rows"]}))
    return render_template("werkbak.html", sections=sections, area=area)


def klantmanager_sections(session: Session, gemeente_id: int) -> list[dict]:
    counts = werkbak.klantmanager_counts(session, gemeente_id)
    return [
        {"key": "antwoorden", "title": "Antwoorden die om een volgende stap vragen",
         "empty": "Geen nieuwe antwoorden.", "count": counts.first,
         "hint": "Geaccepteerd: laat het de inburgeraar weten. Afgewezen of verlopen: "
                 "verwijs opnieuw in hetzelfde domein.",
         "rows": _referrals(session, werkbak.answers_needing_a_step(gemeente_id),
                            Referral.status_changed_at.desc())},
        {"key": "termijn", "title": "Verwijzingen die bijna verlopen",
         "empty": NONE_NEAR_EXPIRY,
         "count": counts.second,
         "hint": "Zonder antwoord van de partner vervalt een verwijzing na "
                 f"{EXPIRY_AFTER.days} dagen.",
         "rows": _referrals(session, werkbak.gemeente_near_expiry(gemeente_id),
                            Referral.status_changed_at)},
        {"key": "wachtlijst", "title": "Wachtlijstplaatsen die zijn vergeven",
         "empty": f"Geen wachtlijstplaatsen vergeven in de laatste {NEWS_WINDOW.days} dagen.",
         "count": counts.third,
         "hint": "Er kwam een plaats vrij en de verwijzing is vanzelf verstuurd.",
         "rows": session.scalars(
             werkbak.waitlist_places_handed_out(gemeente_id)
             .options(selectinload(WaitlistEntry.inburgeraar), selectinload(WaitlistEntry.offer))
             .order_by(WaitlistEntry.closed_at.desc(), WaitlistEntry.id).limit(SHOWN)).all()},
    ]


def partner_sections(session: Session, partner_id: int) -> list[dict]:
    counts = werkbak.partner_counts(session, partner_id)
    offers = session.execute(
        werkbak.partner_offers_full_or_waiting(partner_id).order_by(Offer.title, Offer.id)
        .limit(SHOWN)).all()
    return [
        {"key": "nieuw", "title": "Nieuwe verwijzingen om te beantwoorden",
         "empty": "Geen verwijzingen die op uw antwoord wachten.", "count": counts.first,
         "hint": f"Accepteer of wijs af; na {EXPIRY_AFTER.days} dagen zonder antwoord "
                 "vervalt een verwijzing.",
         "rows": _referrals(session, werkbak.partner_to_answer(partner_id),
                            Referral.status_changed_at)},
        {"key": "termijn", "title": "Verwijzingen die bijna verlopen",
         "empty": NONE_NEAR_EXPIRY, "count": counts.second,
         "hint": f"Deze vervallen binnen {(EXPIRY_AFTER - REMINDER_AFTER).days} dagen.",
         "rows": _referrals(session, werkbak.partner_near_expiry(partner_id),
                            Referral.status_changed_at)},
        {"key": "vol", "title": "Aanbod dat vol is of een wachtlijst heeft",
         "empty": ("Al uw open aanbod heeft vrije plaatsen en niemand wacht."
                   if _has_open_offers(session, partner_id) else "U heeft geen open aanbod."),
         "count": counts.third,
         "hint": "Meer plaatsen geven helpt wie op de wachtlijst staat meteen.",
         "rows": offers},
    ]


def _has_open_offers(session: Session, partner_id: int) -> bool:
    return session.scalar(select(exists().where(
        Offer.partner_id == partner_id, Offer.closed_at.is_(None))))


def _referrals(session: Session, query, order) -> list[Referral]:
    return list(session.scalars(
        query.options(selectinload(Referral.inburgeraar), selectinload(Referral.offer))
        .order_by(order, Referral.id).limit(SHOWN)))


def nav_count() -> int | None:
    """The number beside "Werkbak" in the navigation: everything on it."""
    user = current_user.user
    if user.role == "klantmanager":
        return werkbak.klantmanager_counts(db.session, user.gemeente_id).total
    if user.role == "partner":
        return werkbak.partner_counts(db.session, user.partner_id).total
    return None



