"""Use cases for inburgeraars: a klantmanager (or the coordinator) records and changes them.

Pseudonymous: the fields are those of the scenario contract and no more.
Like ``models.offers``, every rule is checked before anything is written.
"""

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.vocab import MENTOR_KINDS
from models import access
from models.base import now_utc
from models.coalition import Partner
from models.errors import Forbidden, InvalidInput
from models.field_rules import person_field_errors
from models.geography import Gemeente, Postcode, can_look_up
from models.people import Inburgeraar, IntakeNeed, Need
from models.person_fields import NAMES as PERSON_FIELDS
from models.person_fields import empty_value
from models.pip import ALFA, SCENARIO_LEERROUTE, Pip, following_errors, pip_errors, recorded

# The brede intake asks for at least one domain with a need (API and portal alike).
NEEDS_REQUIRED = "Geef minstens één domein van de brede intake een gewicht."
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
KEEP = object()  # update_inburgeraar: leave the PIP as it is


def create_inburgeraar(
    session: Session,
    *,
    actor_id: int,
    gemeente_id: int | None,
    pseudonym: str | None,
    fields: Mapping[str, Any],
    needs: Mapping[str, float] | None,
    pip: Mapping[str, Any] | None = None,
    gemeente: str | None = None,
) -> Inburgeraar:
    """Record a new inburgeraar in ``gemeente_id`` (a klantmanager's own when None),
    with their PIP when the gemeente has decided on one. ``gemeente`` names it as
    the scenario format does, by its name, instead of or beside ``gemeente_id``.

    The needs are stored twice: as the needs, which later changes replace, and
    as the needs at intake (``Inburgeraar.intake_needs``), which stay as they were.
    """
    actor = access.get_actor(session, actor_id)
    errors = []
    if gemeente is not None:
        named = _gemeente_named(session, gemeente, gemeente_id, actor)
        if isinstance(named, dict):
            errors.append(named)
        else:
            gemeente_id = named
    if actor.role == "klantmanager":
        if gemeente_id not in (None, actor.gemeente_id):
            errors.append(_error(
                "gemeente_id", "Een klantmanager schrijft alleen in de eigen gemeente in."
            ))
        gemeente_id = actor.gemeente_id
    elif actor.role != "coordinator":
        raise Forbidden("Deze rol heeft geen toegang tot inburgeraars.")
    if gemeente_id is None and gemeente is None:
        errors.append(_error("gemeente_id", "Geef de gemeente op."))
    elif session.get(Gemeente, gemeente_id) is None:
        errors.append(_error("gemeente_id", "Deze gemeente bestaat niet."))
    if pseudonym and session.scalars(
        select(Inburgeraar.id).where(Inburgeraar.pseudonym == pseudonym)
    ).first():
        errors.append(_error("pseudonym", "Dit pseudoniem is al in gebruik."))
    if not needs:
        errors.append(_error("needs", NEEDS_REQUIRED))
    values = _clean(fields)
    errors += _check(session, values)
    pip_fields = None if pip is None else recorded(pip)
    errors += _check_pip(values, pip, pip_fields)
    if errors:
        raise InvalidInput("De inburgeraar heeft ongeldige velden.", errors)
    person = Inburgeraar(
        gemeente_id=gemeente_id, pseudonym=pseudonym or _new_pseudonym(session), **values
    )
    person.needs = [Need(domain=d, weight=w) for d, w in (needs or {}).items()]
    # The snapshot the forecast reads; update_inburgeraar never touches it.
    person.intake_needs = [IntakeNeed(domain=d, weight=w) for d, w in (needs or {}).items()]
    _record_pip(person, pip_fields)
    session.add(person)
    session.flush()
    return person


def _gemeente_named(session: Session, name: str, gemeente_id: int | None, actor):
    """The id of the gemeente ``name``, or the error naming ``gemeente``."""
    found = session.scalar(select(Gemeente.id).where(Gemeente.name == name.strip()))
    if found is None:
        return _error("gemeente", "Deze gemeente kent Wegwijs niet (een gemeente van de U16).")
    if gemeente_id is not None and gemeente_id != found:
        return _error("gemeente", "Deze gemeente is een andere dan die van gemeente_id.")
    if actor.role == "klantmanager" and found != actor.gemeente_id:
        return _error("gemeente", "Een klantmanager schrijft alleen in de eigen gemeente in.")
    return found


