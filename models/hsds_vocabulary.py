"""Wegwijs in HSDS terms: stable ids, the Wegwijs taxonomies, the place unit, day parts.

Shared by the HSDS export (``web/hsds``) and import (``models.hsds_import``)
so that both read and write the same terms. Every id is a UUID5 in one
namespace, so the same thing gets the same id in every database.
"""

from dataclasses import dataclass
from uuid import NAMESPACE_URL, uuid5

from models.vocabulary import DOMAINS, OFFER_KIND_NAMES, OFFER_KINDS, PARTNER_KINDS

NAMESPACE = uuid5(NAMESPACE_URL, "https://wegwijs.example/hsds")


def stable_id(*parts: object) -> str:
    """The id of a derived HSDS object (location, schedule, attribute, ...)."""
    return str(uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return stable_id("taxonomy", self.key)

    def document(self) -> dict:
        return {"id": self.id, "name": self.name, "description": self.description,
                "version": "1"}


@dataclass(frozen=True)
class Term:
    taxonomy: Taxonomy
    code: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return stable_id("term", self.taxonomy.key, self.code)

    def document(self) -> dict:
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": self.taxonomy.name,
            "taxonomy_id": self.taxonomy.id,
            "language": "nl",
        }


DOMAIN_TAXONOMY = Taxonomy(
    "domein", "Wegwijs domeinen", "De zeven domeinen van de brede intake inburgering.")
OFFER_KIND_TAXONOMY = Taxonomy(
    "aanbod", "Wegwijs soorten aanbod", "Wat voor aanbod een dienst is.")
PARTNER_KIND_TAXONOMY = Taxonomy(
    "partner", "Wegwijs soorten partners", "Wat voor partner van de coalitie een organisatie is.")
FEATURE_TAXONOMY = Taxonomy(
    "kenmerk", "Wegwijs kenmerken",
    "Voorwaarden en kenmerken van een dienst; de waarde staat in het attribuut.")

_DOMAIN_NAMES = {
    "taal": ("Taal", "Nederlands leren: taalcursussen, taalcafés, oefenen."),
    "werk": ("Werk", "Betaald werk, stages, werkervaringsplekken en vrijwilligerswerk."),
    "opleiding": ("Opleiding", "Een opleiding in het mbo, hbo of een schakeltraject."),
    "sociaal_netwerk": ("Sociaal netwerk", "Mensen leren kennen: maatjes, mentoren, ontmoeting."),
    "gezondheid": ("Gezondheid", "Wegwijs in de zorg, bewegen, gezond leven."),
    "opvoeding": ("Opvoeding en gezin", "Steun bij opvoeden en het gezinsleven."),
    "rondkomen": ("Rondkomen", "Geldzaken, formulieren en schulden voorkomen."),
}
_PARTNER_KIND_NAMES = {
    "taalschool": "Taalschool",
    "werkgever": "Werkgever",
    "maatjesproject": "Maatjesproject",
    "onderwijsinstelling": "Onderwijsinstelling",
    "welzijn": "Welzijnsorganisatie",
    "overig": "Overige partner",
}
_FEATURES = {
    "min_niveau": ("Minimaal taalniveau", "Het taalniveau (ERK) dat minstens nodig is."),
    "max_niveau": ("Maximaal taalniveau", "Het hoogste taalniveau (ERK) waarvoor dit bedoeld is."),
    "leerroute": ("Leerroute", "Een leerroute van de Wet inburgering 2021: b1, onderwijs of z."),
    "alleen_vrouwen": ("Alleen voor vrouwen", "Alleen vrouwen kunnen meedoen."),
    "kinderopvang": ("Kinderopvang", "Er is kinderopvang tijdens de dienst."),
    "alfabetisering": (
        "Alfabetisering", "Voor wie leert lezen en schrijven in het Latijnse schrift."),
    "sector": ("Sector", "De sector van werk of opleiding."),
    "uren_per_week": ("Uren per week", "Hoeveel uur per week de dienst vraagt."),
    "startdatum": ("Startdatum", "De datum waarop de dienst begint (JJJJ-MM-DD)."),
}

