"""Schemathesis over the audit and account routes, with more examples than the whole-API run:
no 5xx, every response as documented."""

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
ROUTES = ("/access-log", "/export", "/account/password", "/unlock")


@pytest.mark.slow
def test_audit_and_account_routes_conform(app, world, client):
    # Some log rows to page through, about a person who exists.
    client.get("/api/v1/inburgeraars", headers=world["auth"]["coordinator"])
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [op for op in (r.ok() for r in schema.get_all_operations())
                  if op.path.endswith(ROUTES)]
    assert len(operations) == 4
    for role in ("coordinator", "km_utrecht"):
        for operation in operations:
            _fuzz(operation, world["auth"][role])


def _fuzz(operation, headers) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def conforms(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    conforms()
