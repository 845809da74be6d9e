"""Jinja filters and globals: Dutch labels, dates and numbers."""

from datetime import UTC, datetime

from flask import Flask

from models.clock import LOCAL_TIME
from models.matching_bridge import COMPONENTS, format_points
from models.reason_codes import REASON_CODE_LABELS
from models.vocabulary import DAYPARTS
from web.portal import labels
from web.portal.navigation import nav_items


def register_filters(app: Flask) -> None:
    filters = {
        "domain": lambda code: labels.DOMAIN_LABELS.get(code, code),
        "status": lambda code: labels.STATUS_LABELS.get(code, code),
        "status_badge": lambda code: labels.STATUS_BADGES.get(code, "neutral"),
        "offer_kind": lambda code: labels.OFFER_KIND_LABELS.get(code, code or "—"),
        "partner_kind": lambda code: labels.PARTNER_KIND_LABELS.get(code, code),
        "leerroute": lambda code: labels.LEERROUTE_NAMES.get(code, code or "—"),
        "component": lambda code: labels.COMPONENT_LABELS.get(code, code),
        "action": lambda code: labels.ACTION_LABELS.get(code, code),
        "reason_code": lambda code: REASON_CODE_LABELS.get(code, code),
        "language": labels.language_name,
        "sector": lambda code: labels.SECTOR_LABELS.get(code, code),
        "education": lambda code: labels.EDUCATION_LABELS.get(code, code or "—"),
        "gender": lambda code: labels.GENDER_LABELS.get(code, code or "—"),
        "dayparts": dayparts,
        "moment": moment,
        "day": lambda value: value.strftime("%d-%m-%Y") if value else "—",
        "decimal": decimal,
        # One way of writing a percentage everywhere: "51 %".
        "percent": percent,
        "chance": percent,
        "count": count,
        "join_and": join_and,
        "points": format_points,
    }
    app.jinja_env.filters.update(filters)
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["pip_leerroutes"] = labels.PIP_LEERROUTE_LABELS
    app.jinja_env.globals["component_names"] = COMPONENTS


def moment(value: datetime | None) -> str:
    """A timestamp in Dutch local time: 25-11-2025 14:03."""
    if value is None:
        return "—"
    if value.tzinfo is None:  # SQLite returns UTC without its zone
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")


def percent(fraction: float | None) -> str:
    """A fraction as the portal writes every percentage (and the engine its reasons): "51 %"."""
    if fraction is None:
        return "—"
    return f"{round(fraction * 100)} %"


def join_and(items) -> str:
    """A Dutch enumeration: "a", "a en b", "a, b en c"."""
    items = [str(item) for item in items]
    return " en ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def decimal(value: float | None, places: int = 2) -> str:
    """A number with the Dutch decimal comma."""
    if value is None:
        return "—"
    return f"{value:.{places}f}".replace(".", ",")


def count(number: int, singular: str, plural: str) -> str:
    """A number with its noun in the right form: "1 plaats", "2 plaatsen", "0 plaatsen"."""
    return f"{number} {singular if number == 1 else plural}"


def dayparts(codes: list[str] | None) -> str:
    """Day parts in the order of the day (ochtend, middag, avond, weekend), however stored."""
    if not codes:
        return "—"
    return ", ".join(sorted(codes, key=lambda code: (
        DAYPARTS.index(code) if code in DAYPARTS else len(DAYPARTS), code)))
