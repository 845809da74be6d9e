"""The HSDS 3.1 JSON Schemas (Open Referral, CC BY-SA 4.0) and validators on them.

The schemas in ``models/hsds_schemas/`` have no ``$id`` and refer to each
other by bare file name, so they are served from a registry keyed by file
name (see ``models/hsds_schemas/SOURCE.md``). Formats (uuid, date-time, uri,
email) are checked: ``rfc3339-validator`` and ``rfc3986-validator`` give
jsonschema the checkers it lacks on its own.
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schemas"
NOT_SCHEMAS = {"openapi.json"}


@cache
def schemas() -> dict[str, dict]:
    """Every HSDS schema by file name, e.g. ``schemas()["service.json"]``."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SCHEMA_DIR.glob("*.json"))
        if path.name not in NOT_SCHEMAS
    }


@cache
def registry() -> Registry:
    return Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in schemas().items()
    )


@cache
def validator(schema_name: str) -> Draft202012Validator:
    """A validator for one HSDS object, e.g. ``validator("organization.json")``."""
    return Draft202012Validator(
        schemas()[schema_name],
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )

