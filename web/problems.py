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
    extensions: dict | None = None,
) -> Response:
    """An ``application/problem+json`` response; ``title`` and messages are Dutch.

    ``extensions`` are RFC 9457's extension members (``referral_id`` of a 409).
    """
    body = {"type": type_, "title": title, "status": status, "detail": detail or title}
    if errors is not None:
        body["errors"] = errors
    body.update(extensions or {})
    response = Response(
        json.dumps(body), status=status, mimetype="application/problem+json", headers=headers
    )
    return response
