"""Request and response bodies of API v1, as pydantic models.

The same declarations validate the requests (through spectree) and make the
OpenAPI document. Vocabularies come from ``models.vocabulary``, so the API
accepts exactly what the database's CHECK constraints do.
"""

import json
import re
from datetime import UTC, date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from models import field_rules as rules
from models import inburgeraars, offers, person_fields
from models import pip as pip_rules
from models.access import OFFER_LIST_STATUSES
from models.pip import ALFABETISERING, MAX_UREN, PIP_LEERROUTES, PIP_NIVEAUS
from models.reason_codes import OTHER, REASON_CODES
from models.referral_service import TRANSITIONS
from models.vocabulary import (
    DAYPARTS,
    DOMAINS,
    EDUCATION,
    GENDERS,
    LEERROUTES,
    LEVELS,
    OFFER_KINDS,
    REFERRAL_STATUSES,
)

Domain = Literal[DOMAINS]
Level = Literal[LEVELS]
Leerroute = Literal[LEERROUTES]
Daypart = Literal[DAYPARTS]
Gender = Literal[GENDERS]
Education = Literal[EDUCATION]
OfferKind = Literal[OFFER_KINDS]
ReferralStatus = Literal[REFERRAL_STATUSES]
ReasonCode = Literal[REASON_CODES]



def _integral(value):
    # JSON has one kind of number: 5.0 is the integer 5, as JSON Schema's "integer" says.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def integer(**limits):
    """A whole number in a body within ``limits``: 5 or 5.0, never "5" or true."""
    return Annotated[int, Field(**limits), BeforeValidator(_integral)]


# Ids are PostgreSQL integers; larger numbers cannot name anything.
Id = integer(ge=1, le=2**31 - 1)
# PostgreSQL text cannot hold NUL characters.
_NO_NUL = r"^[^\x00]*$"
# Limits from models.field_rules, the same the portal's forms take.
Text = Annotated[str, Field(max_length=rules.LONG_TEXT.max_length, pattern=_NO_NUL)]
Sector = Annotated[str, Field(max_length=rules.SECTORS.max_length, pattern=_NO_NUL)]
Title = Annotated[str, Field(min_length=rules.TITLE.min_length,
                             max_length=rules.TITLE.max_length, pattern=_NO_NUL)]
Pc4 = Annotated[str, Field(pattern=rules.PC4_PATTERN, examples=["3512"])]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", examples=["nl", "ar", "ti"])]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Age = integer(ge=rules.AGE.minimum, le=rules.AGE.maximum)
Capacity = integer(ge=rules.CAPACITY.minimum, le=rules.CAPACITY.maximum)
HoursPerWeek = Annotated[
    float, Field(ge=rules.HOURS_PER_WEEK.minimum, le=rules.HOURS_PER_WEEK.maximum)
]
BirthYear = integer(ge=rules.BIRTH_YEAR.minimum, le=rules.BIRTH_YEAR.maximum)
TravelKm = Annotated[float, Field(ge=rules.MAX_TRAVEL_KM.minimum, le=rules.MAX_TRAVEL_KM.maximum)]
Weight = Annotated[float, Field(gt=0, le=100)]


def _as_utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they were stored as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# A moment the API answers with: UTC with its offset (RFC 3339), on every database.
Timestamp = Annotated[datetime, AfterValidator(_as_utc)]

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def _rfc3339_text(value):
    # Pydantic would also take a number of seconds, or a moment without its zone.
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise PydanticCustomError("rfc3339", "not an RFC 3339 date-time with offset")
    return value


# A moment the API is asked about: RFC 3339 with its offset, nothing else.
Moment = Annotated[AwareDatetime, BeforeValidator(_rfc3339_text)]


def _without_default(schema: dict) -> None:
    schema.pop("default", None)


