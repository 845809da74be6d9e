"""Every export of a person carries every recorded field (models/person_fields.py), and the
purge empties every one: the lists cannot drift apart again (an export once lost ``duaal``)."""

from datetime import date, timedelta

import pytest

import factories
from models.clock import local_today
from models.matching_bridge import engine_inburgeraar
from models.person_fields import NAMES, RECORDED_FIELDS, empty_values, recorded_values
from models.subject import export_subject, purge
from web.api import representations
from web.portal.intake_form import IntakeForm


@pytest.fixture
def person(session):
    """A person with every recorded field away from its empty value."""
    mentor = factories.partner(session, name="Maatje Velden (fictief)", kind="mentor")
    values = {
        "postcode": "3512", "gender": "v", "birth_year": 1991, "arrived_on": date(2024, 3, 1),
        "languages": ["ar", "en"], "level": "A2", "leerroute": "b1", "education": "mbo",
        "availability": ["ochtend", "avond"], "childcare_needed": True, "max_travel_km": 12.5,
        "sectors": ["zorg"], "mentor_id": mentor.id, "goals": "Wil in de zorg werken",
        "latin_literate": False, "duaal": True,
    }
    assert set(values) == set(NAMES)
    assert all(values[name] != empty for name, empty in empty_values().items())
    return factories.inburgeraar(session, traject_ended_on=local_today() - timedelta(days=900),
                                 **values), values


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


def test_the_api_representation_carries_every_field(person):
    row, values = person
    body = representations.inburgeraar(row).model_dump(mode="json")
    assert {name: body[name] for name in NAMES} == {k: _json(v) for k, v in values.items()}


def test_the_data_subject_export_carries_every_field(session, person):
    row, values = person
    exported = export_subject(session, row.id)["inburgeraar"]
    assert {name: exported[name] for name in NAMES} == {k: _json(v) for k, v in values.items()}


def test_the_engine_gets_every_field(person):
    row, values = person
    engine = engine_inburgeraar(row, mentors={values["mentor_id"]})
    expected = {k: tuple(v) if isinstance(v, list) else _json(v) for k, v in values.items()}
    expected["mentor_id"] = str(values["mentor_id"])
    assert {name: getattr(engine, name) for name in NAMES} == expected


def test_the_intake_form_shows_and_returns_every_field_it_asks(app, person):
    row, values = person
    asked = {f.name for f in RECORDED_FIELDS if f.intake}
    with app.test_request_context():
        form = IntakeForm.for_person(row)
        assert form.person_fields() == {name: values[name] for name in asked}


def test_the_purge_empties_every_field(session, person):
    row, _ = person
    purge(session, retention_days=730)
    session.refresh(row)
    assert recorded_values(row) == empty_values()