def update_inburgeraar(
    session: Session,
    *,
    actor_id: int,
    inburgeraar_id: int,
    changes: Mapping[str, Any],
    needs: Mapping[str, float] | None,
    pip: Mapping[str, Any] | None | object = KEEP,
) -> Inburgeraar:
    """Change an inburgeraar's fields; ``needs``, when given, replaces every need;
    ``pip`` replaces the PIP (None: no PIP any more; ``KEEP``: as it is)."""
    actor = access.get_actor(session, actor_id)
    person = access.get_inburgeraar(session, actor, inburgeraar_id)
    changes = _clean(changes)
    errors = _check(session, changes)
    if needs is not None and not needs:
        errors.append(_error("needs", NEEDS_REQUIRED))
    if pip is KEEP:
        pip_given = None
        pip_fields = None if person.pip is None else person.pip.as_dict()
    else:
        pip_given, pip_fields = pip, None if pip is None else recorded(pip)
    errors += _check_pip(changes, pip_given, pip_fields)
    if errors:
        raise InvalidInput("De inburgeraar heeft ongeldige velden.", errors)
    for name, value in changes.items():
        setattr(person, name, value)
    if pip is not KEEP or pip_fields is not None:
        _record_pip(person, pip_fields)
    if needs is not None:
        _replace_needs(session, person, needs)
    session.flush()
    return person


def intake_errors(
    session: Session, fields: Mapping[str, Any], pip: Mapping[str, Any] | None
) -> list[dict]:
    """What ``create_inburgeraar`` and ``update_inburgeraar`` would refuse in these fields
    and this PIP, without writing anything: a form that shows every error at once asks
    this beside its own checks, instead of finding these only once its own pass."""
    values = _clean(fields)
    return _check(session, values) + _check_pip(values, pip, None if pip is None else recorded(pip))


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
    """Only person fields; None is the field's empty value (a list's [], a flag's default)."""
    return {
        name: empty_value(name) if value is None else value
        for name, value in fields.items()
        if name in PERSON_FIELDS
    }


def _check(session: Session, values: Mapping[str, Any]) -> list[dict]:
    return person_field_errors(values) + reference_errors(session, values)


def reference_errors(session: Session, values: Mapping[str, Any]) -> list[dict]:
    """The person's fields that must name what the database holds: a postcode of the U16, an
    active peer mentor. ``values`` may come straight from a body that failed validation:
    a value of the wrong type is that check's to name, not this one's."""
    errors = []
    postcode = values.get("postcode")
    if can_look_up(postcode) and session.get(Postcode, postcode) is None:
        errors.append(_error("postcode", "Deze postcode ligt niet in de regio Utrecht (U16)."))
    mentor_id = values.get("mentor_id")
    if isinstance(mentor_id, int) and not isinstance(mentor_id, bool) and mentor_id >= 1:
        # A number beyond the database's integers names no partner either.
        mentor_id = mentor_id if mentor_id <= 2**31 - 1 else 0
        mentor = session.get(Partner, mentor_id)
        if mentor is None or mentor.kind not in MENTOR_KINDS or not mentor.active:
            errors.append(_error("mentor_id", "Geen actief maatjesproject of actieve mentor "
                                              "met dit id."))
    return errors


def _check_pip(
    values: Mapping[str, Any], given: Mapping[str, Any] | None, fields: Mapping[str, Any] | None
) -> list[dict]:
    """DUO's rules on a PIP being given, and the person's fields that must follow the PIP."""
    errors = pip_errors(given) if given is not None else []
    return errors + (following_errors(values, fields) if fields is not None else [])


def _record_pip(person: Inburgeraar, fields: Mapping[str, Any] | None) -> None:
    """Store the PIP, and the leerroute and literacy that follow from it."""
    if fields is None:
        person.pip = None
        return
    if person.pip is None:
        person.pip = Pip(**fields)
    else:
        for name, value in fields.items():
            setattr(person.pip, name, value)
    person.leerroute = SCENARIO_LEERROUTE[fields["leerroute"]]
    if fields["alfabetisering"] in ALFA:
        person.latin_literate = False
    person.updated_at = now_utc()  # the matcher's cache watches the person


def _new_pseudonym(session: Session) -> str:
    while True:
        candidate = "IB-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))
        if not session.scalars(
            select(Inburgeraar.id).where(Inburgeraar.pseudonym == candidate)
        ).first():
            return candidate


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}
