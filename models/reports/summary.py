"""The engine's coalition summary of the current database, the source of two reports."""

from sqlalchemy.orm import Session

from matching import graph_summary
from models.matching_bridge import build_scenario


def coalition_summary(session: Session) -> dict:
    """``matching.graph_summary`` of every partner, open offer and inburgeraar.

    Free places are the offers' capacity less the places referrals hold, as
    ``build_scenario`` passes them to the engine.
    """
    return graph_summary(build_scenario(session))
