"""Query parameters of the HSDS API and its page envelope."""

import math
from datetime import UTC, datetime

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


class BadParameter(Exception):
    """A query parameter the API cannot use; ``message`` is Dutch."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def integer(args, name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"{name} moet een geheel getal zijn.") from None
    if value < minimum or (maximum is not None and value > maximum):
        limit = f"tussen {minimum} en {maximum}" if maximum else f"minstens {minimum}"
        raise BadParameter(name, f"{name} moet {limit} zijn.")
    return value


def boolean(args, name: str) -> bool:
    raw = (args.get(name) or "false").lower()
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    raise BadParameter(name, f"{name} moet true of false zijn.")


def moment(args, name: str) -> datetime | None:
    raw = args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        raise BadParameter(name, f"{name} moet een datum of tijdstip zijn (ISO 8601).") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def only_json(args) -> None:
    if args.get("format", "json") != "json":
        raise BadParameter("format", "Alleen format=json wordt ondersteund.")


def page(items: list, args, render) -> dict:
    """HSDS's page envelope around ``render(item)`` for the requested page."""
    number = integer(args, "page", 1)
    per_page = integer(args, "per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
    total_pages = math.ceil(len(items) / per_page)
    contents = [render(item) for item in items[(number - 1) * per_page: number * per_page]]
    return {
        "total_items": len(items),
        "total_pages": total_pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
