"""Notes are for what the partner needs to know, never for who the person is.

A note on a referral, a waitlist entry or a decline's reason is refused when
it holds a BSN (nine digits that pass the elfproef), a Dutch phone number, an
e-mail address or an IBAN (valid check digits). The numbers are checked with
python-stdnum (BSN, IBAN) and Google's libphonenumber (``phonenumbers``), so a
nine-digit number that fails the elfproef, a postcode, a date or a time passes.
"""

import re

import phonenumbers
from stdnum import iban
from stdnum.nl import bsn

from models.errors import InvalidInput

# Nine digits, or written in groups: 123456782, 1234.56.782, 123 456 782.
_BSN = re.compile(r"(?<![\d.\-])(?:\d{9}|\d{4}[ .]\d{2}[ .]\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A country code, check digits, then letters and digits, perhaps in groups of four.
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")
# A date is not a phone number, though "01-02-2024 10" has the digits of one.
_DATE = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_IBAN_LENGTHS = range(15, 35)

# What was found → why it may not be there, for the Dutch message.
KINDS = {
    "bsn": "een BSN",
    "phone": "een telefoonnummer",
    "email": "een e-mailadres",
    "iban": "een IBAN (rekeningnummer)",
}


def personal_data_in(text: str | None) -> list[str]:
    """The kinds of personal data (keys of ``KINDS``) the text holds, in that order.

    >>> personal_data_in("Bel 06-12345678 na 12-03-2024, postcode 3511")
    ['phone']
    """
    if not text:
        return []
    found = {
        "bsn": any(bsn.is_valid(m.group()) for m in _BSN.finditer(text)),
        "phone": _has_dutch_phone_number(text),
        "email": _EMAIL.search(text) is not None,
        "iban": any(_holds_iban(m.group()) for m in _IBAN.finditer(text)),
    }
    return [kind for kind in KINDS if found[kind]]


def check_no_personal_data(text: str | None, field: str) -> None:
    """Raise InvalidInput naming ``field`` when the text holds personal data."""
    kinds = personal_data_in(text)
    if kinds:
        raise InvalidInput(personal_data_message(kinds), [
            {"field": field, "message": personal_data_message(kinds)}])


def personal_data_message(kinds: list[str]) -> str:
    """The Dutch message: what was found, and why it may not stay."""
    names = [KINDS[kind] for kind in kinds]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    return (f"Deze tekst bevat {listed}. Een toelichting is voor wat de partner moet weten, "
            "niet voor wie de inburgeraar is: haal het weg; de partner ziet alleen het pseudoniem.")


def _has_dutch_phone_number(text: str) -> bool:
    for match in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID):
        raw = match.raw_string
        # Written with its trunk or country prefix: a bare 9-digit number is no phone number.
        if (raw[0] in "0+(" and match.number.country_code == 31
                and not _DATE.search(raw)):
            return True
    return False


def _holds_iban(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    return any(iban.is_valid(compact[:n]) for n in _IBAN_LENGTHS if n <= len(compact))