def absent(description: str | None = None):
    """An optional query parameter: absent rather than null, so the document gives no default.

    Use with ``X | SkipJsonSchema[None]``; a ``null`` default would not be a valid ``X``.
    """
    return Field(default=None, description=description, json_schema_extra=_without_default)


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Body(Schema):
    """A JSON request body: JSON's own types only (no ``0`` for false, no ``"5"`` for 5).

    A 422 names every bad field at once: when a field is invalid, so that the
    use case never runs, the use case's rules across fields that need no
    database (``rule_errors``, the shared functions of ``models``) are named
    beside it. ``shape_errors`` are rules the document itself states
    (``dependentRequired``): always checked here.
    """

    model_config = ConfigDict(strict=True)

    @classmethod
    def rule_errors(cls, values: dict) -> list[dict]:
        """``[{"field", "message"}]``: the use case's rules across fields, on the values
        as given (JSON, possibly of the wrong type: such a value breaks no rule)."""
        return []

    @classmethod
    def shape_errors(cls, values: dict) -> list[dict]:
        """The rules across fields that the document states, on the values as given."""
        return []

    @classmethod
    def reference_errors(cls, session, values: dict) -> list[dict]:
        """The fields that must name what the database holds, on the values as given: named
        beside the invalid fields when the body fails validation (otherwise the use case
        checks them)."""
        return []

    @model_validator(mode="wrap")
    @classmethod
    def _every_bad_field(cls, data, handler: ModelWrapValidatorHandler):
        raw = data if isinstance(data, dict) else {}
        try:
            body = handler(data)
        except ValidationError as error:
            broken = cls.shape_errors(raw) + cls.rule_errors(raw)
            if not broken:
                raise
            raise _with_rule_errors(cls, error.errors(), broken) from None
        if broken := cls.shape_errors(raw):
            raise _with_rule_errors(cls, [], broken + cls.rule_errors(raw))
        return body


def _with_rule_errors(model: type, found: list, broken: list[dict]) -> ValidationError:
    """One ValidationError with pydantic's errors and the broken rules, each at its field."""
    return ValidationError.from_exception_data(model.__name__, [
        *({"type": PydanticCustomError(e["type"], e["msg"], e.get("ctx")), "loc": e["loc"],
           "input": e["input"]} for e in found),
        *({"type": PydanticCustomError("rule", "{message}", {"message": b["message"]}),
           "loc": tuple(b["field"].split(".")), "input": None} for b in broken),
    ])


def emptied(empty) -> str:
    """What ``null`` sets a field to: its empty value (the one meaning of null in every body)."""
    if empty is None:
        return "null maakt het veld leeg"
    if isinstance(empty, bool):
        return f"null zet het terug op de standaard ({json.dumps(empty)})"
    return f"null maakt het leeg ({json.dumps(empty)})"


def absent_or_empty(name: str, description: str | None = None):
    """A person field: left out, unchanged (new: empty); null, its empty value."""
    said = emptied(person_fields.empty_value(name))
    return Field(default=None, description=f"{description}. {said}" if description else said)


def _iso_date_text(value):
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("date_type", "not a date as YYYY-MM-DD")
    return value


# JSON has no date type: a body's date is a YYYY-MM-DD string (not a number), parsed here.
Day = Annotated[date, Field(strict=False), BeforeValidator(_iso_date_text)]


# --- tokens -----------------------------------------------------------------------


class TokenRequest(Body):
    email: Annotated[str, Field(min_length=1, max_length=254, pattern=_NO_NUL)]
    password: Annotated[str, Field(min_length=1, max_length=1024, pattern=_NO_NUL)]
    otp: Annotated[str, Field(max_length=64, pattern=_NO_NUL)] | None = Field(
        default=None,
        description="De huidige TOTP-code, of een van de herstelcodes; verplicht voor elk "
        "account met een tweede factor (genegeerd voor de demo-accounts)",
    )


class TokenResponse(Schema):
    token: str
    expires_at: Timestamp


# --- offers -----------------------------------------------------------------------


def _offer_rules(schema: dict) -> None:
    """The rules across an offer's fields (``models.field_rules``) the document can state:
    ``lat`` and ``lon`` together (both numbers, or both null), levels in order."""
    schema["dependentRequired"] = {"lat": ["lon"], "lon": ["lat"]}
    schema["allOf"] = [
        *({"if": {"properties": {one: {"type": "number"}}, "required": [one]},
           "then": {"properties": {other: {"type": "number"}}}}
          for one, other in (("lat", "lon"), ("lon", "lat"))),
        *({"if": {"properties": {"min_level": {"const": low}}, "required": ["min_level"]},
           "then": {"properties": {"max_level": {"not": {"enum": list(LEVELS[:rank])}}}}}
          for rank, low in enumerate(LEVELS) if rank),
    ]


