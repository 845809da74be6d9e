"""The one SpecTree instance: validates requests and generates the OpenAPI 3.1 document.

Only the routes decorated with ``api.validate`` appear in the document
(strict mode). A request that fails validation never reaches the view: a
body that is not JSON gets a 400 problem, invalid fields a 422 problem
listing every bad field.
"""

from copy import deepcopy

from flask import abort, request
from spectree import Response as Responses
from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData

from web.api.json_body import body_problem
from web.api.schemas import Problem
from web.api.validation import field_errors
from web.problems import PROBLEM_TYPE_BASE, problem

API_DESCRIPTION = (
    "De JSON-API van Wegwijs voor de systemen van partners en voor scripts. "
    "Vraag een token aan met `POST /api/v1/tokens` en stuur het mee als "
    "`Authorization: Bearer <token>`. Elke fout is `application/problem+json` (RFC 9457)."
)


def _reject_invalid_input(req, resp, req_validation_error, instance, model_adapter):
    # A body that is not JSON at all is a 400, whatever spectree made of it.
    refused = body_problem()
    if refused is not None:
        abort(refused)
    if req_validation_error is not None:
        abort(
            problem(
                422,
                "Ongeldige invoer",
                "Een of meer velden zijn ongeldig; zie errors.",
                type_=PROBLEM_TYPE_BASE + "invalid-input",
                errors=field_errors(req_validation_error),
            )
        )


def _no_logging(req, resp, resp_validation_error, instance, model_adapter):
    """Response validation failures surface as a 500; spectree already builds it."""


api = SpecTree(
    "flask",
    mode="strict",
    title="Wegwijs API",
    version="1",
    description=API_DESCRIPTION,
    before=_reject_invalid_input,
    after=_no_logging,
    validation_error_model=Problem,
    # Every schema name is unique in web.api.schemas, so the plain names will do.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
    security_schemes=[
        SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))
    ],
    security={"bearer": []},
)

# The statuses every route can answer with besides its own.
COMMON_ERRORS = {
    "HTTP_400": Problem, "HTTP_401": Problem, "HTTP_422": Problem, "HTTP_500": Problem
}


def responses(**codes) -> Responses:
    """A route's responses: its own ``codes`` plus 400/401/422/500 problems."""
    return Responses(**{**COMMON_ERRORS, **codes})


def openapi_document() -> dict:
    """The OpenAPI document, errors declared as ``application/problem+json``."""
    document = deepcopy(api.spec)
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
    return document


def request_is_api() -> bool:
    return request.path == "/api/v1" or request.path.startswith("/api/v1/")
