"""Use cases for inburgeraars: a klantmanager (or the coordinator) records and changes them.

Pseudonymous: the fields are those of the scenario contract and no more.
Like ``models.offers``, every rule is checked before anything is written.
"""

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import access
from models.base import now_utc
from models.coalition import Partner
from models.errors import Forbidden, InvalidInput
from models.geography import Gemeente, Postcode
from models.people import Inburgeraar, Need

PERSON_FIELDS = frozenset({
    "postcode", "gender", "birth_year", "arrived_on", "languages", "level", "leerroute",
    "education", "availability", "childcare_needed", "max_travel_km", "sectors", "mentor_id",
    "goals", "latin_literate", "duaal",
})
LIST_FIELDS = ("languages", "availability", "sectors")
FLAG_DEFAULTS = {"childcare_needed": False, "latin_literate": True, "duaal": False}
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def create_inburgeraar(
    session: Session,
    *,
    actor_id: int,
    gemeente_id: int | None,
    pseudonym: str | None,
    fields: Mapping[str, Any],
    needs: Mapping[str, float] | None,
) -> Inburgeraar:
    """Record a new inburgeraar in ``gemeente_id`` (a klantmanager's own when None)."""
    try:
        actor = access.get_actor(session, actor_id)
        errors = []
        if actor.role == "klantmanager":
            if gemeente_id not in (None, actor.gemeente_id):
                errors.append(_error(
                    "gemeente_id", "Een klantmanager schrijft alleen in de eigen gemeente in."
                ))
            gemeente_id = actor.gemeente_id
        elif actor.role != "coordinator":
            raise Forbidden("Deze rol heeft geen toegang tot inburgeraars.")
        if gemeente_id is None:
            errors.append(_error("gemeente_id", "Geef de gemeente op."))
        elif session.get(Gemeente, gemeente_id) is None:
            errors.append(_error("gemeente_id", "Deze gemeente bestaat niet."))
        if pseudonym and session.scalars(
            select(Inburgeraar.id).where(Inburgeraar.pseudonym == pseudonym)
        ).first():
            errors.append(_error("pseudonym", "Dit pseudoniem is al in gebruik."))
        values = _clean(fields)
        errors += _check(session, values)
        if errors:
            raise InvalidInput("De inburgeraar heeft ongeldige velden.", errors)
        person = Inburgeraar(
            gemeente_id=gemeente_id, pseudonym=pseudonym or _new_pseudonym(session), **values
        )
        person.needs = [Need(domain=d, weight=w) for d, w in (needs or {}).items()]
        session.add(person)
        session.commit()
        return person
    except Exception:
        session.rollback()
        raise


def update_inburgeraar(
    session: Session,
    *,
    actor_id: int,
    inburgeraar_id: int,
    changes: Mapping[str, Any],
    needs: Mapping[str, float] | None,
) -> Inburgeraar:
    """Change an inburgeraar's fields; ``needs``, when given, replaces every need."""
    try:
        actor = access.get_actor(session, actor_id)
        person = access.get_inburgeraar(session, actor, inburgeraar_id)
        changes = _clean(changes)
        errors = _check(session, changes)
        if errors:
            raise InvalidInput("De inburgeraar heeft ongeldige velden.", errors)
        for name, value in changes.items():
            setattr(person, name, value)
        if needs is not None:
            _replace_needs(session, person, needs)
        session.commit()
        return person
    except Exception:
        session.rollback()
        raise


def _replace_needs(session: Session, person: Inburgeraar, needs: Mapping[str, float]) -> None:
    current = {need.domain: need for need in person.needs}
    for domain, need in current.items():
        if domain not in needs:
            person.needs.remove(need)
    for domain, weight in needs.items():
        if domain in current:
            current[domain].weight = weight
        else:
            person.needs.append(Need(domain=domain, weight=weight))
    # Needs live in their own table: mark the person changed, which the matcher's cache watches.
    person.updated_at = now_utc()


def _clean(fields: Mapping[str, Any]) -> dict:
    """Only person fields; an absent list or flag is its empty value or default, not NULL."""
    values = {name: value for name, value in fields.items() if name in PERSON_FIELDS}
    for name in LIST_FIELDS:
        if name in values and values[name] is None:
            values[name] = []
    for name, default in FLAG_DEFAULTS.items():
        if name in values and values[name] is None:
            values[name] = default
    return values


def _check(session: Session, values: Mapping[str, Any]) -> list[dict]:
    errors = []
    if values.get("postcode") and session.get(Postcode, values["postcode"]) is None:
        errors.append(_error("postcode", "Deze postcode ligt niet in de regio Utrecht (U16)."))
    if values.get("mentor_id") is not None:
        mentor = session.get(Partner, values["mentor_id"])
        if mentor is None or mentor.kind not in ("mentor", "maatjesproject"):
            errors.append(_error("mentor_id", "Geen maatje of mentor met dit id."))
    return errors


def _new_pseudonym(session: Session) -> str:
    while True:
        candidate = "IB-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))
        if not session.scalars(
            select(Inburgeraar.id).where(Inburgeraar.pseudonym == candidate)
        ).first():
            return candidate


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}
