"""What a referral keeps of the moment it was made: the person as referred, the chance given.

A person's level rises after a course and their address changes. The
matcher must learn from the person as they were when referred (the
scenario's ``as_referred``), or an outcome leaks into its own features; and
the coordinator's page "Hoe goed voorspelt Wegwijs?" compares the chance
Wegwijs gave when the referral was made with what happened. Both are
taken once, just before the referral is written (``at_creation``), and
never changed.
"""

from sqlalchemy.orm import Session

import matching
from matching.validation import AS_REFERRED_FIELDS
from models.matcher_cache import current_matcher
from models.matching_bridge import engine_inburgeraar, pair_scenario
from models.people import Inburgeraar


def person_as_referred(person: Inburgeraar) -> dict:
    """The person's fields the matcher reads, as the scenario's ``as_referred`` holds them.

    The engine's view (the PIP's leerroute and literacy where there is one).
    A field without a value is kept as None, "not known then": left out, the
    engine would take the person's value now, one perhaps recorded after the
    outcome (a level tested, a mentor found).
    """
    seen = engine_inburgeraar(person, needs={}, mentors=None)
    values = {name: getattr(seen, name) for name in AS_REFERRED_FIELDS}
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in values.items()
    }


def chance_now(session: Session, person_id: int, offer_id: int) -> float | None:
    """The chance of completing Wegwijs gives the pair now (the learned model as cached).

    A pair the cached matcher does not hold yet (a person or offer of this
    very transaction) is scored over its own scenario with the same model.
    """
    matcher = current_matcher(session)
    tables = matcher.tables
    p, o = tables.person_index.get(str(person_id)), tables.offer_index.get(str(offer_id))
    if p is None or o is None:
        matcher = matching.Matcher(pair_scenario(session, person_id, offer_id), check=False,
                                   success_model=matcher.model)
        tables = matcher.tables
        p, o = tables.person_index[str(person_id)], tables.offer_index[str(offer_id)]
    km = matching.distances(tables, [p], [o])
    return float(matcher.score_pairs([p], [o], km)[0])


def at_creation(session: Session, person_id: int, offer_id: int) -> dict:
    """A new referral's ``as_referred`` and ``chance_given``, before it is written."""
    person = session.get(Inburgeraar, person_id)
    return {"as_referred": person_as_referred(person),
            "chance_given": chance_now(session, person_id, offer_id)}
