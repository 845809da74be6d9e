"""Use cases for offers: a partner (or the coordinator) posts, changes, closes and reopens them.

Fields come as a plain dict of the scenario contract's offer fields, already
of the right types; the rules that need the database or several fields at
once are checked here, all of them before anything is written, so every bad
field is named together. The capacity and the closing are written by
``models.places``, which moves the queue along.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from models import access, places
from models.coalition import Offer, Partner
from models.errors import Forbidden, InvalidInput
from models.field_rules import (
    OFFER_LIMITS,
    OFFER_REQUIRED,
    offer_field_errors,
    partner_offer_errors,
)
from models.geography import Postcode, can_look_up
from models.under_way import domain_move_errors

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
    elif not places.partner_takes_offers(session, partner_id):  # locked against a deactivation
        errors.append(_error("partner_id", "Deze partner is gedeactiveerd en neemt geen "
                                           "verwijzingen aan."))
    values = _clean(fields)
    errors += offer_errors(session, values, partner.kind) if partner else _check(session, values)
    if errors:
        raise InvalidInput("Het aanbod heeft ongeldige velden.", errors)
    return places.add_offer(session, partner_id=partner_id, **values)


def update_offer(
    session: Session, *, actor_id: int, offer_id: int, changes: Mapping[str, Any]
) -> Offer:
    """Change an offer's fields; capacity never below the places referrals hold. ``closed``
    (when given) closes the offer (True) or reopens it (False), as the portal's buttons do."""
    actor = access.get_actor(session, actor_id)
    # Locked, so that no referral takes a place while the capacity changes.
    offer = access.get_offer_to_manage(session, actor, offer_id, lock=True)
    closed = changes.get("closed")
    changes = _clean(changes)
    values = {name: getattr(offer, name) for name in OFFER_FIELDS} | changes
    errors = _check(session, values)
    # An offer posted before a rule existed stays changeable: only the changed fields count.
    errors += [e for e in partner_offer_errors(offer.partner.kind, values) if e["field"] in changes]
    if "capacity" in changes:
        errors += places.capacity_errors(session, offer, values["capacity"])
    errors += domain_move_errors(session, offer, changes.get("domain"))
    if errors:
        raise InvalidInput("Het aanbod heeft ongeldige velden.", errors)
    capacity = changes.pop("capacity", offer.capacity)
    if closed is False:
        places.reopen_offer(session, offer_id=offer.id)
    for name, value in changes.items():
        setattr(offer, name, value)
    session.flush()
    places.set_capacity(session, offer_id=offer.id, capacity=capacity)
    if closed:
        places.close_offer(session, offer_id=offer.id)
    # The answer shows the free places: let new places reach the queue first.
    places.handle_events(session)
    return offer


def close_offer(session: Session, *, actor_id: int, offer_id: int) -> None:
    """Close an offer: it takes no new referrals, but stays with its history."""
    actor = access.get_actor(session, actor_id)
    offer = access.get_offer_to_manage(session, actor, offer_id, lock=True)
    places.close_offer(session, offer_id=offer.id)


def reopen_offer(session: Session, *, actor_id: int, offer_id: int) -> None:
    """Open a closed offer again: it takes referrals as before (its queue was skipped)."""
    actor = access.get_actor(session, actor_id)
    offer = access.get_offer_to_manage(session, actor, offer_id, lock=True)
    places.reopen_offer(session, offer_id=offer.id)


def offer_errors(session: Session, values: Mapping[str, Any], partner_kind: str) -> list[dict]:
    """Every rule on a whole offer of a partner of this kind: the HSDS import checks these
    too (the order of levels and ages, the ranges), so they are written once, here."""
    return _check(session, values) + partner_offer_errors(partner_kind, values)


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
    errors += reference_errors(session, values)
    for name in ("min_age", "max_age", "hours_per_week"):
        limit, value = OFFER_LIMITS[name], values.get(name)
        if value is not None and not limit.minimum <= value <= limit.maximum:
            errors.append(_error(name, f"Tussen {limit.minimum:g} en {limit.maximum:g}."))
    return errors + offer_field_errors(values)


def reference_errors(session: Session, values: Mapping[str, Any]) -> list[dict]:
    """The offer's fields that must name what the database holds: a postcode of the U16.
    ``values`` may come from a body that failed validation (a wrong type is not named here)."""
    postcode = values.get("postcode")
    if can_look_up(postcode) and session.get(Postcode, postcode) is None:
        return [_error("postcode", "Deze postcode ligt niet in de regio Utrecht (U16).")]
    return []


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}
