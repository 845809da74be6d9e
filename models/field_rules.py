"""Every field's limits, the required fields, and which partner may post which offers: once.

The API's pydantic schemas (``web/api/schemas.py``) and the portal's forms
(``web/portal/offer_forms.py``, ``web/portal/intake_form.py``) take their
limits from here, so the two doors cannot disagree; the choice lists are the
vocabularies of ``models.vocabulary``. The use cases check what spans fields
or depends on the partner (``partner_offer_errors``).
``tests/unit/test_field_rules.py`` walks every field of both and compares.
"""

from dataclasses import dataclass

from models.vocabulary import DOMAINS


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


def _error(field: str, message: str) -> dict:
    return {"field": field, "message": message}
