"""Schemathesis over the generated OpenAPI: no 5xx, every response matches its schema.

Runs in-process against the Flask app (WSGI) on the suite's database with a
small coalition and a coordinator's token; few examples per operation, so
the suite stays fast.
"""

import api_world
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

world = api_world.world
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.mark.slow
def test_api_conforms_to_its_openapi(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = world["auth"]["coordinator"]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def conforms(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        conforms()
