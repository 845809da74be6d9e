"""One ``matching.Matcher`` per worker process, rebuilt only when the coalition changes.

Building a Matcher (arrays of every person and offer, the coalition graph,
the learned model's fit) takes far longer than ranking one person with it,
so a worker keeps the one it built. Before each use it asks the database for
a cheap fingerprint of everything the Matcher was built from (counts and
latest change times); when another worker or machine changed anything, the
fingerprint differs and the Matcher is built anew. Workers share nothing
but the database, so this stays correct behind a load balancer.
"""

import threading
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import matching
from models.coalition import Offer, Partner, Tie
from models.matching_bridge import build_scenario
from models.people import Inburgeraar, Need
from models.referral import Referral

_lock = threading.Lock()
_cached: dict = {"fingerprint": None, "matcher": None}


def fingerprint(session: Session) -> tuple:
    """What the scenario depends on, in one round trip; equal tuples, equal scenarios."""
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


def current_matcher(session: Session) -> matching.Matcher:
    """The worker's Matcher for the database as it is now."""
    key = fingerprint(session)
    with _lock:
        if _cached["fingerprint"] != key:
            _cached["matcher"] = matching.Matcher(build_scenario(session))
            _cached["fingerprint"] = key
        return _cached["matcher"]
