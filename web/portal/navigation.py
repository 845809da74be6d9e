"""The main navigation per role; other blueprints add their pages with ``add_nav_item``."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: tuple[str, ...]
    # Partner users see the partner pages or the werkgever pages, by their partner's kind.
    werkgever: bool | None = None
    # A number to show beside the label (what waits), computed per request.
    count: Callable[[], int | None] | None = None


def add_nav_item(
    app: Flask, label: str, endpoint: str, roles: tuple[str, ...], werkgever: bool | None = None,
    count: Callable[[], int | None] | None = None,
) -> None:
    app.extensions.setdefault("portal_nav", []).append(
        NavItem(label, endpoint, roles, werkgever, count))


def nav_items() -> list[dict]:
    """The current user's menu, for the base layout: label, url, is it the current page."""
    if not current_user.is_authenticated:
        return []
    is_werkgever = is_werkgever_user()
    items = []
    for item in current_app.extensions.get("portal_nav", []):
        if current_user.role not in item.roles:
            continue
        if item.werkgever is not None and item.werkgever != is_werkgever:
            continue
        if item.endpoint not in current_app.view_functions:
            continue  # a page whose blueprint is not registered (yet)
        url = url_for(item.endpoint)
        items.append({
            "label": item.label,
            "url": url,
            "current": request.path == url or (url != "/" and request.path.startswith(url)),
            "count": item.count() if item.count else None,
        })
    return items


def is_werkgever_user() -> bool:
    user = current_user.user
    return user.role == "partner" and user.partner is not None and user.partner.kind == "werkgever"