def empty_field(empty):
    """An optional body field whose ``null`` is ``empty`` (left out: unchanged, or empty)."""
    return Field(default=None, description=emptied(empty))


class OfferFields(Body):
    """Fields of an offer as the scenario contract names them; all optional here.

    Left out, a field stays as it is (a new offer: empty); ``null`` sets it to
    its empty value: a list ``[]``, a flag ``false``, anything else none.
    ``title``, ``domain`` and ``capacity`` cannot be empty; ``lat`` and
    ``lon`` go together.
    """

    model_config = ConfigDict(json_schema_extra=_offer_rules)

    title: Title = absent("Niet leeg, niet null")
    domain: Domain = absent("Niet null")
    kind: OfferKind | None = empty_field(None)
    capacity: Capacity = absent("Plekken in totaal; niet null")
    postcode: Pc4 | None = empty_field(None)
    lat: Latitude | None = Field(default=None, description="Samen met lon; " + emptied(None))
    lon: Longitude | None = Field(default=None, description="Samen met lat; " + emptied(None))
    min_level: Level | None = empty_field(None)
    max_level: Level | None = empty_field(None)
    leerroutes: list[Leerroute] | None = empty_field([])
    schedule: list[Daypart] | None = empty_field([])
    languages: list[Language] | None = empty_field([])
    women_only: bool | None = empty_field(False)
    childcare: bool | None = empty_field(False)
    min_age: Age | None = empty_field(None)
    max_age: Age | None = empty_field(None)
    sectors: list[Sector] | None = empty_field([])
    hours_per_week: HoursPerWeek | None = empty_field(None)
    start: Day | None = empty_field(None)
    description: Text | None = empty_field(None)
    alfa: bool | None = empty_field(False)

    @classmethod
    def rule_errors(cls, values: dict) -> list[dict]:
        return rules.offer_field_errors(values)

    @classmethod
    def reference_errors(cls, session, values: dict) -> list[dict]:
        return offers.reference_errors(session, values)

    @classmethod
    def shape_errors(cls, values: dict) -> list[dict]:
        return rules.coordinates_errors(values)


class OfferCreate(OfferFields):
    """A new offer; ``partner_id`` is the caller's own partner when left out."""

    partner_id: Id | None = Field(
        default=None, description="Verplicht voor de coördinator; weggelaten of null bij een "
        "partner: de eigen"
    )
    title: Title
    domain: Domain
    capacity: Capacity


class OfferChange(OfferFields):
    """The fields to change: left out, a field stays as it is; ``null`` empties it
    (a list ``[]``, a flag ``false``); ``title``, ``domain``, ``capacity`` and ``closed``
    take no null."""

    closed: bool = absent("true sluit het aanbod (zoals DELETE: de wachtlijst vervalt), false "
                          "heropent een gesloten aanbod; niet null")


class Offer(BaseModel):
    id: int
    partner_id: int
    title: str
    domain: Domain
    kind: OfferKind | None
    capacity: int = Field(description="Plekken in totaal")
    free: int = Field(description="Plekken die geen verwijzing vasthoudt (alleen-lezen)")
    postcode: str | None
    lat: float | None
    lon: float | None
    min_level: Level | None
    max_level: Level | None
    leerroutes: list[str]
    schedule: list[str]
    languages: list[str]
    women_only: bool
    childcare: bool
    min_age: int | None
    max_age: int | None
    sectors: list[str]
    hours_per_week: float | None
    start: date | None
    description: str | None
    alfa: bool
    closed: bool
    hsds_service_id: UUID = Field(
        description="Id van de HSDS-service van dit aanbod: /hsds/services/{id} (zolang open)"
    )
    hsds_organization_id: UUID | None = Field(
        description="Id van de HSDS-organization van de partner: /hsds/organizations/{id}; "
        "null voor een maatje, dat onder zijn maatjesproject gepubliceerd wordt"
    )


