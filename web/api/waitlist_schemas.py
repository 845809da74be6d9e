"""Bodies of the waitlist routes (API.md, Waitlist); apart from ``web.api.schemas`` to keep
that module the contract's first resources."""

from typing import Literal

from pydantic import BaseModel, Field

from models.waitlist import ENTRY_STATUSES
from web.api.schemas import Body, Id, Text, Timestamp


class WaitlistJoin(Body):
    inburgeraar_id: Id
    note: Text | None = None


class WaitlistEntry(BaseModel):
    id: int
    offer_id: int
    inburgeraar_id: int | None = Field(description="Niet voor partners: die zien het pseudoniem")
    pseudonym: str
    position: int | None = Field(description="Plaats in de wachtrij (1 is de volgende)")
    status: Literal[ENTRY_STATUSES]
    referral_id: int | None
    created_at: Timestamp
    passed_over_rule: str | None = Field(
        None, description="Niet voor partners. Waarom een vrije plaats deze wachtende de laatste "
        "keer voorbijging (\"regel: uitleg\"; een lopende verwijzing in het domein of een "
        "duaal traject op dezelfde dagdelen): de plaats in de rij blijft.")
    passed_over_at: Timestamp | None = Field(None, description="Niet voor partners: wanneer.")


class WaitlistEntryList(BaseModel):
    entries: list[WaitlistEntry]
