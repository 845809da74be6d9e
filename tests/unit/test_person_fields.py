"""Every list of a person's fields is the declaration's (models/person_fields.py)."""

from dataclasses import fields

import matching
from models import person_fields
from models.people import Inburgeraar
from web.api import audit_schemas, schemas
from web.portal.intake_form import IntakeForm

NAMES = set(person_fields.NAMES)
# The person's columns that are not recorded fields: the record's own.
RECORD_COLUMNS = {"id", "pseudonym", "gemeente_id", "traject_ended_on", "purged_at",
                  "created_at", "updated_at"}


def test_every_column_is_declared_or_the_records_own():
    columns = set(Inburgeraar.__table__.columns.keys())
    assert columns - RECORD_COLUMNS == NAMES
    assert columns >= RECORD_COLUMNS


def test_the_api_bodies_carry_every_field():
    assert set(schemas.InburgeraarFields.model_fields) == NAMES | {"needs", "pip"}
    assert set(schemas.Inburgeraar.model_fields) == NAMES | {
        "id", "pseudonym", "gemeente_id", "gemeente", "needs", "pip"}
    assert set(audit_schemas.ExportedPerson.model_fields) >= NAMES


def test_the_engine_takes_every_field():
    assert {f.name for f in fields(matching.Inburgeraar)} >= NAMES


def test_the_intake_asks_every_field_but_those_declared_otherwise():
    asked = {name for name in NAMES if hasattr(IntakeForm, name)}
    assert asked == {f.name for f in person_fields.RECORDED_FIELDS if f.intake}
    assert "duaal" in asked and "mentor_id" not in asked


def test_empty_values_are_fresh():
    first, second = person_fields.empty_values(), person_fields.empty_values()
    first["languages"].append("nl")
    assert second["languages"] == [] and person_fields.empty_value("languages") == []
    assert set(first) == NAMES