class OfferList(BaseModel):
    offers: list[Offer]


class OfferQuery(Schema):
    domain: Domain | SkipJsonSchema[None] = absent()
    partner_id: Id | SkipJsonSchema[None] = absent()
    status: Literal[OFFER_LIST_STATUSES] = Field(
        default="open",
        description="open (standaard), closed of all; gesloten aanbod ziet een partner alleen "
        "van zichzelf, de coördinator alles",
    )


# --- inburgeraars -----------------------------------------------------------------


PipLeerroute = Literal[PIP_LEERROUTES]
PipNiveau = Literal[PIP_NIVEAUS]
Alfabetisering = Literal[ALFABETISERING]


def _duo_rules(schema: dict) -> None:
    """DUO's rules across a PIP's fields (``models.pip``), as the document states them."""
    schema["allOf"] = [
        *({"not": {"properties": {"niveau": {"const": niveau}, "leerroute": {"const": route}},
                   "required": ["niveau", "leerroute"]}}
          for niveau, route, _ in pip_rules.EXCLUDED),
        {"if": {"properties": {"intensiteit_b1_uren": {"type": "integer"}},
                "required": ["intensiteit_b1_uren"]},
         "then": {"properties": {"leerroute": {"const": pip_rules.UREN_LEERROUTE}}}},
    ]


class PipFields(Body):
    """The PIP as DUO holds it; DUO's rules across fields are a 422 naming the field."""

    model_config = ConfigDict(json_schema_extra=_duo_rules)

    dagtekening: Day = Field(description="Datum van het PIP-besluit")
    leerroute: PipLeerroute = Field(description="B (B1-route), O (onderwijsroute), Z (Z-route)")
    niveau: PipNiveau | None = Field(
        default=None, description="Weggelaten bij B of O: B1 wordt vastgelegd. A2 niet bij O; "
        "B1 niet bij Z"
    )
    intensiteit_b1_uren: integer(ge=1, le=MAX_UREN) | None = Field(
        default=None, description="Geschatte intensiteit, alleen bij de B1-route"
    )
    alfabetisering: Alfabetisering = Field(
        default="NVT", description="A of AA: alfabetisering hoort bij de route"
    )


class Pip(BaseModel):
    dagtekening: date
    leerroute: PipLeerroute
    niveau: PipNiveau | None
    intensiteit_b1_uren: int | None
    alfabetisering: Alfabetisering


# At least one domain: the brede intake asks for a need.
Needs = Annotated[dict[Domain, Weight], Field(min_length=1)]
NEEDS = "Per domein het gewicht van de hulpvraag (> 0); minstens één domein"


def _following_the_pip(schema: dict) -> None:
    """The fields that follow from a PIP given in the body (``models.pip.following_errors``)."""
    def given(**pip) -> dict:
        return {"properties": {"pip": {"type": "object", "properties": pip,
                                       "required": list(pip)}}, "required": ["pip"]}

    schema["allOf"] = [
        *({"if": given(leerroute={"const": duo}),
           "then": {"properties": {"leerroute": {"enum": [route, None]}}}}
          for duo, route in pip_rules.SCENARIO_LEERROUTE.items()),
        # Not null either: null is the flag's default, literate.
        {"if": given(alfabetisering={"enum": list(pip_rules.ALFA)}),
         "then": {"properties": {"latin_literate": {"const": False}}}},
    ]


