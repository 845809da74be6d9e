"""Notes checked for personal data (models/personal_data.py): what is caught, what passes."""

import pytest

from models.errors import InvalidInput
from models.personal_data import check_no_personal_data, personal_data_in


@pytest.mark.parametrize("text, kinds", [
    ("BSN 111222333", ["bsn"]),
    ("bsn: 123456782.", ["bsn"]),
    ("Sofinummer 1234.56.782", ["bsn"]),
    ("nummer 123 456 782", ["bsn"]),
    ("Bel haar op 06-12345678", ["phone"]),
    ("mobiel 0612345678", ["phone"]),
    ("06 1234 5678 (na 17 uur)", ["phone"]),
    ("vaste lijn 030 - 123 45 67", ["phone"]),
    ("tel. (030) 2345678", ["phone"]),
    ("+31 6 12345678", ["phone"]),
    ("0031 6 12345678", ["phone"]),
    ("mail naar amina.b@example.nl", ["email"]),
    ("Rekening NL91 ABNA 0417 1643 00", ["iban"]),
    ("iban nl91abna0417164300 graag", ["iban"]),
    ("DE89370400440532013000", ["iban"]),
    # The longest kind, in groups of four: longer written out than any IBAN is compact.
    ("Rekening MT84 MALT 0110 0001 2345 MTLC AST0 01S", ["iban"]),
    ("BSN 111222333, tel 0612345678, a@b.nl, NL91ABNA0417164300",
     ["bsn", "phone", "email", "iban"]),
])
def test_personal_data_is_found(text, kinds):
    assert personal_data_in(text) == kinds


@pytest.mark.parametrize("text", [
    None,
    "",
    "Gemotiveerd, graag snel starten; heeft jonge kinderen.",
    "Kenmerk 123456789",  # nine digits that fail the elfproef
    "dossier 987654321 en 000000000",
    "Woont in 3511 AB, vlak bij het station",  # a postcode
    "Postcode 3531",
    "Start op 01-02-2024 10:00 in lokaal 3",  # a date and a time
    "Geboren 1990, in Nederland sinds 12-03-2024",
    "Intake 2024-03-12 10:15",
    "Beschikbaar ma 9.00-12.00, groep 2",
    "Duits nummer +49 30 1234567",  # not a Dutch phone number
    "Rekening NL92 ABNA 0417 1643 00",  # wrong check digits
    "Niveau A2, leerroute B1, 16 uur per week, 15 km",
    "@Domstad: graag de ochtendgroep",
])
def test_ordinary_notes_pass(text):
    assert personal_data_in(text) == []
    check_no_personal_data(text, "note")


def test_the_error_names_the_field_and_says_why_in_dutch():
    with pytest.raises(InvalidInput) as raised:
        check_no_personal_data("Bel 06-12345678 of mail a@b.nl", "reason")
    [error] = raised.value.errors
    assert error["field"] == "reason"
    assert "een telefoonnummer en een e-mailadres" in error["message"]
    assert "niet voor wie de inburgeraar is" in error["message"]


@pytest.mark.parametrize("text, listed", [
    ("BSN 111222333", "een BSN"),
    ("Bel 06-12345678 of mail a@b.nl", "een telefoonnummer en een e-mailadres"),
    ("BSN 111222333, tel 0612345678, a@b.nl",
     "een BSN, een telefoonnummer en een e-mailadres"),
    ("BSN 111222333, tel 0612345678, a@b.nl, NL91ABNA0417164300",
     "een BSN, een telefoonnummer, een e-mailadres en een IBAN (rekeningnummer)"),
])
def test_the_message_lists_what_was_found_and_says_what_to_do(text, listed):
    with pytest.raises(InvalidInput) as raised:
        check_no_personal_data(text, "note")
    expected = (f"Deze tekst bevat {listed}. Een toelichting is voor wat de partner moet weten, "
                "niet voor wie de inburgeraar is: haal het weg; de partner ziet alleen het "
                "pseudoniem.")
    assert raised.value.message == expected
    assert raised.value.errors == [{"field": "note", "message": expected}]
