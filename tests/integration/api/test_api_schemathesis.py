"""Schemathesis over every route of the generated OpenAPI document, as each role, with all
its checks (server errors, status codes, content types and headers, response schemas,
negative data rejected, ...): the API keeps its own document.

Runs in-process against the Flask app (WSGI) on the suite's database with a small
coalition, through every phase of a schemathesis test: the schema's examples, coverage
of its edges and of malformed input, and fuzzing with few examples per operation.
"""

import api_world
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test

from models.referral_service import refer

world = api_world.world
FEW = settings(max_examples=8, deadline=None, database=None,
               suppress_health_check=list(HealthCheck))
ROLES = {"coordinator": "coordinator", "klantmanager": "km_utrecht", "partner": "school"}


def failures(app, headers: dict) -> list[str]:
    """Every operation's failures, each as schemathesis reports it."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # A request the schema allows may still break a rule only the data can check (a wrong
    # current password, no gemeente given by the coordinator, DUO's rules on the PIP): the
    # contract answers those 422 naming the field, so 422 counts as accepting valid data.
    acceptance = schema.config.checks.positive_data_acceptance
    acceptance.expected_statuses = [*acceptance.expected_statuses, "422"]
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()

        def conforms(case):
            case.call_and_validate(headers=headers)

        test = build_operation_test(
            config=schema.config, operation=operation, test_func=conforms, given_kwargs={},
            feedback=FeedbackSources(), explicit_settings=FEW,
        )
        try:
            test()
        except (Exception, BaseExceptionGroup) as error:  # a failure is what we collect
            found.append(f"{operation.label}: {error}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_api_keeps_its_document(app, session, world, role):
    # A referral with its events and access-log rows, so lists hold timestamps to check.
    refer(session, actor_id=world["users"]["km_utrecht"].id,
          inburgeraar_id=world["person_utrecht"].id, offer_id=world["course"].id, note="test")
    found = failures(app, world["auth"][ROLES[role]])
    assert found == [], f"{len(found)} operations fail for the {role}:\n" + "\n\n".join(found)
