"""Select and checkbox options in Dutch, built from the domain's vocabularies."""

from wtforms.fields.choices import SelectChoice

from models.field_rules import OTHER_OFFER_KINDS, WERKGEVER_OFFER_KINDS
from models.reason_codes import REASON_CODE_LABELS
from models.vocabulary import (
    DAYPARTS,
    DOMAINS,
    EDUCATION,
    GENDERS,
    LANGUAGE_NAMES,
    LEERROUTES,
    LEVELS,
    SECTOR_NAMES,
)
from web.portal import labels

DOMAIN_CHOICES = [SelectChoice(d, labels.DOMAIN_LABELS[d]) for d in DOMAINS]
LEVEL_CHOICES = [SelectChoice(level) for level in LEVELS]
LEERROUTE_CHOICES = [SelectChoice(r, labels.LEERROUTE_NAMES[r]) for r in LEERROUTES]
DAYPART_CHOICES = [SelectChoice(d, labels.DAYPART_LABELS[d]) for d in DAYPARTS]
GENDER_CHOICES = [SelectChoice(g, labels.GENDER_LABELS[g]) for g in GENDERS]
EDUCATION_CHOICES = [SelectChoice(e, labels.EDUCATION_LABELS[e]) for e in EDUCATION]
# "ku" (Kurdish, unspecified) would stand beside Kurmancî and Soranî, which are what people
# speak: the lists offer those two only; a "ku" recorded earlier still reads "Koerdisch".
UNSPECIFIED_LANGUAGES = ("ku",)
LANGUAGE_CHOICES = [
    SelectChoice(code, name) for code, name in sorted(LANGUAGE_NAMES.items(), key=lambda i: i[1])
    if code not in UNSPECIFIED_LANGUAGES
]
SECTOR_CHOICES = [
    SelectChoice(code, name) for code, name in sorted(SECTOR_NAMES.items(), key=lambda i: i[1])
]
PIP_LEERROUTE_CHOICES = [
    SelectChoice("B", "B1-route (B)"), SelectChoice("O", "Onderwijsroute (O)"),
    SelectChoice("Z", "Zelfredzaamheidsroute (Z)"),
]
PIP_NIVEAU_CHOICES = [SelectChoice("A2"), SelectChoice("B1")]
ALFABETISERING_CHOICES = [
    SelectChoice("NVT", "Niet van toepassing"), SelectChoice("A", "Alfabetisering (A)"),
    SelectChoice("AA", "Alfabetisering, uitgebreid (AA)"),
]
# Which kinds each partner posts: models.field_rules, the API's rule too.
WERKGEVER_KINDS = WERKGEVER_OFFER_KINDS
PARTNER_KINDS = OTHER_OFFER_KINDS


def kind_choices(kinds: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(k, labels.OFFER_KIND_LABELS[k]) for k in kinds]


def optional(choices: list[SelectChoice], label: str = "— geen —") -> list[SelectChoice]:
    """The choices with a first empty option: "none" in a form, "all" in a filter."""
    return [SelectChoice("", label), *choices]


REASON_CODE_CHOICES = optional(
    [SelectChoice(code, label) for code, label in REASON_CODE_LABELS.items()],
    "— kies een reden —",
)


def with_recorded(
    options: list[SelectChoice], recorded: list[str], names: dict[str, str]
) -> list[SelectChoice]:
    """The options plus any value already recorded that is not among them, by its name."""
    known = {str(option.value) for option in options}
    extra = [SelectChoice(value, names.get(value, value)) for value in recorded
             if value not in known]
    return [*options, *extra]
