"""One error path for the API: every failure becomes application/problem+json.

Domain errors map to their HTTP status here and nowhere else. Whatever the
request did in the session is rolled back first, so a failing request
changes nothing.
"""

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed
from werkzeug.exceptions import NotFound as NoSuchUrl
from werkzeug.routing import RequestRedirect

from models.accounts import EmailInUse
from models.errors import (
    AlreadyReferred,
    Conflict,
    DomainError,
    DomainUnderWay,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotEligible,
    NotFound,
    OfferFull,
)
from models.partners import PartnerBusy
from models.sign_in import InvalidCredentials, TooManyAttempts
from web.api.auth import unauthorized
from web.api.spec import request_is_api
from web.extensions import db
from web.problems import PROBLEM_TYPE_BASE, problem

TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict",
    413: "Verzoek te groot",
    415: "Verkeerd mediatype",
    422: "Ongeldige invoer",
    429: "Te veel verzoeken",
    500: "Interne fout",
}

# The most specific class first.
_DOMAIN_STATUS = [
    (OfferFull, 409, "Aanbod is vol", "offer-full"),
    (IllegalTransition, 409, "Overgang niet toegestaan", "illegal-transition"),
    (AlreadyReferred, 409, "Al verwezen", "already-referred"),
    (DomainUnderWay, 409, "Al een lopende verwijzing in dit domein", "domain-under-way"),
    (PartnerBusy, 409, "Partner heeft lopende verwijzingen", "partner-busy"),
    (EmailInUse, 409, "E-mailadres al in gebruik", "email-in-use"),
    (Conflict, 409, "Conflict", "conflict"),
    (NotFound, 404, "Niet gevonden", "not-found"),
    (Forbidden, 403, "Geen toegang", "forbidden"),
    (TooManyAttempts, 429, "Te veel pogingen", "too-many-attempts"),
    (InvalidCredentials, 401, "Inloggen mislukt", "invalid-credentials"),
    (NotEligible, 422, "Niet geschikt voor dit aanbod", "not-eligible"),
    (InvalidInput, 422, "Ongeldige invoer", "invalid-input"),
]


def register_error_handlers(bp: Blueprint) -> None:
    bp.register_error_handler(DomainError, domain_error)
    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(InternalServerError, server_error)
    bp.before_app_request(_unrouted_api_request)


def domain_error(error: DomainError):
    db.session.rollback()
    status, title, slug = next(
        (entry[1:] for entry in _DOMAIN_STATUS if isinstance(error, entry[0])),
        (400, TITLES[400], "bad-request"),
    )
    headers, errors, extensions = None, None, None
    if isinstance(error, TooManyAttempts):
        headers = {"Retry-After": str(error.retry_after)}
    if isinstance(error, InvalidInput):
        errors = error.errors
    if isinstance(error, DomainUnderWay):
        extensions = {"referral_id": error.referral_id}
    if isinstance(error, NotEligible):
        errors = [*error.also, *(
            {"field": error.field, "message": message, "rule": rule}
            for rule, message in error.failures
        )]
    return problem(
        status, title, error.message, type_=PROBLEM_TYPE_BASE + slug, errors=errors,
        headers=headers, extensions=extensions,
    )


def http_error(error: HTTPException):
    db.session.rollback()
    if error.code == 401:
        return unauthorized()
    return _http_problem(error)


def server_error(error: InternalServerError):
    db.session.rollback()
    return problem(
        500,
        TITLES[500],
        "Er ging iets mis in Wegwijs; de wijziging is niet doorgevoerd.",
        type_=PROBLEM_TYPE_BASE + "internal-error",
    )


def _http_problem(error: HTTPException):
    code = error.code or 500
    headers = None
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers = {"Allow": ", ".join(sorted(error.valid_methods))}
    detail = {
        404: "Deze URL bestaat niet in de API.",
        405: "Deze URL kent deze HTTP-methode niet.",
    }.get(code, TITLES.get(code, "Fout"))
    return problem(code, TITLES.get(code, "Fout"), detail, headers=headers)


def _unrouted_api_request():
    """Unknown URLs and methods under /api/v1 are problems too.

    Routing failures reach no blueprint's error handler, but they are known
    before any view runs, so they are answered here.
    """
    failure = request.routing_exception
    # Redirects (a missing trailing slash) are routing exceptions too, and fine.
    if isinstance(failure, HTTPException) and (failure.code or 0) >= 400 and request_is_api():
        if isinstance(failure, MethodNotAllowed) and not _routed_with_another_method(failure):
            failure = NoSuchUrl()
        return _http_problem(failure)
    return None


def _routed_with_another_method(failure: MethodNotAllowed) -> bool:
    """Whether the URL names a resource at all, with one of the methods the 405 offers.

    Werkzeug answers 405 for an id its converter refuses (above the maximum) when
    another method's rule shares the path; no method serves that URL, so it is a 404.
    """
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in failure.valid_methods or ():
        try:
            adapter.match(method=method)
        except RequestRedirect:
            return True
        except HTTPException:
            continue
        return True
    return False
