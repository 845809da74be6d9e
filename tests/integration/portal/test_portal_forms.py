"""Forms report every error at once in a summary that takes the focus, and keep what was typed.

Before: errors came in rounds (the form's own, then the PIP's and the
postcode's), two fields were both labelled "Opleiding", "Koerdisch" stood
beside "Kurmancî (Koerdisch)", sectors were free text ("zörg" accepted), and
the login page said "Er is niets opgeslagen" above a wrong password.
"""

import re

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401

import factories


def text(response) -> str:
    return response.get_data(as_text=True)


def summary(page: str) -> str:
    return re.search(r'<div class="[^"]*ww-error-summary"[^>]*>.*?</ul>', page, re.S).group(0)


@pytest.fixture
def km(session):
    return factories.user(session, role="klantmanager", password=PASSWORD)


def test_an_intake_reports_its_own_the_pips_and_the_postcodes_errors_at_once(form_client, km):
    log_in(form_client, km)
    response = form_client.post("/klantmanager/inburgeraars/nieuw", data={
        "pseudonym": "Jan Jansen", "need_taal": "2", "postcode": "9999", "birth_year": "1850",
        "pip_dagtekening": "2025-01-10", "pip_leerroute": "Z", "pip_niveau": "B1",
        "goals": "Wil koken in een restaurant",
    })
    assert response.status_code == 422
    page = text(response)
    found = summary(page)
    # The form's own (pseudonym, birth year) and the use case's (postcode, PIP) together.
    for field_id in ("pseudonym", "birth_year", "postcode", "pip_niveau"):
        assert f'href="#{field_id}"' in found
    assert "Er zijn 4 fouten" in found and "autofocus" in found and 'tabindex="-1"' in found
    assert "Wil koken in een restaurant" in page and 'value="9999"' in page


def test_the_intakes_labels_and_vocabularies(form_client, km):
    log_in(form_client, km)
    page = text(form_client.get("/klantmanager/inburgeraars/nieuw"))
    labels = re.findall(r"<label[^>]*>([^<]+)", page)
    assert labels.count("Opleiding") == 1 and "Hoogst afgeronde opleiding" in labels
    assert "Kurmancî (Koerdisch)" in labels and "Koerdisch" not in labels
    assert "Zorg" in labels and 'name="sectors" type="checkbox"' in page


def test_a_sector_outside_the_list_is_refused(form_client, session, km):
    log_in(form_client, km)
    response = form_client.post("/klantmanager/inburgeraars/nieuw", data={
        "need_werk": "2", "sectors": ["zörg"],
    })
    assert response.status_code == 422
    assert "Kies uit de lijst." in summary(text(response))


def test_a_recorded_language_outside_the_list_stays_when_the_intake_changes(
        form_client, session, km):
    person = factories.inburgeraar(session, needs={"taal": 2}, languages=["ku", "ar"])
    log_in(form_client, km)
    page = text(form_client.get(f"/klantmanager/inburgeraars/{person.id}/intake"))
    assert re.search(r'value="ku"[^>]*checked', page) or re.search(r'checked[^>]*value="ku"', page)
    response = form_client.post(f"/klantmanager/inburgeraars/{person.id}/intake", data={
        "need_taal": "2", "languages": ["ku", "ar"], "latin_literate": "y",
    })
    assert response.status_code == 302


def test_a_wrong_password_does_not_say_nothing_was_saved(form_client, km):
    response = form_client.post("/inloggen", data={"email": km.email, "password": "fout"})
    page = text(response)
    assert "Er is niets opgeslagen" not in page
    assert "ww-error-summary" in page


def test_an_offer_reports_its_own_and_the_use_cases_errors_at_once(form_client, session):
    user = factories.user(session, role="partner", password=PASSWORD)
    log_in(form_client, user)
    response = form_client.post("/partner/aanbod/nieuw", data={
        "title": "", "domain": "taal", "kind": "taalcursus", "capacity": "-3",
        "postcode": "1011", "min_level": "B1", "max_level": "A1",
    })
    assert response.status_code == 422
    found = summary(text(response))
    for field_id in ("title", "capacity", "postcode", "max_level"):
        assert f'href="#{field_id}"' in found
    # The form's own message on the title, not the use case's second one.
    assert "Geef een titel op." in found and "Dit veld is verplicht." not in found


def test_dates_that_record_the_past_cannot_lie_ahead(form_client, km):
    log_in(form_client, km)
    response = form_client.post("/klantmanager/inburgeraars/nieuw", data={
        "pseudonym": "x", "need_taal": "2", "arrived_on": "2031-01-01",
        "pip_dagtekening": "2031-02-03", "pip_leerroute": "B",
    })
    assert response.status_code == 422
    found = summary(text(response))
    # With the form's own error (the pseudonym) in the same round.
    for field_id in ("pseudonym", "arrived_on", "pip_dagtekening"):
        assert f'href="#{field_id}"' in found
    assert "Deze datum ligt in de toekomst" in found
