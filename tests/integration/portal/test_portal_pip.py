"""The PIP in the brede intake: Dutch labels, DUO's rules as Dutch errors beside the field."""

from datetime import timedelta

import pytest
from portal_world import PASSWORD, form_app_fixture, form_client_fixture, log_in  # noqa: F401
from sqlalchemy import func, select

import factories
from models.clock import local_today
from models.people import Inburgeraar
from models.pip import Pip

INTAKE = {"need_taal": "2", "postcode": "3531", "pip_dagtekening": "2026-03-02"}
INSIDE = [
    ({"pip_leerroute": "B", "pip_niveau": "A2"}, ("B", "A2", None)),
    ({"pip_leerroute": "O", "pip_niveau": "B1"}, ("O", "B1", None)),
    ({"pip_leerroute": "Z", "pip_niveau": "A2"}, ("Z", "A2", None)),
    ({"pip_leerroute": "B", "pip_intensiteit_b1_uren": "1"}, ("B", "B1", 1)),
    ({"pip_leerroute": "B", "pip_intensiteit_b1_uren": "9999"}, ("B", "B1", 9999)),
    ({"pip_leerroute": "O"}, ("O", "B1", None)),
    ({"pip_leerroute": "Z"}, ("Z", None, None)),
]
OUTSIDE = [
    ({"pip_leerroute": "O", "pip_niveau": "A2"}, "pip_niveau",
     "Niveau A2 kan niet bij de onderwijsroute (DUO)."),
    ({"pip_leerroute": "Z", "pip_niveau": "B1"}, "pip_niveau",
     "Niveau B1 kan niet bij de Z-route (DUO)."),
    ({"pip_leerroute": "O", "pip_intensiteit_b1_uren": "1"}, "pip_intensiteit_b1_uren",
     "De geschatte intensiteit geldt alleen voor de B1-route (DUO)."),
    ({"pip_leerroute": "B", "pip_intensiteit_b1_uren": "0"}, "pip_intensiteit_b1_uren",
     "Tussen 1 en 9999 uur."),
    ({"pip_leerroute": "B", "pip_intensiteit_b1_uren": "10000"}, "pip_intensiteit_b1_uren",
     "Tussen 1 en 9999 uur."),
    ({"pip_niveau": "B1"}, "pip_leerroute", "Dit veld is verplicht in een PIP."),
]


@pytest.fixture
def km(session):
    return factories.user(session, role="klantmanager", password=PASSWORD)


def _person(session, pseudonym):
    return session.scalars(select(Inburgeraar).where(Inburgeraar.pseudonym == pseudonym)).one()


def test_the_intake_page_asks_for_the_pip_in_dutch(form_client, km):
    page = log_in(form_client, km).get("/klantmanager/inburgeraars/nieuw").get_data(as_text=True)
    for label in ("Dagtekening van het PIP", "Leerroute in het PIP", "Onderwijsroute (O)",
                  "Alfabetisering, uitgebreid (AA)", "Niet van toepassing"):
        assert label in page


@pytest.mark.parametrize(("pip", "recorded"), INSIDE)
def test_a_pip_inside_duos_rules_is_recorded(form_client, session, km, pip, recorded):
    log_in(form_client, km)
    response = form_client.post("/klantmanager/inburgeraars/nieuw",
                                data={**INTAKE, "pseudonym": "IB-PIP1", **pip})
    assert response.status_code == 302, response.get_data(as_text=True)
    person = _person(session, "IB-PIP1")
    assert (person.pip.leerroute, person.pip.niveau, person.pip.intensiteit_b1_uren) == recorded
    assert person.leerroute == {"B": "b1", "O": "onderwijs", "Z": "z"}[recorded[0]]


@pytest.mark.parametrize(("pip", "field", "message"), OUTSIDE)
def test_a_pip_outside_duos_rules_shows_the_error_beside_the_field(
    form_client, session, km, pip, field, message
):
    log_in(form_client, km)
    before = session.scalar(select(func.count()).select_from(Pip))
    response = form_client.post("/klantmanager/inburgeraars/nieuw", data={**INTAKE, **pip})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    # The message sits in the field's own error block, what was typed is kept.
    block = page.split(f'id="{field}-fout"', 1)[1].split("</div>", 1)[0]
    assert message in block
    assert 'value="2026-03-02"' in page
    assert session.scalar(select(func.count()).select_from(Pip)) == before


def test_alfabetisering_from_the_pip_needs_the_literacy_box_cleared(form_client, session, km):
    log_in(form_client, km)
    data = {**INTAKE, "pseudonym": "IB-PIPALFA", "pip_leerroute": "B", "pip_alfabetisering": "A"}
    refused = form_client.post("/klantmanager/inburgeraars/nieuw",
                               data={**data, "latin_literate": "y"})
    assert refused.status_code == 422
    assert "latin_literate-fout" in refused.get_data(as_text=True)
    assert form_client.post("/klantmanager/inburgeraars/nieuw", data=data).status_code == 302
    person = _person(session, "IB-PIPALFA")
    assert person.latin_literate is False and person.pip.alfabetisering == "A"
    # The intake page of the person shows the PIP, and keeps it when saved unchanged.
    page = form_client.get(f"/klantmanager/inburgeraars/{person.id}/intake").get_data(as_text=True)
    assert 'value="2026-03-02"' in page
    assert form_client.post(f"/klantmanager/inburgeraars/{person.id}/intake",
                            data=data).status_code == 302
    session.expire_all()
    assert _person(session, "IB-PIPALFA").pip.alfabetisering == "A"


@pytest.mark.parametrize("field", ["arrived_on", "pip_dagtekening"])
def test_a_date_of_what_happened_in_the_future_shows_beside_its_field(
    form_client, session, km, field
):
    # The same rule as the API's (models/field_rules.past_date_errors).
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    log_in(form_client, km)
    before = session.scalar(select(func.count()).select_from(Inburgeraar))
    response = form_client.post("/klantmanager/inburgeraars/nieuw",
                                data={**INTAKE, "pip_leerroute": "B", field: tomorrow})
    assert response.status_code == 422
    block = response.get_data(as_text=True).split(f'id="{field}-fout"', 1)[1]
    assert "Deze datum ligt in de toekomst" in block.split("</div>", 1)[0]
    assert session.scalar(select(func.count()).select_from(Inburgeraar)) == before
