"""Bodies of the coordinator's audit routes: the inzage export and the access log.

Kept apart from ``web.api.schemas`` (the contract's resources); the names are
unique across both, as the OpenAPI document needs.
"""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from models.audit import ACTIONS, CHANNELS
from web.api.schemas import (
    Body,
    Id,
    Moment,
    Pip,
    ReasonCode,
    ReferralStatus,
    Schema,
    Timestamp,
    absent,
)

Action = Literal[ACTIONS]
Channel = Literal[CHANNELS]


class Exported(BaseModel):
    """Inzage leaves nothing out: a field the export holds but its schema lacks is an error,
    not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ExportedPerson(Exported):
    id: int
    pseudonym: str
    gemeente: str
    postcode: str | None
    gender: str | None
    birth_year: int | None
    arrived_on: date | None
    languages: list[str]
    level: str | None
    leerroute: str | None
    education: str | None
    availability: list[str]
    childcare_needed: bool
    max_travel_km: float | None
    sectors: list[str]
    mentor_id: int | None
    goals: str | None
    latin_literate: bool
    duaal: bool
    traject_ended_on: date | None
    created_at: Timestamp
    updated_at: Timestamp
    purged_at: Timestamp | None = Field(description="Wanneer de persoonsgegevens zijn verwijderd")


class ExportedEvent(Exported):
    at: Timestamp
    from_status: ReferralStatus | None
    to_status: ReferralStatus
    reason_code: ReasonCode | None
    reason: str | None


class ExportedProposal(Exported):
    proposed_offer_id: int
    reason_code: str | None
    reason: str | None


class ExportedReferral(Exported):
    id: int
    offer_id: int
    offer_title: str
    partner: str
    status: ReferralStatus
    reason_code: ReasonCode | None
    note: str | None
    as_referred: dict[str, Any] | None = Field(
        description="De gegevens van de persoon waarmee Wegwijs rekende toen de verwijzing "
        "werd gemaakt"
    )
    chance_given: float | None = Field(
        description="De kans op afronden die Wegwijs toen gaf (0 tot 1)"
    )
    proposal: ExportedProposal | None = Field(
        description="Gemaakt vanuit het verdeelvoorstel: het voorgestelde aanbod, en waarom "
        "het elders werd"
    )
    created_at: Timestamp
    status_changed_at: Timestamp
    events: list[ExportedEvent]


class ExportedAccess(Exported):
    at: Timestamp
    role: str | None
    action: Action
    channel: Channel
    route: str


class SubjectExport(Exported):
    """Everything Wegwijs holds about one inburgeraar (inzage, AVG artikel 15)."""

    inburgeraar: ExportedPerson
    needs: dict[str, float]
    intake_needs: dict[str, float] = Field(
        description="De hulpvragen zoals de intake ze vastlegde (per domein het gewicht)"
    )
    pip: Pip | None
    referrals: list[ExportedReferral]
    access_log: list[ExportedAccess]


class AccessLogQuery(Schema):
    user_id: Id | SkipJsonSchema[None] = absent()
    inburgeraar_id: Id | SkipJsonSchema[None] = absent()
    action: Action | SkipJsonSchema[None] = absent()
    channel: Channel | SkipJsonSchema[None] = absent()
    since: Moment | SkipJsonSchema[None] = absent("Vanaf (inclusief)")
    until: Moment | SkipJsonSchema[None] = absent("Tot (exclusief)")
    limit: Annotated[int, Field(ge=1, le=1000)] = 100
    offset: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class AccessLogEntry(BaseModel):
    id: int
    at: Timestamp
    user_id: int | None
    role: str | None
    inburgeraar_id: int | None
    action: Action
    channel: Channel
    route: str
    remote_addr: str | None


class AccessLogPage(BaseModel):
    """Newest first; ask for the next page with ``offset``."""

    entries: list[AccessLogEntry]


class PasswordChange(Body):
    current_password: Annotated[str, Field(min_length=1, max_length=1024, pattern=r"^[^\x00]*$")]
    new_password: Annotated[
        str, Field(min_length=1, max_length=1024, pattern=r"^[^\x00]*$",
                   description="Minstens 12 tekens, niet het e-mailadres, niet veelgebruikt")
    ]
    otp: Annotated[
        str | None, Field(default=None, max_length=64, pattern=r"^[^\x00]*$",
                          description="De huidige TOTP-code of een herstelcode; nodig voor een "
                                      "account met een tweede factor")
    ] = None
