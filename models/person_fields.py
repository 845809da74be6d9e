"""An inburgeraar's recorded fields, declared once.

The fields a klantmanager records about a person (the scenario contract's,
besides the needs and the PIP), each with its *empty* value: what a field
left out of a new person holds, what ``null`` sets it back to in a change
(API and portal alike), and what the purge leaves. Everything that lists a
person's fields derives from here: the use cases (``models.inburgeraars``),
the engine's scenario (``models.matching_bridge``), the data subject's export
and the purge (``models.subject``), the API's bodies (``web/api``) and the
intake form; ``tests/unit/test_person_fields.py`` holds each of them to it.
"""

from copy import copy
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonField:
    name: str
    empty: Any = None  # left out, null, or purged: this value
    intake: bool = True  # recorded in the portal's brede intake


RECORDED_FIELDS = (
    PersonField("postcode"),
    PersonField("gender"),
    PersonField("birth_year"),
    PersonField("arrived_on"),
    PersonField("languages", empty=[]),
    PersonField("level"),
    PersonField("leerroute"),
    PersonField("education"),
    PersonField("availability", empty=[]),
    PersonField("childcare_needed", empty=False),
    PersonField("max_travel_km"),
    PersonField("sectors", empty=[]),
    # A peer mentor is linked through the API (the portal's intake has no mentor list yet).
    PersonField("mentor_id", intake=False),
    PersonField("goals"),
    PersonField("latin_literate", empty=True),
    # A duaal traject: taal and werk side by side, so their places must fit in one week.
    PersonField("duaal", empty=False),
)
NAMES = tuple(field.name for field in RECORDED_FIELDS)
_EMPTY = {field.name: field.empty for field in RECORDED_FIELDS}


def empty_value(name: str) -> Any:
    """The field's empty value, a fresh one (a list is never shared between people)."""
    return copy(_EMPTY[name])


def empty_values() -> dict[str, Any]:
    """Every recorded field at its empty value: what the purge leaves of a person."""
    return {name: empty_value(name) for name in NAMES}


def recorded_values(person) -> dict[str, Any]:
    """The person's recorded fields by name, as stored."""
    return {name: getattr(person, name) for name in NAMES}