# Mentors are individual people: they are never an organization in HSDS.
PUBLISHED_PARTNER_KINDS = tuple(kind for kind in PARTNER_KINDS if kind != "mentor")

DOMAIN_TERMS = {
    code: Term(DOMAIN_TAXONOMY, code, *_DOMAIN_NAMES[code]) for code in DOMAINS
}
OFFER_KIND_TERMS = {
    code: Term(OFFER_KIND_TAXONOMY, code, OFFER_KIND_NAMES[code], f"Aanbod van de soort {code}.")
    for code in OFFER_KINDS
}
PARTNER_KIND_TERMS = {
    code: Term(
        PARTNER_KIND_TAXONOMY, code, _PARTNER_KIND_NAMES[code], f"Partner van de soort {code}.")
    for code in PUBLISHED_PARTNER_KINDS
}
FEATURE_TERMS = {code: Term(FEATURE_TAXONOMY, code, *text) for code, text in _FEATURES.items()}


def organization_description(kind: str, gemeente: str) -> str | None:
    """What the directory publishes for a partner of ``kind`` in ``gemeente`` without a
    description of its own (HSDS asks for one); read back, it is none."""
    term = PARTNER_KIND_TERMS.get(kind)
    if term is None:
        return None
    return f"{term.name} in gemeente {gemeente}, partner van de Utrechtse inburgeringscoalitie."


TAXONOMIES = (DOMAIN_TAXONOMY, OFFER_KIND_TAXONOMY, PARTNER_KIND_TAXONOMY, FEATURE_TAXONOMY)
TERMS = (
    list(DOMAIN_TERMS.values()) + list(OFFER_KIND_TERMS.values())
    + list(PARTNER_KIND_TERMS.values()) + list(FEATURE_TERMS.values())
)
TERMS_BY_ID = {term.id: term for term in TERMS}

# The unit of Wegwijs capacity: one place for one inburgeraar.
PLACE_UNIT = {
    "id": stable_id("unit", "plaats"),
    "name": "plaats",
    "scheme": "Wegwijs",
    "identifier": "plaats",
}

WEEKDAYS = "MO,TU,WE,TH,FR"
WEEKEND = "SA,SU"


@dataclass(frozen=True)
class Daypart:
    byday: str
    opens_at: str
    closes_at: str
    description: str


# Indicative hours of a day part; the partner agrees the exact times.
DAYPARTS = {
    "ochtend": Daypart(
        WEEKDAYS, "09:00:00", "12:00:00", "Doordeweeks in de ochtend (ongeveer 9–12 uur)."),
    "middag": Daypart(
        WEEKDAYS, "13:00:00", "17:00:00", "Doordeweeks in de middag (ongeveer 13–17 uur)."),
    "avond": Daypart(
        WEEKDAYS, "18:30:00", "21:30:00", "Doordeweeks in de avond (ongeveer 18.30–21.30 uur)."),
    "weekend": Daypart(
        WEEKEND, "10:00:00", "17:00:00", "In het weekend (zaterdag of zondag)."),
}
# Where a day part begins and ends (hours), to read foreign schedules back.
DAYPART_SPANS = {"ochtend": (6, 12), "middag": (12, 18), "avond": (18, 24)}

LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "Engels",
    "fr": "Frans",
    "de": "Duits",
    "ar": "Arabisch",
    "ti": "Tigrinya",
    "am": "Amhaars",
    "fa": "Perzisch (Farsi)",
    "prs": "Dari",
    "ps": "Pasjtoe",
    "so": "Somalisch",
    "kmr": "Koerdisch (Kurmanji)",
    "ckb": "Koerdisch (Sorani)",
    "tr": "Turks",
    "uk": "Oekraïens",
    "ru": "Russisch",
    "ur": "Urdu",
}

