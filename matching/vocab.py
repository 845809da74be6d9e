"""The fixed vocabularies of the scenario format (``contract/scenario.schema.json``).

Public: the web app's database and forms take their vocabularies from here.

Order matters where the contract gives one: levels are ordered, and the
position of a value is its code in the engine's arrays.
"""

__all__ = [
    "DAYPARTS",
    "DOMAINS",
    "EDUCATION",
    "GENDERS",
    "LEERROUTES",
    "LEVELS",
    "MENTOR_KINDS",
    "OFFER_KINDS",
    "OUTCOMES",
    "PARTNER_KINDS",
    "REASON_CODES",
    "a_noun_for",
    "noun_for",
]

DOMAINS = ("taal", "werk", "opleiding", "sociaal_netwerk", "gezondheid", "opvoeding", "rondkomen")
LEVELS = ("A0", "A1", "A2", "B1", "B2", "C1")
LEERROUTES = ("b1", "onderwijs", "z")
DAYPARTS = ("ochtend", "middag", "avond", "weekend")
PARTNER_KINDS = (
    "taalschool", "werkgever", "maatjesproject", "mentor", "onderwijsinstelling", "welzijn",
    "overig",
)
# The partners a person's ``mentor_id`` may name: "the maatje/mentor the person already
# has" (the contract), a maatjesproject's maatje or a mentor.
MENTOR_KINDS = ("maatjesproject", "mentor")
OFFER_KINDS = (
    "taalcursus", "baan", "stage", "werkervaringsplek", "vrijwilligerswerk", "maatje",
    "mentoraat", "opleiding", "activiteit",
)
GENDERS = ("v", "m", "x")
EDUCATION = ("geen", "basis", "voortgezet", "mbo", "hbo", "wo")
OUTCOMES = ("completed", "dropped", "declined", "ongoing")
# Why a referral was declined or dropped (their meaning is in the API contract).
REASON_CODES = (
    "vol", "niveau", "rooster", "afstand", "doelgroep", "geen_reactie", "persoonlijk", "anders",
)

_NOUNS = {
    DOMAINS: "domain",
    LEVELS: "level",
    LEERROUTES: "leerroute",
    DAYPARTS: "day part",
    PARTNER_KINDS: "partner kind",
    OFFER_KINDS: "offer kind",
    GENDERS: "gender",
    EDUCATION: "education level",
    OUTCOMES: "outcome",
    REASON_CODES: "reason code",
}


def noun_for(values):
    """The name of the vocabulary a list of allowed values is, for messages.

    Examples
    --------
    >>> noun_for(["A0", "A1", "A2", "B1", "B2", "C1"])
    'level'
    >>> noun_for(["x", "y"])
    "one of 'x', 'y'"
    """
    noun = _NOUNS.get(tuple(values))
    return noun if noun else "one of " + ", ".join(repr(v) for v in values)


def a_noun_for(values):
    """``noun_for`` with its article, as a message reads: "an offer kind", "a level".

    Examples
    --------
    >>> a_noun_for(["completed", "dropped", "declined", "ongoing"])
    'an outcome'
    >>> a_noun_for(["x", "y"])
    "one of 'x', 'y'"
    """
    noun = noun_for(values)
    if noun.startswith("one of "):
        return noun
    return ("an " if noun[0] in "aeiou" else "a ") + noun
