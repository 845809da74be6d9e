"""Dutch words and number formats for the texts people read.

Reasons and rule explanations are shown to klantmanagers in Dutch, with the
Dutch decimal comma.
"""

__all__ = ["LANGUAGE_NAMES", "format_km", "language_name"]

# The languages most spoken by statushouders in the regio Utrecht, plus the
# common contact languages; other codes are shown as they are.
LANGUAGE_NAMES = {
    "am": "Amhaars",
    "ar": "Arabisch",
    "ckb": "Soranî (Koerdisch)",
    "de": "Duits",
    "en": "Engels",
    "es": "Spaans",
    "fa": "Farsi",
    "fr": "Frans",
    "kmr": "Kurmancî (Koerdisch)",
    "ku": "Koerdisch",
    "nl": "Nederlands",
    "om": "Oromo",
    "pl": "Pools",
    "prs": "Dari",
    "ps": "Pasjtoe",
    "ro": "Roemeens",
    "ru": "Russisch",
    "so": "Somalisch",
    "ti": "Tigrinya",
    "tr": "Turks",
    "uk": "Oekraïens",
    "ur": "Urdu",
}

LEERROUTE_NAMES = {"b1": "B1-route", "onderwijs": "onderwijsroute", "z": "Z-route"}


def language_name(code):
    """The Dutch name of a language code, or the code itself when unknown.

    Examples
    --------
    >>> language_name("ti"), language_name("xx")
    ('Tigrinya', 'xx')
    """
    return LANGUAGE_NAMES.get(code, code)


def format_km(km):
    """A distance in km with one decimal and the Dutch decimal comma.

    Whole numbers lose their decimal, as in "binnen 15 km".

    Examples
    --------
    >>> format_km(2.14), format_km(15.0), format_km(7.5)
    ('2,1', '15', '7,5')
    """
    text = f"{km:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")
