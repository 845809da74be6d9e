"""A route that takes a JSON body gets one: anything else is a 400 problem, before any rule runs.

Spectree reads an unparsable or non-JSON body as ``{}``, so without this
check ``POST /api/v1/inburgeraars`` with ``text/plain`` would go on as if
nothing was wrong. Which routes take a body is read from the views
themselves: those with a ``json`` parameter (``api.validate(json=...)``).
"""

import inspect
from functools import cache

from flask import current_app, request
from werkzeug.exceptions import BadRequest

from web.problems import PROBLEM_TYPE_BASE, problem

BODY_METHODS = ("POST", "PUT", "PATCH")


def body_problem():
    """The 400 (or 422) problem for a missing, non-JSON or malformed body, else None."""
    if request.method not in BODY_METHODS or not _takes_json(request.endpoint):
        return None
    if not request.is_json:
        return _bad_request("Stuur de body als JSON, met Content-Type: application/json.")
    try:
        body = request.get_json()
    except BadRequest:
        return _bad_request("De body is geen geldige JSON.")
    if not isinstance(body, dict):
        return problem(
            422, "Ongeldige invoer", "De body moet een JSON-object zijn.",
            type_=PROBLEM_TYPE_BASE + "invalid-input",
            errors=[{"field": "body", "message": "Moet een object zijn."}],
        )
    return None


@cache
def _takes_json(endpoint: str | None) -> bool:
    return json_model(endpoint) is not None


@cache
def json_model(endpoint: str | None):
    """The model of the route's JSON body (the view's ``json`` parameter), or None."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    parameter = inspect.signature(view).parameters.get("json") if view is not None else None
    return None if parameter is None else parameter.annotation


def _bad_request(detail: str):
    return problem(400, "Ongeldig verzoek", detail, type_=PROBLEM_TYPE_BASE + "bad-request")
