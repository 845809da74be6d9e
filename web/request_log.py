"""gunicorn's request log without secrets or personal data (``gunicorn.conf.py`` names it).

gunicorn writes every request line, with its query and the Referer, to the
access log (``make run`` sends it to standard output). Two kinds of line
would carry what a log must not (ASVS 7.1.1, 8.3.1):

- the links mailed to set a password (``/uitnodiging/<secret>``,
  ``/wachtwoord-herstellen/<secret>``): whoever reads the log before the
  person uses the link could take the account. They come in the request line
  of the page and its form, and in the Referer of everything that page loads;
- a query holds what was searched for: a pseudonym, a postcode.

So the secret segment of those paths and every query value are written as
``***`` (the keys stay: which filter was used helps), in the request line,
the path, the query, the Referer, and the headers and environment a custom
``access_log_format`` may name; Authorization and Cookie headers are never
written. Messages of the error log that name a request's path are treated
the same way, and so are the app's own (``RedactingFilter``: Flask's "Exception on <path>").
"""

import logging
import re
from urllib.parse import urlsplit

from gunicorn.glogging import Logger

HIDDEN = "***"
# The portal's pages that take a secret in their path (tests/unit/test_request_log.py checks
# that every route with a <secret> is here).
SECRET_PATHS = ("/uitnodiging/", "/wachtwoord-herstellen/")
_NEVER_WRITTEN = frozenset({
    "{authorization}i", "{proxy-authorization}i", "{cookie}i", "{set-cookie}o",
    "{http_authorization}e", "{http_proxy_authorization}e", "{http_cookie}e",
})


_SECRET_IN_TEXT = re.compile("(" + "|".join(map(re.escape, SECRET_PATHS)) + r")[^\s/?\]\[]+")


def redact_path(path: str) -> str:
    """The path with the secret of a mailed link replaced by ``***``."""
    for prefix in SECRET_PATHS:
        if path.startswith(prefix):
            rest = path[len(prefix):]
            slash = rest.find("/")
            return prefix + HIDDEN + (rest[slash:] if slash >= 0 else "")
    return path


def redact_query(query: str) -> str:
    """Each value of a query replaced by ``***``; the keys stay."""
    if not query:
        return query
    return "&".join(
        f"{part.split('=', 1)[0]}={HIDDEN}" if "=" in part else HIDDEN
        for part in query.split("&")
    )


def redact_uri(uri: str) -> str:
    """A path with its query, both redacted."""
    path, mark, query = uri.partition("?")
    return redact_path(path) + (mark + redact_query(query) if mark else "")


def redact_url(url: str) -> str:
    """A full URL (a Referer): its host stays, its path and query are redacted."""
    if not url or url == "-":
        return url
    parts = urlsplit(url)
    uri = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{parts.scheme}://{parts.netloc}{redact_uri(uri)}" if parts.netloc else redact_uri(url)


def redact_atoms(atoms: dict) -> dict:
    """gunicorn's log atoms (``Logger.atoms``) with nothing secret or personal left."""
    atoms = dict(atoms)
    method, _, rest = str(atoms.get("r", "")).partition(" ")
    uri, _, protocol = rest.rpartition(" ")
    if uri:
        atoms["r"] = f"{method} {redact_uri(uri)} {protocol}"
    for key, redact in (("U", redact_path), ("q", redact_query), ("f", redact_url),
                        ("{path_info}e", redact_path), ("{query_string}e", redact_query),
                        ("{raw_uri}e", redact_uri), ("{request_uri}e", redact_uri),
                        ("{http_referer}e", redact_url), ("{referer}i", redact_url)):
        if isinstance(atoms.get(key), str):
            atoms[key] = redact(atoms[key])
    for key in _NEVER_WRITTEN & atoms.keys():
        atoms[key] = "-"
    return atoms


def _redact_argument(value):
    # gunicorn's error messages pass the request's URI as an argument ("Error handling request %s").
    return redact_uri(value) if isinstance(value, str) and value.startswith("/") else value


class RedactingLogger(Logger):
    """gunicorn's logger, writing ``redact_atoms`` to the access log and error messages
    without the request's secrets."""

    def atoms(self, resp, req, environ, request_time):
        return redact_atoms(super().atoms(resp, req, environ, request_time))

    def error(self, msg, *args, **kwargs):
        super().error(msg, *map(_redact_argument, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(msg, *map(_redact_argument, args), **kwargs)


class RedactingFilter(logging.Filter):
    """Takes a mailed link's secret out of a log record's message (the app's logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = _SECRET_IN_TEXT.sub(lambda m: m.group(1) + HIDDEN, message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
