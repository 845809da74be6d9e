"""The closed sets of the domain, shared by the schema's CHECK constraints.

They follow the scenario contract (``matching/contract/SCENARIO.md``).
"""

from enum import StrEnum

DOMAINS = ("taal", "werk", "opleiding", "sociaal_netwerk", "gezondheid", "opvoeding", "rondkomen")
LEVELS = ("A0", "A1", "A2", "B1", "B2", "C1")
LEERROUTES = ("b1", "onderwijs", "z")
DAYPARTS = ("ochtend", "middag", "avond", "weekend")
GENDERS = ("v", "m", "x")
EDUCATION = ("geen", "basis", "voortgezet", "mbo", "hbo", "wo")
PARTNER_KINDS = (
    "taalschool",
    "werkgever",
    "maatjesproject",
    "mentor",
    "onderwijsinstelling",
    "welzijn",
    "overig",
)
OFFER_KINDS = (
    "taalcursus",
    "baan",
    "stage",
    "werkervaringsplek",
    "vrijwilligerswerk",
    "maatje",
    "mentoraat",
    "opleiding",
    "activiteit",
)
# What people read for each offer kind (portal, HSDS taxonomy).
OFFER_KIND_NAMES = {
    "taalcursus": "Taalcursus",
    "baan": "Baan",
    "stage": "Stage",
    "werkervaringsplek": "Werkervaringsplek",
    "vrijwilligerswerk": "Vrijwilligerswerk",
    "maatje": "Maatje",
    "mentoraat": "Mentoraat",
    "opleiding": "Opleiding",
    "activiteit": "Activiteit",
}


class ReferralStatus(StrEnum):
    """A referral's state; the database's CHECK holds the same set (models/referral.py)."""

    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    STARTED = "started"
    COMPLETED = "completed"
    DROPPED = "dropped"


REFERRAL_STATUSES = tuple(status.value for status in ReferralStatus)
# The states that hold one place of the offer; the others free it.
HOLDING_STATUSES = (ReferralStatus.SENT.value, ReferralStatus.ACCEPTED.value,
                    ReferralStatus.STARTED.value)
ROLES = ("coordinator", "klantmanager", "partner")


def in_set(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
