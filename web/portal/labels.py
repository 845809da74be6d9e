"""Dutch labels for the domain's codes, as people read them in the portal."""

from models.matching_bridge import COMPONENT_LABELS
from models.referral_service import STATUS_LABELS
from models.vocabulary import LEERROUTE_NAMES, OFFER_KIND_NAMES, SECTOR_NAMES, language_name

DOMAIN_LABELS = {
    "taal": "Taal",
    "werk": "Werk",
    "opleiding": "Opleiding",
    "sociaal_netwerk": "Sociaal netwerk",
    "gezondheid": "Gezondheid",
    "opvoeding": "Opvoeding",
    "rondkomen": "Rondkomen",
}
DAYPART_LABELS = {"ochtend": "ochtend", "middag": "middag", "avond": "avond", "weekend": "weekend"}
OFFER_KIND_LABELS = OFFER_KIND_NAMES
PARTNER_KIND_LABELS = {
    "taalschool": "taalschool",
    "werkgever": "werkgever",
    "maatjesproject": "maatjesproject",
    "mentor": "mentor",
    "onderwijsinstelling": "onderwijsinstelling",
    "welzijn": "welzijnsorganisatie",
    "overig": "overige partner",
}
SECTOR_LABELS = SECTOR_NAMES
PIP_LEERROUTE_LABELS = {"B": "B1-route", "O": "onderwijsroute", "Z": "zelfredzaamheidsroute"}
GENDER_LABELS = {"v": "vrouw", "m": "man", "x": "anders / onbekend"}
EDUCATION_LABELS = {
    "geen": "geen",
    "basis": "basisonderwijs",
    "voortgezet": "voortgezet onderwijs",
    "mbo": "mbo",
    "hbo": "hbo",
    "wo": "wo",
}
# What each move's button says: a verb, what pressing it does.
ACTION_LABELS = {
    "accepted": "Accepteer",
    "declined": "Wijs af",
    "started": "Markeer als gestart",
    "completed": "Rond af",
    "dropped": "Meld voortijdig gestopt",
    "withdrawn": "Trek in",
}
STATUS_BADGES = {
    "sent": "neutral",
    "accepted": "active",
    "started": "active",
    "completed": "success",
    "declined": "warning",
    "dropped": "warning",
    "withdrawn": "inactive",
    "expired": "inactive",
}

__all__ = [
    "ACTION_LABELS",
    "COMPONENT_LABELS",
    "DAYPART_LABELS",
    "DOMAIN_LABELS",
    "EDUCATION_LABELS",
    "GENDER_LABELS",
    "LEERROUTE_NAMES",
    "OFFER_KIND_LABELS",
    "PARTNER_KIND_LABELS",
    "PIP_LEERROUTE_LABELS",
    "SECTOR_LABELS",
    "STATUS_BADGES",
    "STATUS_LABELS",
    "language_name",
]
