"""Bodies of the partner and account routes (API 1.2.0, "Partners and accounts").

Kept apart from ``web.api.schemas``; the names are unique across both, as the
OpenAPI document needs.
"""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from models import partners
from models.partners import PARTNER_STATUSES
from models.vocabulary import PARTNER_KINDS, ROLES
from web.api.schemas import Body, Id, Language, Pc4, Schema, Timestamp, absent

PartnerKind = Literal[PARTNER_KINDS]
Role = Literal[ROLES]
_TEXT = r"^[^\x00]*$"
PartnerName = Annotated[str, Field(min_length=1, max_length=200, pattern=_TEXT)]
GemeenteName = Annotated[str, Field(min_length=1, max_length=80, pattern=_TEXT,
                                    examples=["Utrecht"])]
Description = Annotated[str, Field(max_length=4000, pattern=_TEXT)]
# An email as models.accounts takes it (name@domain.tld), without spaces around it or
# characters that are whitespace or control characters anywhere: Python's and JSON
# Schema's "\s" differ, so the set is spelt out.
_EMAIL_CHAR = r"[^@\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
Email = Annotated[str, Field(min_length=3, max_length=254,
                            pattern=f"^{_EMAIL_CHAR}+@{_EMAIL_CHAR}+\\.{_EMAIL_CHAR}+$")]


class Partner(Schema):
    id: int
    name: str
    kind: PartnerKind
    gemeente: str
    postcode: str | None
    languages: list[str]
    description: str | None
    ties: list[int] = Field(description="De partners waarmee deze partner samenwerkt (wederzijds)")
    active: bool
    hsds_organization_id: UUID | None = Field(
        description="De organisatie in /hsds/ (null voor een ervaringsdeskundige)")


class PartnerList(Schema):
    partners: list[Partner]


class PartnerQuery(Schema):
    kind: PartnerKind | SkipJsonSchema[None] = absent()
    gemeente: GemeenteName | SkipJsonSchema[None] = absent()
    status: Literal[PARTNER_STATUSES] = Field(
        default="active",
        description="active (standaard), inactive of all; gedeactiveerde partners alleen voor "
        "de coördinator",
    )


class PartnerFields(Body):
    """A partner's body: its gemeente, postcode and ties name what the database holds."""

    @classmethod
    def reference_errors(cls, session, values: dict) -> list[dict]:
        return partners.reference_errors(session, values)


class PartnerCreate(PartnerFields):
    name: PartnerName
    kind: PartnerKind
    gemeente: GemeenteName
    postcode: Pc4 | None = None
    languages: list[Language] | None = None
    description: Description | None = None
    ties: list[Id] | None = None


class PartnerChange(PartnerFields):
    """The fields to change; a partner itself may change only description, languages, postcode.
    ``ties`` replaces the whole list; ``"active": false`` deactivates."""

    name: PartnerName | SkipJsonSchema[None] = absent()
    kind: PartnerKind | SkipJsonSchema[None] = absent()
    gemeente: GemeenteName | SkipJsonSchema[None] = absent()
    postcode: Pc4 | None = absent("null: geen postcode")
    languages: list[Language] | SkipJsonSchema[None] = absent()
    description: Description | None = absent("null: geen beschrijving")
    ties: list[Id] | SkipJsonSchema[None] = absent()
    active: bool | SkipJsonSchema[None] = absent()


class Account(Schema):
    id: int
    email: str
    role: Role
    partner_id: int | None
    gemeente: str | None
    active: bool
    second_factor: bool
    last_login_at: Timestamp | None
    created_at: Timestamp


class AccountList(Schema):
    accounts: list[Account]


class AccountQuery(Schema):
    unused: bool = Field(default=False, description="Alleen accounts die 90 dagen niet zijn "
                         "gebruikt (BIO: periodieke controle van rechten)")


def _organisation_of_the_role(schema: dict) -> None:
    """A partner account names its partner, a klantmanager's its gemeente, and nothing else
    (``models.accounts``), as the document states it."""
    needs = {"partner": "partner_id", "klantmanager": "gemeente", "coordinator": None}
    schema["allOf"] = [
        {"if": {"properties": {"role": {"const": role}}, "required": ["role"]},
         "then": {"required": [own] if own else [], "properties": {
             name: ({"not": {"type": "null"}} if name == own else {"type": "null"})
             for name in ("partner_id", "gemeente")}}}
        for role, own in needs.items()
    ]


class AccountInvite(Body):
    model_config = ConfigDict(json_schema_extra=_organisation_of_the_role)

    email: Email
    role: Role
    partner_id: Id | None = None
    gemeente: GemeenteName | None = None


class AccountChange(Body):
    role: Role | SkipJsonSchema[None] = absent()
    partner_id: Id | None = absent()
    gemeente: GemeenteName | None = absent()
    active: bool | SkipJsonSchema[None] = absent()


class InvitationSent(Schema):
    id: int = Field(description="Het account")
    expires_at: Timestamp
