"""Use cases for offers: a partner (or the coordinator) posts, changes and closes them.

Fields come as a plain dict of the scenario contract's offer fields, already
of the right types; the rules that need the database or several fields at
once are checked here, all of them before anything is written, so every bad
field is named together.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from models import access
from models.base import now_utc
from models.capacity import held_places
from models.coalition import Offer, Partner
from models.errors import Forbidden, InvalidInput
from models.field_rules import OFFER_REQUIRED, partner_offer_errors
from models.geography import Postcode
from models.vocabulary import LEVELS
from models.waitlist import close_queue, fill_freed_places

OFFER_FIELDS = frozenset({
    "title", "domain", "kind", "capacity", "postcode", "lat", "lon", "min_level", "max_level",
    "leerroutes", "schedule", "languages", "women_only", "childcare", "min_age", "max_age",
    "sectors", "hours_per_week", "start", "description", "alfa",
})
LIST_FIELDS = ("leerroutes", "schedule", "languages", "sectors")
FLAG_FIELDS = ("women_only", "childcare", "alfa")


def create_offer(
    session: Session, *, actor_id: int, partner_id: int | None, fields: Mapping[str, Any]
) -> Offer:
    """Post a new offer for ``partner_id`` (a partner user's own when None)."""
    actor = access.get_actor(session, actor_id)
    if actor.role == "partner":
        if partner_id not in (None, actor.partner_id):
            raise Forbidden("Een partner plaatst alleen eigen aanbod.")
        partner_id = actor.partner_id
    elif actor.role != "coordinator":
        raise Forbidden("Alleen een partner of de coördinator plaatst aanbod.")
    errors = []
    partner = session.get(Partner, partner_id) if partner_id is not None else None
    if partner_id is None:
        errors.append(_error("partner_id", "Geef de partner van het aanbod op."))
    elif partner is None:
        errors.append(_error("partner_id", "Deze partner bestaat niet."))
    values = _clean(fields)
    errors += offer_errors(session, values, partner.kind) if partner else _check(session, values)
    if errors:
        raise InvalidInput("Het aanbod heeft ongeldige velden.", errors)
    offer = Offer(partner_id=partner_id, **values)
    session.add(offer)
    session.flush()
    return offer


def update_offer(
    session: Session, *, actor_id: int, offer_id: int, changes: Mapping[str, Any]
) -> Offer:
    """Change an offer's fields; capacity never below the places referrals hold."""
    actor = access.get_actor(session, actor_id)
    # Locked, so that no referral takes a place while the capacity changes.
    offer = access.get_offer_to_manage(session, actor, offer_id, lock=True)
    changes = _clean(changes)
    values = {name: getattr(offer, name) for name in OFFER_FIELDS} | changes
    errors = _check(session, values)
    # An offer posted before a rule existed stays changeable: only the changed fields count.
    errors += [e for e in partner_offer_errors(offer.partner.kind, values) if e["field"] in changes]
    if "capacity" in changes:
        errors += capacity_errors(session, offer, values["capacity"])
    if errors:
        raise InvalidInput("Het aanbod heeft ongeldige velden.", errors)
    raised = values["capacity"] > offer.capacity
    for name, value in changes.items():
        setattr(offer, name, value)
    session.flush()
    if raised:  # new places go to the waitlist first
        fill_freed_places(session, offer.id)
    return offer


def close_offer(session: Session, *, actor_id: int, offer_id: int) -> None:
    """Close an offer: it takes no new referrals, but stays with its history."""
    actor = access.get_actor(session, actor_id)
    offer = access.get_offer_to_manage(session, actor, offer_id, lock=True)
    if offer.closed_at is None:
        offer.closed_at = now_utc()
        close_queue(session, offer.id)
    session.flush()


def reopen_offer(session: Session, *, actor_id: int, offer_id: int) -> None:
    """Open a closed offer again: it takes referrals as before (its queue was skipped)."""
    actor = access.get_actor(session, actor_id)
    offer = access.get_offer_to_manage(session, actor, offer_id, lock=True)
    offer.closed_at = None
    session.flush()


def offer_errors(session: Session, values: Mapping[str, Any], partner_kind: str) -> list[dict]:
    """Every rule on a whole offer of a partner of this kind (the HSDS import checks these too)."""
    return _check(session, values) + partner_offer_errors(partner_kind, values)


def capacity_errors(session: Session, offer: Offer, capacity: int) -> list[dict]:
    """Capacity never below the places referrals hold; the caller has locked the offer's row."""
    held = held_places(session, [offer.id])[offer.id]
    if capacity >= held:
        return []
    return [_error(
        "capacity",
        f"Er zijn al {held} plekken bezet door verwijzingen; de capaciteit kan niet lager zijn.",
    )]


def _clean(fields: Mapping[str, Any]) -> dict:
    """Only offer fields; an absent list or flag is its empty value, not NULL."""
    values = {name: value for name, value in fields.items() if name in OFFER_FIELDS}
    for name in LIST_FIELDS:
        if name in values and values[name] is None:
            values[name] = []
    for name in FLAG_FIELDS:
        if name in values and values[name] is None:
            values[name] = False
    for name in ("title", "domain", "capacity"):
        if name in values and values[name] is None:
            values.pop(name)
    return values


def _check(session: Session, values: Mapping[str, Any]) -> list[dict]:
    errors = []
    for required in OFFER_REQUIRED:
        if values.get(required) is None:
            errors.append(_error(required, "Dit veld is verplicht."))
    if values.get("postcode") and session.get(Postcode, values["postcode"]) is None:
        errors.append(_error("postcode", "Deze postcode ligt niet in de regio Utrecht (U16)."))
    if values.get("title") is not None and not values["title"].strip():
        errors.append(_error("title", "Geef een titel op."))
    low, high = values.get("min_level"), values.get("max_level")
    if low and high and LEVELS.index(low) > LEVELS.index(high):
        errors.append(_error("max_level", "Het maximumniveau ligt onder het minimumniveau."))
    low_age, high_age = values.get("min_age"), values.get("max_age")
    if low_age is not None and high_age is not None and low_age > high_age:
        errors.append(_error("max_age", "De maximumleeftijd ligt onder de minimumleeftijd."))
    if (values.get("lat") is None) != (values.get("lon") is None):
        errors.append(_error("lon" if values.get("lon") is None else "lat",
                             "Geef lat en lon samen op."))
    return errors


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}
