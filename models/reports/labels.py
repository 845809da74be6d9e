"""Dutch names for the coded values the coordinator's reports show."""

DOMAIN_LABELS = {
    "taal": "Taal",
    "werk": "Werk",
    "opleiding": "Opleiding",
    "sociaal_netwerk": "Sociaal netwerk",
    "gezondheid": "Gezondheid",
    "opvoeding": "Opvoeding en gezin",
    "rondkomen": "Rondkomen",
}

PARTNER_KIND_LABELS = {
    "taalschool": "Taalschool",
    "werkgever": "Werkgever",
    "maatjesproject": "Maatjesproject",
    "mentor": "Mentor",
    "onderwijsinstelling": "Onderwijsinstelling",
    "welzijn": "Welzijnsorganisatie",
    "overig": "Overige partner",
}


def kind_pair_label(pair: str) -> str:
    """``"taalschool–werkgever"`` (the engine's edge kind) in Dutch words."""
    return " – ".join(PARTNER_KIND_LABELS.get(kind, kind) for kind in pair.split("–"))
