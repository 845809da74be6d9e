"""The closed sets of the domain, shared by the schema's CHECK constraints.

The scenario contract's (``matching/contract/scenario.schema.json``) come from the
engine's ``matching.vocab``; the referral states and roles are the app's own.
"""

from datetime import timedelta
from enum import StrEnum

from matching import LANGUAGE_NAMES, LEERROUTE_NAMES, language_name
from matching.vocab import (
    DAYPARTS,
    DOMAINS,
    EDUCATION,
    GENDERS,
    LEERROUTES,
    LEVELS,
    OFFER_KINDS,
    PARTNER_KINDS,
)

# The scenario contract's vocabularies are the engine's: one source.
__all__ = [
    "DAYPARTS", "DOMAINS", "EDUCATION", "EXPIRY_AFTER", "EXPIRY_REASON", "GENDERS",
    "HOLDING_STATUSES", "LANGUAGE_NAMES", "LEERROUTES", "LEERROUTE_NAMES", "LEVELS",
    "OFFER_KINDS", "OFFER_KIND_NAMES", "PARTNER_KINDS", "REFERRAL_STATUSES", "REMINDER_AFTER",
    "ROLES",
    "ReferralStatus", "SECTOR_NAMES", "STATUS_LABELS", "in_set", "language_name",
]

# The sectors a werkplek is in and a person may want work in, as the portal offers them
# (the scenario takes any lower-case word; the portal keeps to one list, so "zörg" cannot
# stand beside "zorg").
SECTOR_NAMES = {
    "administratie": "Administratie en kantoor",
    "beveiliging": "Beveiliging",
    "bouw": "Bouw",
    "groen": "Groen en tuinbouw",
    "horeca": "Horeca",
    "ict": "ICT",
    "kinderopvang": "Kinderopvang",
    "logistiek": "Logistiek en transport",
    "onderwijs": "Onderwijs",
    "productie": "Productie en industrie",
    "retail": "Detailhandel",
    "schoonmaak": "Schoonmaak",
    "techniek": "Techniek",
    "welzijn": "Welzijn",
    "zorg": "Zorg",
}

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
# The Dutch word for each state, in the portal, the reports and the mails.
STATUS_LABELS = {
    "sent": "verstuurd",
    "accepted": "geaccepteerd",
    "declined": "afgewezen",
    "withdrawn": "ingetrokken",
    "expired": "verlopen",
    "started": "gestart",
    "completed": "afgerond",
    "dropped": "voortijdig gestopt",
}
# A referral unanswered (still ``sent``) this long expires (models.referral_service); the
# partner is reminded when it has waited this long (models.notifications).
EXPIRY_AFTER = timedelta(days=14)
REMINDER_AFTER = timedelta(days=10)
EXPIRY_REASON = f"Niet beantwoord binnen {EXPIRY_AFTER.days} dagen"
ROLES = ("coordinator", "klantmanager", "partner")


def in_set(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