class InburgeraarFields(Body):
    """A person's recorded fields (``models.person_fields``), the needs and the PIP.

    Left out, a field stays as it is (a new person: empty); ``null`` sets it
    to its empty value (each field says which): a list ``[]``, a flag its
    default, ``pip`` no PIP; ``needs`` cannot be empty. Dates that record
    what happened (``arrived_on``, the PIP's ``dagtekening``) lie not after today.
    """

    model_config = ConfigDict(json_schema_extra=_following_the_pip)

    postcode: Pc4 | None = absent_or_empty("postcode")
    gender: Gender | None = absent_or_empty("gender")
    birth_year: BirthYear | None = absent_or_empty("birth_year", "Niet na dit jaar")
    arrived_on: Day | None = absent_or_empty("arrived_on", "In Nederland sinds; niet na vandaag")
    languages: list[Language] | None = absent_or_empty("languages")
    level: Level | None = absent_or_empty("level")
    leerroute: Leerroute | None = absent_or_empty("leerroute", "Volgt uit het PIP als dat er is")
    education: Education | None = absent_or_empty("education")
    availability: list[Daypart] | None = absent_or_empty("availability")
    childcare_needed: bool | None = absent_or_empty("childcare_needed")
    max_travel_km: TravelKm | None = absent_or_empty("max_travel_km")
    sectors: list[Sector] | None = absent_or_empty("sectors")
    mentor_id: Id | None = absent_or_empty("mentor_id", "Een maatje of mentor (partner)")
    goals: Text | None = absent_or_empty("goals")
    latin_literate: bool | None = absent_or_empty(
        "latin_literate", "Onwaar wanneer het PIP alfabetisering toekent"
    )
    duaal: bool | None = absent_or_empty(
        "duaal", "Duaal traject: taal en werk naast elkaar, in één week"
    )
    needs: Needs = absent(NEEDS + "; weglaten laat ze staan, null kan niet")
    pip: PipFields | None = Field(
        default=None,
        description="Het PIP; leerroute en latin_literate volgen eruit. null: geen PIP "
        "(verwijdert het), weglaten laat het staan",
    )

    @classmethod
    def rule_errors(cls, values: dict) -> list[dict]:
        pip = values.get("pip")
        if not isinstance(pip, dict):
            return rules.person_field_errors(values)
        return [*rules.person_field_errors(values), *pip_rules.pip_errors(pip),
                *pip_rules.following_errors(values, pip)]

    @classmethod
    def reference_errors(cls, session, values: dict) -> list[dict]:
        return inburgeraars.reference_errors(session, values)


class InburgeraarCreate(InburgeraarFields):
    """A new inburgeraar; a klantmanager's own gemeente when ``gemeente_id`` is left out."""

    pseudonym: Annotated[str, Field(pattern=rules.PSEUDONYM_PATTERN)] | None = Field(
        default=None, description="Gegenereerd wanneer weggelaten of null"
    )
    gemeente_id: Id | None = Field(
        default=None, description="Verplicht voor de coördinator (of gemeente); weggelaten of "
        "null bij een klantmanager: de eigen gemeente"
    )
    gemeente: Annotated[str, Field(min_length=1, max_length=100, pattern=_NO_NUL)] | None = Field(
        default=None, description="De naam van de gemeente (een gemeente van de U16), zoals "
        "het scenarioformaat haar noemt: in plaats van of naast gemeente_id; weggelaten of null: "
        "gemeente_id beslist"
    )
    needs: Needs = Field(description=NEEDS)


class InburgeraarChange(InburgeraarFields):
    """The fields to change: left out, a field stays as it is; ``null`` empties it (each
    field says to what; ``pip``: no PIP); ``needs``, when given, replaces all needs."""


class Inburgeraar(BaseModel):
    id: int
    pseudonym: str
    gemeente_id: int
    gemeente: str = Field(description="De naam van de gemeente, zoals het scenarioformaat")
    postcode: str | None
    gender: Gender | None
    birth_year: int | None
    arrived_on: date | None
    languages: list[str]
    level: Level | None
    leerroute: Leerroute | None
    education: Education | None
    availability: list[str]
    childcare_needed: bool
    max_travel_km: float | None
    sectors: list[str]
    mentor_id: int | None
    goals: str | None
    latin_literate: bool
    duaal: bool
    needs: dict[str, float]
    pip: Pip | None


class InburgeraarList(BaseModel):
    inburgeraars: list[Inburgeraar]


class MatchQuery(Schema):
    domain: Domain | SkipJsonSchema[None] = absent()
    top: Annotated[int, Field(ge=1, le=100)] = 10


class Match(BaseModel):
    offer_id: int
    partner_id: int
    domain: Domain
    score: Annotated[float, Field(ge=0, le=1, description="estimated chance that a referral "
                                  "succeeds (ends completed), calibrated on the history")]
    components: dict[str, float] = Field(description="each component that applies: its "
                                         "contribution to the chance (0.06 = +6 percentage "
                                         "points)")
    reasons: list[str] = Field(description="in Dutch, largest contribution first")


