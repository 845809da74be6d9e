"""Per-worker caches of what is costly to build from the coalition's data.

Building a ``matching.Matcher`` (arrays of every person and offer, the
coalition graph, the learned model's fit) takes far longer than ranking one
person with it, and the list of open offers with their free places is read
far more often than it changes. So a worker keeps both, and drops them when
the data they were built from changes.

How a worker knows: a cheap fingerprint of the data (counts and latest
change times, one round trip). It is checked at most once per
``WEGWIJS_CACHE_SECONDS`` (default 1 s; 0 checks on every use), and right
after any write this worker made, so a worker always sees its own writes and
another worker's within that interval. Workers share nothing but the
database, so this stays correct behind a load balancer. Rules that must
never see stale data (capacity when referring, scoping) do not use it.
"""

import threading
import time
from collections.abc import Callable, Hashable
from datetime import date

from flask import Flask, current_app, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import matching
from models.coalition import Offer, Partner, Tie
from models.matching_bridge import build_scenario
from models.people import Inburgeraar, Need
from models.referral import Referral

DEFAULT_CACHE_SECONDS = 1.0
# Bounds a worker's memory when many people are looked at between two changes.
MAX_VALUES = 5000
# Re-entrant: a cached value may be built from the cached Matcher.
_lock = threading.RLock()
_state: dict = {"fingerprint": None, "checked_at": 0.0, "matcher": None, "values": {}}


def fingerprint(session: Session) -> tuple:
    """What the cached values depend on, in one round trip; equal tuples, equal data."""
    measures = [
        (Offer, func.count()),
        (Offer, func.max(Offer.updated_at)),
        (Offer, func.count(Offer.closed_at)),
        (Inburgeraar, func.count()),
        (Inburgeraar, func.max(Inburgeraar.updated_at)),
        (Need, func.count()),
        (Need, func.sum(Need.weight)),
        (Referral, func.count()),
        (Referral, func.max(Referral.status_changed_at)),
        (Partner, func.count()),
        (Partner, func.max(Partner.id)),
        (Tie, func.count()),
        (Tie, func.max(Tie.id)),
    ]
    row = session.execute(
        select(*(select(m).select_from(table).scalar_subquery() for table, m in measures))
    ).one()
    return (date.today(), *row)


def _refresh(session: Session) -> None:
    """Drop the cached values when the fingerprint, checked when due, has changed."""
    interval = current_app.config.get("WEGWIJS_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    now = time.monotonic()
    if _state["fingerprint"] is not None and now - _state["checked_at"] < interval:
        return
    key = fingerprint(session)
    if key != _state["fingerprint"]:
        _state.update(fingerprint=key, matcher=None, values={})
    _state["checked_at"] = now


def current_matcher(session: Session) -> matching.Matcher:
    """The worker's Matcher for the database as it is now."""
    with _lock:
        _refresh(session)
        if _state["matcher"] is None:
            _state["matcher"] = matching.Matcher(build_scenario(session))
        return _state["matcher"]


def cached(session: Session, key: Hashable, build: Callable[[], object]) -> object:
    """The value ``build()`` gave for ``key`` since the data last changed.

    ``key`` must hold everything the value depends on besides the data, such
    as the caller's scope and the query's filters.
    """
    with _lock:
        _refresh(session)
        values = _state["values"]
        if key not in values:
            if len(values) >= MAX_VALUES:
                values.clear()
            values[key] = build()
        return values[key]


def forget_everything() -> None:
    """Drop every cached value (tests roll back data the fingerprint cannot tell apart)."""
    with _lock:
        _state.update(fingerprint=None, checked_at=0.0, matcher=None, values={})


def forget_on_write(app: Flask) -> None:
    """After any request that may have written, check the fingerprint on next use."""

    @app.after_request
    def _check_again_after_write(response):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            with _lock:
                _state["checked_at"] = float("-inf")
        return response
