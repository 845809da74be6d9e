"""RFC 9457 problem details: the one shape of every error the service returns."""

from flask import Response, json

PROBLEM_TYPE_BASE = "https://wegwijs.example/problems/"


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> Response:
    """An ``application/problem+json`` response; ``title`` and messages are Dutch."""
    body = {"type": type_, "title": title, "status": status, "detail": detail or title}
    if errors is not None:
        body["errors"] = errors
    response = Response(
        json.dumps(body), status=status, mimetype="application/problem+json", headers=headers
    )
    return response
