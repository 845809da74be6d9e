"""Per-worker caches of what is costly to build from the coalition's data, keyed on its version.

Building a ``matching.Matcher`` (arrays of every person and offer, the
coalition graph, the learned model's fit) takes far longer than ranking one
person with it, and the list of open offers with their free places is read
far more often than it changes. So a worker keeps both, with the coalition
version (``models.coalition_version``) they were built at. Every use first
reads the version (one primary-key read); when it has moved, the values are
dropped and the Matcher is rebuilt, reusing the fitted success model unless
the history moved too or the day changed (an outcome's age, so its weight
and a partner's "mostly old" record, count to the day). So every worker's
next ranking sees every committed change, whichever worker or command made
it. Workers share nothing but the database, so this stays correct behind a
load balancer. Rules that must never see stale data (capacity when
referring, scoping) do not use it.
"""

import threading
from collections.abc import Callable, Hashable

from sqlalchemy.orm import Session

import matching
from models.clock import local_today
from models.coalition_version import current_version
from models.matching_bridge import build_scenario

# Bounds a worker's memory when many people are looked at between two changes.
MAX_VALUES = 5000
# Re-entrant: a cached value may be built from the cached Matcher.
_lock = threading.RLock()
_state: dict = {"key": None, "matcher": None, "history": None, "model": None, "values": {}}


def _refresh(session: Session) -> None:
    """Drop the cached values when the version (or the day) has moved since they were built.

    The version is read before any data, so values are never older than their key.
    """
    data, history = current_version(session)
    today = local_today()
    if (today, data) != _state["key"]:
        _state.update(key=(today, data), matcher=None, values={})
        if (today, history) != _state["history"]:
            _state.update(history=(today, history), model=None)


def current_matcher(session: Session) -> matching.Matcher:
    """The worker's Matcher for the database as it is now."""
    with _lock:
        _refresh(session)
        if _state["matcher"] is None:
            matcher = matching.Matcher(build_scenario(session), success_model=_state["model"])
            _state.update(matcher=matcher, model=matcher.model)
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
    """Drop every cached value (tests roll back data under a version they already saw)."""
    with _lock:
        _state.update(key=None, matcher=None, history=None, model=None, values={})
