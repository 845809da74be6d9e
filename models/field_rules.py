"""Every field's limits, the required fields, and which partner may post which offers: once.

The API's pydantic schemas (``web/api/schemas.py``) and the portal's forms
(``web/portal/offer_forms.py``, ``web/portal/intake_form.py``) take their
limits from here, so the two doors cannot disagree; the choice lists are the
vocabularies of ``models.vocabulary``. The use cases check what spans fields
or depends on the partner (``partner_offer_errors``).
``tests/unit/test_field_rules.py`` walks every field of both and compares.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.clock import local_today
from models.vocabulary import DOMAINS, LEVELS


@dataclass(frozen=True)
class TextLimit:
    max_length: int
    min_length: int = 0


@dataclass(frozen=True)
class NumberLimit:
    minimum: float
    maximum: float


PC4_PATTERN = r"^[1-9][0-9]{3}$"  # a Dutch postcode's four digits
PSEUDONYM_PATTERN = r"^[A-Z0-9-]{3,16}$"  # never a name: capitals, digits, dashes
TITLE = TextLimit(max_length=200, min_length=1)
# Free text written about a person or an offer: descriptions, notes, reasons, goals.
LONG_TEXT = TextLimit(max_length=2000)
SECTORS = TextLimit(max_length=200)  # one sector (API), or the portal's comma-separated list
CAPACITY = NumberLimit(0, 10_000)
AGE = NumberLimit(0, 120)
HOURS_PER_WEEK = NumberLimit(0, 60)
MAX_TRAVEL_KM = NumberLimit(1, 100)
BIRTH_YEAR = NumberLimit(1900, 2100)

OFFER_LIMITS = {
    "title": TITLE,
    "description": LONG_TEXT,
    "capacity": CAPACITY,
    "min_age": AGE,
    "max_age": AGE,
    "hours_per_week": HOURS_PER_WEEK,
    "sectors": SECTORS,
}
PERSON_LIMITS = {
    "goals": LONG_TEXT,
    "max_travel_km": MAX_TRAVEL_KM,
    "birth_year": BIRTH_YEAR,
    "sectors": SECTORS,
}
REFERRAL_LIMITS = {"note": LONG_TEXT, "reason": LONG_TEXT}

OFFER_REQUIRED = ("title", "domain", "capacity")
# A werkgever posts plekken in the domain werk, with what a job needs besides.
WERKGEVER_OFFER_KINDS = ("baan", "stage", "werkervaringsplek", "vrijwilligerswerk")
WERKGEVER_REQUIRED = ("kind", "sectors", "hours_per_week")
# Other partners: anything but a job; volunteering too (a welzijn organisation's).
OTHER_OFFER_KINDS = (
    "taalcursus", "maatje", "mentoraat", "opleiding", "activiteit", "vrijwilligerswerk",
)

# What a partner sees of a person referred to it: what the referral needs, no more.
REFERRED_PERSON_FIELDS = ("pseudonym", "level", "leerroute", "availability")


def offer_kinds_for(partner_kind: str) -> tuple[str, ...]:
    return WERKGEVER_OFFER_KINDS if partner_kind == "werkgever" else OTHER_OFFER_KINDS


def domains_for(partner_kind: str) -> tuple[str, ...]:
    return ("werk",) if partner_kind == "werkgever" else DOMAINS


def partner_offer_errors(partner_kind: str, values: dict) -> list[dict]:
    """What a partner of this kind may not post: domain, kind, and a werkgever's required fields."""
    errors = []
    if values.get("domain") is not None and values["domain"] not in domains_for(partner_kind):
        errors.append(_error("domain", "Een werkgever plaatst alleen plekken in het domein werk."))
    kind = values.get("kind")
    if kind is not None and kind not in offer_kinds_for(partner_kind):
        allowed = ", ".join(offer_kinds_for(partner_kind))
        errors.append(_error("kind", f"Deze partner plaatst alleen: {allowed}."))
    if partner_kind == "werkgever":
        errors += [
            _error(name, "Dit veld is verplicht voor een plek.")
            for name in WERKGEVER_REQUIRED
            if values.get(name) in (None, [], "")
        ]
    return errors


def offer_field_errors(values: Mapping[str, Any]) -> list[dict]:
    """The rules across an offer's fields that need no database: each names its field.

    Tolerant of values of the wrong type (the schema names those): such a value
    breaks no rule here.
    """
    errors = []
    title = values.get("title")
    if isinstance(title, str) and not title.strip():
        errors.append(_error("title", "Geef een titel op."))
    low, high = values.get("min_level"), values.get("max_level")
    if low in LEVELS and high in LEVELS and LEVELS.index(low) > LEVELS.index(high):
        errors.append(_error("max_level", "Het maximumniveau ligt onder het minimumniveau."))
    low_age, high_age = values.get("min_age"), values.get("max_age")
    if _number(low_age) and _number(high_age) and low_age > high_age:
        errors.append(_error("max_age", "De maximumleeftijd ligt onder de minimumleeftijd."))
    return errors + coordinates_errors(values)


def coordinates_errors(values: Mapping[str, Any]) -> list[dict]:
    """``lat`` and ``lon`` only together: both numbers, both null, or both left out."""
    if ("lat" in values) != ("lon" in values) or (
        (values.get("lat") is None) != (values.get("lon") is None)
    ):
        return [_error("lon" if values.get("lon") is None else "lat",
                       "Geef lat en lon samen op.")]
    return []


def person_field_errors(values: Mapping[str, Any], today: date | None = None) -> list[dict]:
    """The rules on a person's fields that need no database: nothing recorded lies ahead."""
    today = today or local_today()
    errors = past_date_errors("arrived_on", values.get("arrived_on"), today)
    year = values.get("birth_year")
    if _number(year) and year > today.year:
        errors.append(_error("birth_year", "Een geboortejaar ligt niet in de toekomst."))
    return errors


def past_date_errors(field: str, value: Any, today: date | None = None) -> list[dict]:
    """A date that records what happened (arrival in the Netherlands, a PIP's dagtekening)
    cannot lie after today. A date as ``date`` or as ``YYYY-MM-DD`` text; anything else
    is the schema's to refuse."""
    day = as_date(value)
    if day is not None and day > (today or local_today()):
        return [_error(field, "Deze datum ligt in de toekomst; vul in wat al gebeurd is.")]
    return []


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}