class MatchList(BaseModel):
    matches: list[Match]
    served_by: int | None = Field(description="De lopende verwijzing (verzonden, "
                                  "geaccepteerd of gestart) van deze inburgeraar in het "
                                  "gevraagde domein; null als er geen is of geen domein is "
                                  "gevraagd. De aanbiedingen staan er nog, voor een extra "
                                  "verwijzing (additional)")


# --- referrals --------------------------------------------------------------------


class ReferralCreate(Body):
    inburgeraar_id: Id
    offer_id: Id
    note: Text | None = Field(None, description="Wat de partner moet weten; geen BSN, "
                              "telefoonnummer, e-mailadres of IBAN (422)")
    additional: bool = Field(False, description="Een extra verwijzing naast een lopende in "
                             "hetzelfde domein (een tweede cursus, een taalcafé naast een "
                             "cursus); zonder: 409 als er al een loopt")


# A character that is not whitespace, to Python (which strips the reason) and JSON Schema alike.
_VISIBLE = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def _reason_rules(schema: dict) -> None:
    """``models.reason_codes.check_reason`` as the document states it: a code with the moves
    that need one (``models.referral_service.TRANSITIONS``) and only those, and ``anders``
    with its text."""
    coded = sorted({t.target.value for t in TRANSITIONS.values() if t.needs_reason})
    schema["allOf"] = [
        {"if": {"properties": {"status": {"enum": coded}}},
         "then": {"required": ["reason_code"],
                  "properties": {"reason_code": {"not": {"type": "null"}}}},
         "else": {"properties": {"reason_code": {"type": "null"}}}},
        {"if": {"properties": {"reason_code": {"const": OTHER}}, "required": ["reason_code"]},
         "then": {"required": ["reason"],
                  "properties": {"reason": {"type": "string", "pattern": _VISIBLE}}}},
    ]


class ReferralChange(Body):
    model_config = ConfigDict(json_schema_extra=_reason_rules)

    status: ReferralStatus
    reason_code: ReasonCode | None = Field(
        None, description="Verplicht bij declined en dropped, anders null; bij anders ook reason"
    )
    reason: Text | None = None


class ReferralQuery(Schema):
    status: ReferralStatus | SkipJsonSchema[None] = absent()
    offer_id: Id | SkipJsonSchema[None] = absent()


class ReferredPerson(BaseModel):
    """What the receiving partner needs of the inburgeraar, and no more."""

    pseudonym: str
    level: Level | None
    leerroute: Leerroute | None
    availability: list[str]


class ReferralEvent(BaseModel):
    at: Timestamp
    from_status: ReferralStatus | None
    to_status: ReferralStatus
    reason_code: ReasonCode | None
    reason: str | None


class Referral(BaseModel):
    id: int
    offer_id: int
    inburgeraar_id: int | None = Field(description="Niet voor partners: die zien het pseudoniem")
    inburgeraar: ReferredPerson
    status: ReferralStatus
    reason_code: ReasonCode | None = Field(description="Waarom afgewezen of gestopt")
    note: str | None
    created_at: Timestamp
    status_changed_at: Timestamp
    events: list[ReferralEvent]


class ReferralList(BaseModel):
    referrals: list[Referral]


# --- coalition and errors ---------------------------------------------------------


class CoalitionSummary(BaseModel):
    """The coalition graph's summary, as ``python -m matching graph`` gives it."""

    model_config = ConfigDict(extra="allow")


class FieldError(BaseModel):
    field: str
    message: str
    rule: str | None = Field(default=None, description="De regel van de matcher, bij 422")


class Problem(BaseModel):
    """RFC 9457 problem details; ``title`` and messages in Dutch."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    referral_id: int | None = Field(default=None, description="Bij 409 omdat er al een "
                                    "verwijzing loopt in dit domein: welke")

    @model_validator(mode="after")
    def _status_is_an_error(self):
        if not 400 <= self.status <= 599:
            raise ValueError("status must be an error status")
        return self
