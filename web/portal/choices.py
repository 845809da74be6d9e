"""Select and checkbox options in Dutch, built from the domain's vocabularies."""

from matching.dutch import LANGUAGE_NAMES
from models.vocabulary import DAYPARTS, DOMAINS, EDUCATION, GENDERS, LEERROUTES, LEVELS
from web.portal import labels

NONE = ("", "— geen —")

DOMAIN_CHOICES = [(d, labels.DOMAIN_LABELS[d]) for d in DOMAINS]
LEVEL_CHOICES = [(level, level) for level in LEVELS]
LEERROUTE_CHOICES = [(r, labels.LEERROUTE_NAMES[r]) for r in LEERROUTES]
DAYPART_CHOICES = [(d, labels.DAYPART_LABELS[d]) for d in DAYPARTS]
GENDER_CHOICES = [(g, labels.GENDER_LABELS[g]) for g in GENDERS]
EDUCATION_CHOICES = [(e, labels.EDUCATION_LABELS[e]) for e in EDUCATION]
LANGUAGE_CHOICES = sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])
WERKGEVER_KINDS = ("baan", "stage", "werkervaringsplek", "vrijwilligerswerk")
PARTNER_KINDS = ("taalcursus", "maatje", "mentoraat", "opleiding", "activiteit")


def kind_choices(kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(k, labels.OFFER_KIND_LABELS[k]) for k in kinds]


def optional(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The choices with a first "none" option, for fields that may stay empty."""
    return [NONE, *choices]
