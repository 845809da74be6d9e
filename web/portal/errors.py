"""Error pages in Dutch, in the portal's layout.

Handlers are app-wide (routing failures reach no blueprint), but other
blueprints with their own error format (the JSON API, HSDS) keep it: a
failure in one of their views is passed back untouched.
"""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from models.errors import Forbidden, NotFound
from web.extensions import db

PAGES = {
    400: ("Ongeldig verzoek", "De pagina kon dit verzoek niet verwerken."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet, of u heeft er geen toegang toe."),
    405: ("Niet toegestaan", "Deze pagina kan dit soort verzoek niet verwerken."),
    500: (
        "Er ging iets mis",
        "Er ging iets mis in Wegwijs; er is niets gewijzigd. Probeer het later opnieuw.",
    ),
}
CSRF_MESSAGE = (
    "Het formulier is verlopen of niet vanuit Wegwijs verstuurd; er is niets opgeslagen. "
    "Laad de pagina opnieuw en probeer het nog eens."
)
# Blueprints that answer their own errors in their own format.
FOREIGN_PREFIXES = ("api", "hsds")


def register_error_pages(app: Flask) -> None:
    for code in PAGES:
        app.register_error_handler(code, http_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(NotFound, lambda error: error_page(404))
    app.register_error_handler(Forbidden, lambda error: error_page(403))


def http_error(error: HTTPException):
    if _foreign_request():
        return error
    return error_page(error.code or 500)


def csrf_error(error: CSRFError):
    if _foreign_request():
        return error
    return error_page(400, CSRF_MESSAGE)


def error_page(code: int, message: str | None = None):
    db.session.rollback()
    title, default = PAGES.get(code, PAGES[500])
    html = render_template("errors/error.html", code=code, title=title, message=message or default)
    return html, code


def _foreign_request() -> bool:
    return bool(request.blueprint) and request.blueprint.split(".")[0] in FOREIGN_PREFIXES

