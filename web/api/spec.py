"""The one SpecTree instance: validates requests and generates the OpenAPI 3.1 document.

Only the routes decorated with ``api.validate`` appear in the document
(strict mode). A request that fails validation never reaches the view: a
body that is not JSON gets a 400 problem, invalid fields a 422
problem listing every bad field.
"""

import re
from copy import deepcopy

from flask import abort, request
from spectree import Response as Responses
from spectree import SecurityScheme, SpecTree
from spectree.config import Contact
from spectree.models import SecuritySchemeData, Server

from web.api.json_body import body_problem, json_model
from web.api.schemas import Problem
from web.api.validation import field_errors
from web.extensions import db
from web.problems import PROBLEM_TYPE_BASE, problem

URL_PREFIX = "/api/v1"
# The API's full semantic version: info.version and every response's API-Version header.
API_VERSION = "1.2.0"
API_VERSION_HEADER = {
    "description": "De volledige semantische versie van de API (API Design Rules)",
    "schema": {"type": "string", "const": API_VERSION},
}
API_DESCRIPTION = (
    "De JSON-API van Wegwijs voor de systemen van partners en voor scripts. "
    "Vraag een token aan met `POST /api/v1/tokens` (e-mailadres, wachtwoord en de code van "
    "de tweede factor) of maak in het portaal een API-sleutel, en stuur het mee als "
    "`Authorization: Bearer <token>`. Elke fout is `application/problem+json` (RFC 9457); "
    "een 422 noemt elk ongeldig veld tegelijk. In een body laat een weggelaten veld de "
    "waarde staan (bij aanmaken: leeg), en zet `null` een veld op zijn lege waarde: een "
    "lijst `[]`, een vlag haar standaard, `pip` geen PIP. Wat niet leeg kan (`needs`, "
    "`title`, `domain`, `capacity`) neemt geen `null`."
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
                errors=_with_reference_errors(field_errors(req_validation_error)),
            )
        )


def _with_reference_errors(errors: list[dict]) -> list[dict]:
    """Beside the invalid fields, the body's fields that name what the database does not hold
    (a postcode outside the U16, an offer that is not open): a 422 names every bad field at
    once, not only those a schema can judge (API.md, Errors)."""
    model = json_model(request.endpoint)
    body = request.get_json(silent=True)
    if not (isinstance(body, dict) and hasattr(model, "reference_errors")):
        return errors
    named = {_dotted(e["field"]) for e in errors}
    return errors + [e for e in model.reference_errors(db.session, body)
                     if _dotted(e["field"]) not in named]


def _dotted(field: str) -> str:
    # "changes[0].offer_id" and "changes.0.offer_id" (pydantic's way, the API's) are one field.
    return re.sub(r"\[(\d+)\]", r".\1", field)


def _no_logging(req, resp, resp_validation_error, instance, model_adapter):
    """Response validation failures surface as a 500; spectree already builds it."""


api = SpecTree(
    "flask",
    mode="strict",
    title="Wegwijs API",
    version=API_VERSION,
    contact=Contact(
        name="Coördinatie Utrechtse inburgeringscoalitie",
        url="https://wegwijs.example/",
        email="wegwijs@wegwijs.example",
    ),
    servers=[Server(url=URL_PREFIX, description="Versie 1 van de API op deze host")],
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

# The statuses every route can answer with besides its own; 400 where the route takes input.
COMMON_ERRORS = {"HTTP_401": Problem, "HTTP_422": Problem, "HTTP_500": Problem}
INPUT_ERRORS = {"HTTP_400": Problem}


def responses(*, takes_input: bool = True, **codes) -> Responses:
    """A route's responses: its own ``codes`` plus 401/422/500 problems, and 400 with input.

    A route takes input when it has a body, a query or an id in its path; a
    request it cannot read (a body that is no JSON, an id out of range) is a 400.
    """
    errors = {**COMMON_ERRORS, **(INPUT_ERRORS if takes_input else {})}
    return Responses(**{**errors, **codes})


def openapi_document() -> dict:
    """The OpenAPI document as published.

    Spectree names the routes by their full URL; the document names them
    relative to its server (``/api/v1``). Errors are declared as
    ``application/problem+json``, and every response carries ``API-Version``
    (spectree has no way to declare response headers).
    """
    spec = deepcopy(api.spec)
    document = {**spec, "paths": {}}
    for path, operations in spec["paths"].items():
        document["paths"][path.removeprefix(URL_PREFIX)] = operations
        for operation in operations.values():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
                response.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    return document


def request_is_api() -> bool:
    return request.path == URL_PREFIX or request.path.startswith(URL_PREFIX + "/")


def add_version_header(response):
    """Every /api/v1 response names the API's version, errors and unknown URLs too."""
    if request_is_api():
        response.headers["API-Version"] = API_VERSION
    return response
