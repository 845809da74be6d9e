"""Schemathesis over every route of the generated OpenAPI document, as each role, with all
its checks (server errors, status codes, content types and headers, response schemas,
negative data rejected, ...): the API keeps its own document.

Runs in-process against the Flask app (WSGI) on the suite's database with a small
coalition, through every phase of a schemathesis test: the schema's examples, coverage
of its edges and of malformed input, and fuzzing with few examples per operation.
"""

import re

import api_world
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test

from models.referral_service import refer

world = api_world.world
FEW = settings(max_examples=8, deadline=None, database=None,
               suppress_health_check=list(HealthCheck))
ROLES = {"coordinator": "coordinator", "klantmanager": "km_utrecht", "partner": "school"}


# The rules a document cannot state, by operation: the fields a request the document allows
# may still break (a 422 naming them), each with why no JSON Schema can say it. Any other
# field in a 422 to such a request is a mismatch: the document or the server is wrong.
_TODAY = "not after today: a bound that moves every day"
_POSTCODE = "a postcode of the U16, which the database holds"
_STORED = "the values stored before this change"
_NO_PII = "holds no BSN (the elfproef), phone number, email or IBAN: no pattern can say it"
DATA_RULES = {
    "POST /account/password": {
        "current_password": "the account's own password",
        "new_password": "not the account's email, not a common password",
        "otp": "the account's current TOTP code or an unused recovery code",
    },
    "POST /coalition/what-if": {r"changes\.\d+\.offer_id": "an open offer in the database"},
    "POST /inburgeraars": {
        "gemeente_id": "the coordinator names one, a klantmanager not: the caller's role",
        "gemeente": "a gemeente of the U16 (the database holds them), the caller's own for a "
                    "klantmanager, the same as gemeente_id",
        "postcode": _POSTCODE,
        "mentor_id": "a peer mentor in the database",
        "pseudonym": "not yet in use",
        "arrived_on": _TODAY, "birth_year": _TODAY, "pip.dagtekening": _TODAY,
    },
    "PATCH /inburgeraars/{inburgeraar_id}": {
        "postcode": _POSTCODE,
        "mentor_id": "a peer mentor in the database",
        "arrived_on": _TODAY, "birth_year": _TODAY, "pip.dagtekening": _TODAY,
        "leerroute": "follows the PIP " + _STORED, "latin_literate": "follows the PIP " + _STORED,
    },
    "POST /offers": {
        "partner_id": "the coordinator names one, a partner not: the caller's role",
        "postcode": _POSTCODE,
        "max_age": "not below min_age: JSON Schema compares no two fields' numbers",
        **dict.fromkeys(("domain", "kind", "sectors", "hours_per_week"),
                        "what the partner's kind may post: the partner in the database"),
    },
    "PATCH /offers/{offer_id}": {
        "postcode": _POSTCODE,
        "capacity": "not below the places referrals hold",
        **dict.fromkeys(("max_age", "max_level", "min_age", "min_level", "lat", "lon"),
                        "in order, or together, with " + _STORED),
        **dict.fromkeys(("domain", "kind", "sectors", "hours_per_week"),
                        "what the partner's kind may post: the partner in the database"),
    },
    "POST /referrals": {
        "offer_id": "the eligibility rules on the person and the offer",
        "note": _NO_PII,
    },
    "PATCH /referrals/{referral_id}": {"reason": _NO_PII},
    "POST /accounts": {
        "partner_id": "an active partner in the database",
        "gemeente": "a gemeente of the U16, which the database holds",
    },
    **dict.fromkeys(("POST /partners", "PATCH /partners/{partner_id}"), {
        "ties": "partners in the database, active",
        "gemeente": "a gemeente of the U16, which the database holds",
        "postcode": _POSTCODE,
    }),
    "POST /offers/{offer_id}/waitlist": {
        "inburgeraar_id": "the eligibility rules on the person and the offer",
        "note": _NO_PII,
    },
}


def only_data_rules(ctx, response, case):
    """A 422 to a request the document allows names only rules the document cannot state."""
    if response.status_code != 422 or not case.meta.generation.mode.is_positive:
        return None
    allowed = DATA_RULES.get(case.operation.label, {})
    named = [e["field"] for e in response.json().get("errors") or [{"field": "(geen)"}]]
    stray = [f for f in named if not any(re.fullmatch(rule, f) for rule in allowed)]
    assert not stray, f"the document allows what the server refuses: {stray} {response.text}"
    return None


def _headers_made_invalid(case) -> bool:
    """A case whose headers schemathesis made invalid (dropped Authorization, say): the
    role's headers sent instead make it valid again, so it would seem accepted wrongly."""
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return header is not None and not header.mode.is_positive


def failures(app, headers: dict) -> list[str]:
    """Every operation's failures, each as schemathesis reports it."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # A 422 to a request the document allows is checked by only_data_rules instead.
    acceptance = schema.config.checks.positive_data_acceptance
    acceptance.expected_statuses = [*acceptance.expected_statuses, "422"]
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()

        def conforms(case):
            if _headers_made_invalid(case):
                return  # the role's headers below would undo it
            case.call_and_validate(headers=headers, additional_checks=[only_data_rules])

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
